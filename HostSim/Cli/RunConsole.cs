// RunConsole: the IRunConsole of the real process (or of a test's StringWriters). A live Spectre display
// is enabled only when output goes to the process's own, non-redirected standard output, --quiet is off
// and Spectre detects an interactive terminal.
using System;
using System.CommandLine;
using System.IO;
using Spectre.Console;

namespace EdgeLearn.HostSim.Cli;

/// <summary>Console for one command run.</summary>
public sealed class RunConsole : IRunConsole
{
    /// <summary>Creates a console over explicit writers; <paramref name="terminal"/> may be null for plain output.</summary>
    public RunConsole(TextWriter output, TextWriter error, bool quiet, IAnsiConsole? terminal = null)
    {
        Out = output ?? throw new ArgumentNullException(nameof(output));
        Error = error ?? throw new ArgumentNullException(nameof(error));
        Quiet = quiet;
        Terminal = quiet ? null : terminal;
    }

    /// <inheritdoc />
    public TextWriter Out { get; }

    /// <inheritdoc />
    public TextWriter Error { get; }

    /// <inheritdoc />
    public bool Quiet { get; }

    /// <inheritdoc />
    public IAnsiConsole? Terminal { get; }

    /// <summary>
    /// The console for a parsed command: the invocation's writers, and a Spectre terminal only when those are the
    /// process's own non-redirected console and --quiet is off.
    /// </summary>
    public static RunConsole Create(ParseResult parseResult, bool quiet)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        TextWriter output = parseResult.InvocationConfiguration.Output;
        TextWriter error = parseResult.InvocationConfiguration.Error;
        IAnsiConsole? terminal = null;
        if (!quiet && ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected)
        {
            var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Out) });
            if (console.Profile.Capabilities.Interactive && console.Profile.Capabilities.Ansi)
            {
                terminal = console;
            }
        }

        return new RunConsole(output, error, quiet, terminal);
    }

    /// <inheritdoc />
    public void Info(string message)
    {
        if (!Quiet)
        {
            Out.WriteLine(message);
        }
    }

    /// <inheritdoc />
    public void Result(string message) => Out.WriteLine(message);

    /// <inheritdoc />
    public void Warn(string message) => Error.WriteLine(message);
}
