// IRunConsole: where a command prints. Results always reach standard output; informational lines are
// dropped under --quiet; progress bars are drawn only on an interactive terminal (see TrainingProgress).
using System.IO;
using Spectre.Console;

namespace EdgeLearn.HostSim.Cli;

/// <summary>Output of one command run, aware of --quiet and of redirection.</summary>
public interface IRunConsole
{
    /// <summary>Standard output.</summary>
    TextWriter Out { get; }

    /// <summary>Standard error.</summary>
    TextWriter Error { get; }

    /// <summary>True under --quiet: no progress display, no informational lines.</summary>
    bool Quiet { get; }

    /// <summary>The Spectre console for live displays, or null when output is redirected or --quiet is set.</summary>
    IAnsiConsole? Terminal { get; }

    /// <summary>Writes an informational line (skipped under --quiet).</summary>
    void Info(string message);

    /// <summary>Writes a result line to standard output (always).</summary>
    void Result(string message);

    /// <summary>Writes a warning or error line to standard error (always).</summary>
    void Warn(string message);
}
