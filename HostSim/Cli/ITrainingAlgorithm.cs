// ITrainingAlgorithm: how a learner plugs into `edgelearn train`. A learner registers one instance in
// the AlgorithmRegistry (Program.CreateRegistry); the train command then
//   1. calls AddOptions once while building the command, so the learner adds its own options
//      (e.g. --weights, --activations) next to the common ones, and
//   2. when --algo names it, calls Run with the parsed common options, the full ParseResult (to read
//      its own options) and the console.
// Run returns an exit code (ExitCodes). It may throw CommandLineUsageException (exit 2) or
// DataSetException (exit 1); the train command prints their messages.
using System.CommandLine;

namespace EdgeLearn.HostSim.Cli;

/// <summary>A learning algorithm selectable with <c>edgelearn train --algo NAME</c>.</summary>
public interface ITrainingAlgorithm
{
    /// <summary>Name used with --algo: lower case letters, digits and '-', e.g. "bep".</summary>
    string Name { get; }

    /// <summary>One-line description shown in help.</summary>
    string Description { get; }

    /// <summary>
    /// Adds this algorithm's own options to the train command. An option another algorithm may also define
    /// (such as --weights) should be obtained with <see cref="AlgorithmRegistry.GetOrAddOption{T}"/> so both share it.
    /// </summary>
    void AddOptions(Command command);

    /// <summary>Trains (and evaluates, reports, exports) with the parsed options; returns an exit code.</summary>
    /// <param name="options">Common training options, validated.</param>
    /// <param name="parseResult">The full parse result, for the options added in <see cref="AddOptions"/>.</param>
    /// <param name="console">Where to print; honours --quiet and redirection.</param>
    int Run(TrainOptions options, ParseResult parseResult, IRunConsole console);
}
