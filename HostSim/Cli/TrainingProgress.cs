// TrainingProgress: progress display for long training runs, one bar per epoch.
//
//   interactive terminal  Spectre.Console progress: a bar per epoch with live train accuracy and
//                         throughput, redrawn at most every 100 ms
//   output redirected     plain lines: one every PlainInterval (10 s) during an epoch, one per epoch end
//   --quiet               only the one-line summary at each epoch end
//
// Learners call Report from their inner loop; between redraws it only reads a timestamp and compares,
// so it allocates nothing and costs a few nanoseconds.
using System;
using System.Globalization;
using Spectre.Console;

namespace EdgeLearn.HostSim.Cli;

/// <summary>Per-epoch training progress over an <see cref="IRunConsole"/>.</summary>
public sealed class TrainingProgress
{
    /// <summary>Time between two plain progress lines when output is redirected.</summary>
    public static readonly TimeSpan PlainInterval = TimeSpan.FromSeconds(10);

    /// <summary>Shortest time between two redraws of the live display.</summary>
    public static readonly TimeSpan LiveInterval = TimeSpan.FromMilliseconds(100);

    private readonly IRunConsole console;
    private readonly TimeProvider time;
    private readonly int epochs;
    private readonly long samplesPerEpoch;
    private readonly long intervalTicks;
    private ProgressContext? live;
    private ProgressTask? task;
    private int epoch;
    private long epochStart;
    private long lastUpdate;
    private long samplesDone;
    private long correct = -1;

    private TrainingProgress(IRunConsole console, int epochs, long samplesPerEpoch, TimeProvider time)
    {
        this.console = console;
        this.epochs = epochs;
        this.samplesPerEpoch = samplesPerEpoch;
        this.time = time;
        intervalTicks = (long)((console.Terminal is null ? PlainInterval : LiveInterval).TotalSeconds * time.TimestampFrequency);
    }

    /// <summary>Current epoch, 1-based; 0 before the first <see cref="BeginEpoch"/>.</summary>
    public int Epoch => epoch;

    /// <summary>
    /// Runs <paramref name="body"/> with a progress display for <paramref name="epochs"/> epochs of
    /// <paramref name="samplesPerEpoch"/> samples each. <paramref name="time"/> defaults to the system clock.
    /// </summary>
    public static void Run(IRunConsole console, int epochs, long samplesPerEpoch, Action<TrainingProgress> body, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(body);
        Run<object?>(console, epochs, samplesPerEpoch, p => { body(p); return null; }, time);
    }

    /// <summary>As <see cref="Run(IRunConsole, int, long, Action{TrainingProgress}, TimeProvider?)"/>, returning the body's result.</summary>
    public static TResult Run<TResult>(IRunConsole console, int epochs, long samplesPerEpoch, Func<TrainingProgress, TResult> body, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(body);
        ArgumentOutOfRangeException.ThrowIfLessThan(epochs, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(samplesPerEpoch, 1L);
        var progress = new TrainingProgress(console, epochs, samplesPerEpoch, time ?? TimeProvider.System);
        if (console.Terminal is null)
        {
            return body(progress);
        }

        return console.Terminal.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn { Width = 24 }, new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                progress.live = ctx;
                return body(progress);
            });
    }

    /// <summary>Starts epoch <paramref name="epochNumber"/> (1-based, at most the epoch count).</summary>
    public void BeginEpoch(int epochNumber)
    {
        if (epochNumber < 1 || epochNumber > epochs)
        {
            throw new ArgumentOutOfRangeException(nameof(epochNumber), epochNumber, $"Epochs are numbered 1 .. {epochs}.");
        }

        epoch = epochNumber;
        epochStart = time.GetTimestamp();
        lastUpdate = epochStart;
        samplesDone = 0;
        correct = -1;
        if (live is not null)
        {
            task = live.AddTask(DescribeLive(null), maxValue: samplesPerEpoch);
        }
    }

    /// <summary>
    /// Reports progress within the current epoch: <paramref name="samplesSoFar"/> samples trained, of which
    /// <paramref name="correctSoFar"/> were classified correctly before their update (-1 when not tracked).
    /// Cheap and allocation-free except when the display is due for a redraw.
    /// </summary>
    public void Report(long samplesSoFar, long correctSoFar = -1)
    {
        samplesDone = samplesSoFar;
        correct = correctSoFar;
        long now = time.GetTimestamp();
        if (now - lastUpdate < intervalTicks || epoch == 0)
        {
            return;
        }

        lastUpdate = now;
        if (task is not null)
        {
            task.Value = Math.Min(samplesSoFar, samplesPerEpoch);
            task.Description = DescribeLive(null);
        }
        else if (!console.Quiet)
        {
            console.Out.WriteLine(Describe(false, null));
        }
    }

    /// <summary>Ends the current epoch and shows its summary, with the test accuracy when known.</summary>
    public void EndEpoch(double? testAccuracy = null)
    {
        if (epoch == 0)
        {
            throw new InvalidOperationException("EndEpoch called before BeginEpoch.");
        }

        if (task is not null)
        {
            task.Value = samplesPerEpoch;
            task.Description = DescribeLive(testAccuracy);
            task.StopTask();
            task = null;
        }
        else
        {
            console.Out.WriteLine(Describe(true, testAccuracy));
        }
    }

    // Short text for the live bar (the bar, percentage and times are separate columns).
    private string DescribeLive(double? testAccuracy)
    {
        var c = CultureInfo.InvariantCulture;
        double seconds = (time.GetTimestamp() - epochStart) / (double)time.TimestampFrequency;
        string text = string.Format(c, "epoch {0}/{1}", epoch, epochs);
        if (correct >= 0 && samplesDone > 0)
        {
            text += string.Format(c, "  train {0:F4}", (double)correct / samplesDone);
        }

        if (testAccuracy.HasValue)
        {
            text += string.Format(c, "  test {0:F4}", testAccuracy.Value);
        }

        if (seconds > 0 && samplesDone > 0)
        {
            text += string.Format(c, "  {0:F0}/s", samplesDone / seconds);
        }

        return text;
    }

    private string Describe(bool done, double? testAccuracy)
    {
        var c = CultureInfo.InvariantCulture;
        double seconds = (time.GetTimestamp() - epochStart) / (double)time.TimestampFrequency;
        string text = done
            ? string.Format(c, "epoch {0}/{1}: {2} samples in {3:F1} s", epoch, epochs, samplesDone, seconds)
            : string.Format(c, "epoch {0}/{1}: {2}/{3}", epoch, epochs, samplesDone, samplesPerEpoch);
        if (seconds > 0 && samplesDone > 0)
        {
            text += string.Format(c, ", {0:F0} samples/s", samplesDone / seconds);
        }

        if (correct >= 0 && samplesDone > 0)
        {
            text += string.Format(c, ", train acc {0:F4}", (double)correct / samplesDone);
        }

        if (testAccuracy.HasValue)
        {
            text += string.Format(c, ", test acc {0:F4}", testAccuracy.Value);
        }

        return text;
    }
}
