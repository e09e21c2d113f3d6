// Program: entry point of the edgelearn command line. Learners are registered in CreateRegistry; the
// command tree and exit codes live in Cli/EdgeLearnCli.
using EdgeLearn.HostSim.Cli;

namespace EdgeLearn.HostSim;

/// <summary>Entry point of the <c>edgelearn</c> command line.</summary>
public static class Program
{
    /// <summary>Builds the command tree and runs it; returns the process exit code (see <see cref="ExitCodes"/>).</summary>
    public static int Main(string[] args) => EdgeLearnCli.Run(args, CreateRegistry());

    /// <summary>
    /// The training algorithms this build offers to <c>edgelearn train --algo</c>. Register each real learner here
    /// (registry.Register(new ...)); nothing is registered that does not train.
    /// </summary>
    public static AlgorithmRegistry CreateRegistry()
    {
        var registry = new AlgorithmRegistry();
        registry.Register(new Training.EquilibriumPropagationAlgorithm());
        registry.Register(new ExtremeLearning.ExtremeLearningAlgorithm());
        registry.Register(new Training.SelfDefinedTargetsAlgorithm());
        registry.Register(new Training.SelfContrastiveForwardForwardAlgorithm());
        return registry;
    }
}
