// TrainCommand: `edgelearn train --algo NAME [common options] [algorithm options]`. The common options
// come from TrainingOptionSet; each registered algorithm adds its own; the chosen algorithm runs.
using System;
using System.CommandLine;

namespace EdgeLearn.HostSim.Cli;

/// <summary>Builds the <c>train</c> command.</summary>
public static class TrainCommand
{
    /// <summary>Command name.</summary>
    public const string Name = "train";

    /// <summary>The train command with the common options and every registered algorithm's options.</summary>
    public static Command Create(AlgorithmRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        var command = new Command(Name, "Train a model on a data set with a registered learning algorithm, then evaluate it on the test part.");
        var options = new TrainingOptionSet(registry);
        options.AddTo(command);
        registry.AddAlgorithmOptions(command);
        command.SetAction(parseResult =>
        {
            TrainOptions trainOptions = options.Bind(parseResult);
            var console = RunConsole.Create(parseResult, trainOptions.Quiet);
            ITrainingAlgorithm? algorithm = registry.Find(trainOptions.Algorithm);
            if (algorithm is null)
            {
                // The parser's validators make this unreachable; keep a clear message rather than a null dereference.
                console.Warn($"{EdgeLearnCli.ExecutableName}: --algo '{trainOptions.Algorithm}' is not registered.");
                return ExitCodes.Usage;
            }

            return EdgeLearnCli.Guard(console, () => algorithm.Run(trainOptions, parseResult, console));
        });
        return command;
    }
}
