// EdgeLearnCli: builds the `edgelearn` command tree and runs it with EdgeLearn's exit codes:
//   0 success, 1 failure at run time, 2 usage error (unknown option, bad or out-of-range value).
// Parse errors are printed to standard error, one per line, followed by a hint to --help.
using System;
using System.CommandLine;
using System.CommandLine.Invocation;
using System.IO;
using EdgeLearn.HostSim.Data;
using EdgeLearn.HostSim.Reporting;

namespace EdgeLearn.HostSim.Cli;

/// <summary>The edgelearn command line: command tree and invocation.</summary>
public static class EdgeLearnCli
{
    /// <summary>Executable name shown in help and messages.</summary>
    public const string ExecutableName = "edgelearn";

    /// <summary>
    /// Builds the root command: --help, --version, <c>train</c> (common options plus every registered algorithm's
    /// options) and <c>datasets</c>.
    /// </summary>
    public static RootCommand BuildRootCommand(AlgorithmRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        var root = new RootCommand("EdgeLearn: fixed-point on-device learning runtime and host simulator.");
        foreach (var option in root.Options)
        {
            if (option is VersionOption version)
            {
                version.Action = new PrintVersionAction();
            }
        }

        root.Add(TrainCommand.Create(registry));
        root.Add(DataSetsCommand.Create());
        root.Add(DemoCommand.Create());
        root.Add(FieldCommand.Create());
        ImageCommands.AddTo(root);
        return root;
    }

    /// <summary>
    /// Parses and runs <paramref name="args"/>; returns the exit code. <paramref name="output"/> and
    /// <paramref name="error"/> default to the process console.
    /// </summary>
    public static int Run(string[] args, AlgorithmRegistry registry, TextWriter? output = null, TextWriter? error = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        var root = BuildRootCommand(registry);
        var parseResult = root.Parse(args);
        var configuration = new InvocationConfiguration
        {
            Output = output ?? Console.Out,
            Error = error ?? Console.Error,
        };
        if (parseResult.Action is ParseErrorAction)
        {
            foreach (var parseError in parseResult.Errors)
            {
                configuration.Error.WriteLine($"{ExecutableName}: {parseError.Message}");
            }

            string command = parseResult.CommandResult.Command is RootCommand ? ExecutableName : $"{ExecutableName} {parseResult.CommandResult.Command.Name}";
            configuration.Error.WriteLine($"Run '{command} --help' for usage.");
            return ExitCodes.Usage;
        }

        return parseResult.Invoke(configuration);
    }

    /// <summary>
    /// Runs a command body, turning the errors a user can fix into messages: usage errors exit with 2,
    /// missing or invalid data sets with 1.
    /// </summary>
    internal static int Guard(IRunConsole console, Func<int> body)
    {
        try
        {
            return body();
        }
        catch (CommandLineUsageException e)
        {
            console.Warn($"{ExecutableName}: {e.Message}");
            return ExitCodes.Usage;
        }
        catch (DataSetException e)
        {
            console.Warn($"{ExecutableName}: {e.Message}");
            return ExitCodes.Failure;
        }
    }

    private sealed class PrintVersionAction : SynchronousCommandLineAction
    {
        public override bool ClearsParseErrors => true;

        public override int Invoke(ParseResult parseResult)
        {
            parseResult.InvocationConfiguration.Output.WriteLine(ToolInfo.Version);
            return ExitCodes.Success;
        }
    }
}
