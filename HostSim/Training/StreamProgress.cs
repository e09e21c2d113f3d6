// StreamProgress: progress of a single pass over a stream (the demo and the field loop), over the shared
// epoch progress display.
using System;
using EdgeLearn.HostSim.Cli;

namespace EdgeLearn.HostSim.Training;

/// <summary>Reports stream progress (frames done, recent accuracy) through <see cref="TrainingProgress"/>.</summary>
public sealed class StreamProgress
{
    private readonly IRunConsole console;
    private readonly long total;
    private long done;
    private double recent;

    private StreamProgress(IRunConsole console, long total)
    {
        this.console = console;
        this.total = total;
    }

    /// <summary>Creates a reporter for a stream of <paramref name="total"/> frames.</summary>
    public static StreamProgress Create(IRunConsole console, long total) => new(console, total);

    /// <summary>Records progress; prints at most every 10 % of the stream.</summary>
    public void Report(int frames, double recentAccuracy)
    {
        long step = Math.Max(1, total / 10);
        if (frames / step != done / step)
        {
            console.Info($"  {frames,8} / {total} frames, accuracy over the last 500: {recentAccuracy:P1}");
        }

        done = frames;
        recent = recentAccuracy;
    }

    /// <summary>Closes the display.</summary>
    public void Done()
    {
        console.Info($"  stream done: {done} frames, final recent accuracy {recent:P1}");
    }
}
