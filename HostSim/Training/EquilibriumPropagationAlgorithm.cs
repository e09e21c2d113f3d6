// EquilibriumPropagationAlgorithm: `edgelearn train --algo bep`, binary-weight Equilibrium Propagation.
//
// Builds the network and the fixed-point learner (Runtime/Learners/EquilibriumPropagation) from the
// command line, trains with the shared epoch loop, optionally runs the float64 oracle of the same
// configuration (same initial weights, same data order) in the same process, and writes the report.
using System;
using System.CommandLine;
using System.Globalization;
using EdgeLearn.HostSim.Cli;
using EdgeLearn.HostSim.Data;
using EdgeLearn.HostSim.Reporting;
using EdgeLearn.Kernels;
using EdgeLearn.Kernels.Host;
using EdgeLearn.Runtime.Learners.EquilibriumPropagation;
using EdgeLearn.Runtime.Models;

namespace EdgeLearn.HostSim.Training;

/// <summary>The <c>bep</c> training algorithm.</summary>
public sealed class EquilibriumPropagationAlgorithm : ITrainingAlgorithm
{
    private Option<string> weights = null!;
    private Option<string> activations = null!;
    private Option<int> freeSteps = null!;
    private Option<int> nudgedSteps = null!;
    private Option<double> beta = null!;
    private Option<string> nudging = null!;
    private Option<int> accumulatorBits = null!;
    private Option<string> nudgePlacement = null!;
    private Option<string> gamma = null!;
    private Option<string> tau = null!;
    private Option<string?> tauSchedule = null!;
    private Option<string> biasLr = null!;
    private Option<string> lr = null!;
    private Option<string> alphaScale = null!;
    private Option<int?> neuronsPerClass = null!;
    private Option<string> kernels = null!;

    /// <inheritdoc />
    public string Name => "bep";

    /// <inheritdoc />
    public string Description => "binary-weight Equilibrium Propagation (fixed point, BOP optimizer)";

    /// <inheritdoc />
    public void AddOptions(Command command)
    {
        var d = new EquilibriumPropagationSettings();
        var bin = EquilibriumPropagationSettings.ForBinaryActivations();
        weights = AlgorithmRegistry.GetOrAddOption(command, "--weights", () => AlgorithmOptions.Choice("--weights", "b1", "weight format: b1 (binary, BOP) or s8 (latent SGD, comparison mode)", "b1", "s8"));
        activations = AlgorithmRegistry.GetOrAddOption(command, "--activations", () => AlgorithmOptions.Choice("--activations", "multi", "activations: multi (Q0.15 hard sigmoid, bin-W) or binary (bin-W-N)", "multi", "binary"));
        freeSteps = AlgorithmRegistry.GetOrAddOption(command, "--free-steps", () => AlgorithmOptions.IntOption("--free-steps", d.FreeSteps, $"free-phase relaxation steps T; {bin.FreeSteps} for binary activations", 1, 10000));
        nudgedSteps = AlgorithmRegistry.GetOrAddOption(command, "--nudged-steps", () => AlgorithmOptions.IntOption("--nudged-steps", d.NudgedSteps, $"nudged-phase relaxation steps K; {bin.NudgedSteps} for binary activations", 1, 10000));
        beta = AlgorithmRegistry.GetOrAddOption(command, "--beta", () =>
        {
            var o = new Option<double>("--beta") { Description = $"nudging strength beta (default {d.Beta.ToString(CultureInfo.InvariantCulture)}; {bin.Beta.ToString(CultureInfo.InvariantCulture)} for binary activations)", DefaultValueFactory = _ => double.NaN };
            return o;
        });
        nudging = AlgorithmRegistry.GetOrAddOption(command, "--nudging", () => AlgorithmOptions.Choice("--nudging", "symmetric", "symmetric (+beta and -beta) or random-sign (one phase, sign drawn per batch)", "symmetric", "random-sign"));
        nudgePlacement = AlgorithmRegistry.GetOrAddOption(command, "--nudge-placement", () => AlgorithmOptions.Choice("--nudge-placement", "outside", "output nudge outside the hard sigmoid (binary EP) or inside (Laborieux; matches BPTT); binary activations: after or inside the leaky average", "outside", "inside"));
        accumulatorBits = AlgorithmRegistry.GetOrAddOption(command, "--accumulator-bits", () =>
        {
            var o = new Option<int>("--accumulator-bits") { Description = "BOP accumulator width: 8, 16 or 32", DefaultValueFactory = _ => d.AccumulatorBits };
            o.AcceptOnlyFromAmong("8", "16", "32");
            return o;
        });
        gamma = AlgorithmRegistry.GetOrAddOption(command, "--gamma", () => AlgorithmOptions.ListOption("--gamma", d.Gamma, $"BOP adaptivity per weight layer (comma list; the last value repeats; {AlgorithmOptions.FormatList(bin.Gamma)} for binary activations)"));
        tau = AlgorithmRegistry.GetOrAddOption(command, "--tau", () => AlgorithmOptions.ListOption("--tau", d.Tau, $"BOP flip threshold per weight layer (comma list; {AlgorithmOptions.FormatList(bin.Tau)} for binary activations)"));
        tauSchedule = AlgorithmRegistry.GetOrAddOption(command, "--tau-schedule", () => new Option<string?>("--tau-schedule")
        {
            Description = "BOP tau annealing: EPOCH:FACTOR list, from epoch EPOCH (1-based) tau is the --tau value times FACTOR, e.g. 11:2,16:4 (default: constant tau)",
        });
        biasLr = AlgorithmRegistry.GetOrAddOption(command, "--bias-lr", () => AlgorithmOptions.ListOption("--bias-lr", d.BiasLearningRate, $"bias learning rate per weight layer (comma list; {AlgorithmOptions.FormatList(bin.BiasLearningRate)} for binary activations)"));
        lr = AlgorithmRegistry.GetOrAddOption(command, "--lr", () => AlgorithmOptions.ListOption("--lr", d.LearningRate, "weight learning rate per layer for --weights s8 (comma list)"));
        alphaScale = AlgorithmRegistry.GetOrAddOption(command, "--alpha-scale", CreateAlphaScaleOption);
        neuronsPerClass = AlgorithmRegistry.GetOrAddOption(command, "--neurons-per-class", () => new Option<int?>("--neurons-per-class") { Description = "output neurons per class G (default 1; 10 for binary activations)" });
        kernels = AlgorithmRegistry.GetOrAddOption(command, "--kernels", () => AlgorithmOptions.Choice("--kernels", "auto", "kernel backend: auto (fastest bit-exact host variant) or reference", "auto", "reference"));
    }

    /// <inheritdoc />
    public int Run(TrainOptions options, ParseResult parseResult, IRunConsole console)
    {
        LabelledDataSet data = options.LoadData(console);
        var settings = ReadSettings(options, parseResult);
        TauSchedule schedule = TauSchedule.Parse(parseResult.GetValue(tauSchedule), "--tau-schedule");
        if (!schedule.IsEmpty && settings.WeightFormat != WeightFormat.B1)
        {
            throw new CommandLineUsageException("--tau-schedule anneals BOP's flip threshold: it needs --weights b1");
        }

        bool binary = settings.ActivationFormat == ActivationFormat.Binary;
        int g = parseResult.GetValue(neuronsPerClass) ?? (binary ? 10 : 1);
        if (g < 1 || g > 1000)
        {
            throw new CommandLineUsageException($"--neurons-per-class must be in [1, 1000], got {g}");
        }

        int[] sizes = options.Architecture?.ToArray() ?? new[] { data.Dimension, 256, data.ClassCount * g };
        options.Architecture?.RequireShape(data.Dimension, data.ClassCount * g, $"{data.Name} with {g} output neuron(s) per class");
        var description = new NetworkDescription(sizes, g);
        KernelSet kernelSet = parseResult.GetValue(kernels) == "reference" ? KernelSet.Reference : HostKernels.Best;

        var network = CreateNetwork(description, settings);
        network.Initialize(options.Seed);
        var initial = EquilibriumPropagationOracleBridge.CaptureInitialState(network);
        // The learner gets its own copy: a tau schedule changes its tau, while the oracle starts from the base one.
        var learner = new EquilibriumPropagationLearner(network, settings.Clone(), kernelSet);
        MemoryPlan plan = learner.Memory;
        console.Info($"bep {description} weights {Format(settings.WeightFormat)} activations {(binary ? "binary" : "multi")}, T={settings.FreeSteps} K={settings.NudgedSteps} beta={settings.Beta.ToString(CultureInfo.InvariantCulture)} {(settings.Nudging == NudgingMode.Symmetric ? "symmetric" : "random-sign")} batch {settings.BatchSize}, {settings.AccumulatorBits}-bit accumulators, kernels {kernelSet.Name}");
        console.Info($"memory plan: persistent {plan.Persistent} B, learner state {plan.LearnerState} B, scratch {plan.Scratch} B, total {plan.Total} B");

        if (!schedule.IsEmpty)
        {
            console.Info($"tau schedule (epoch:factor of --tau): {schedule}");
        }

        short[] trainX = SupervisedTrainingLoop.ToQ15(data.Train.Inputs);
        short[] testX = SupervisedTrainingLoop.ToQ15(data.Test.Inputs);
        int dim = data.Dimension;
        var inference = new EquilibriumPropagationInference(network, settings.FreeSteps, kernelSet);
        SupervisedRunResult result = SupervisedTrainingLoop.Run(
            "training the fixed-point learner",
            console,
            options.Seed,
            options.Epochs,
            data.Train.Count,
            data.Test.Count,
            i => learner.TrainSample(trainX, i * dim, data.Train.Labels[i]) == data.Train.Labels[i] ? 1 : 0,
            () =>
            {
                learner.EndBatch();
                return 0;
            },
            i => inference.Predict(testX, i * dim) == data.Test.Labels[i],
            settings.BatchSize * 2,
            epoch =>
            {
                if (schedule.StepAt(epoch, settings.Tau, description.WeightLayerCount) is double[] tau)
                {
                    learner.ChangeTau(tau);
                }
            });
        console.Result($"fixed point: test accuracy {result.TestAccuracy:P2} ({data.Name}, {data.Train.Count} train / {data.Test.Count} test, {options.Epochs} epoch(s), seed {options.Seed}), {result.TrainSamplesPerSecond:F0} samples/s, {learner.Flips} flips");

        RunReport report = options.StartReport(data);
        report.Arch = description.ToString();
        report.Weights = Format(settings.WeightFormat);
        report.Activations = binary ? "binary" : "q0.15";
        report.TestAccuracy = result.TestAccuracy;
        report.TrainSeconds = result.TrainSeconds;
        report.TrainSamplesPerSecond = result.TrainSamplesPerSecond;
        report.InferMicrosecondsPerSample = result.InferMicrosecondsPerSample;
        report.AllocatedBytesPerTrainStep = result.AllocatedBytesPerTrainStep;
        report.MemoryBytes = new MemoryBytesReport(plan.Persistent, plan.LearnerState, plan.Scratch);
        report.AddExtra("kernels", kernelSet.Name);
        report.AddExtra("accumulator_bits", settings.AccumulatorBits);
        report.AddExtra("nudging", settings.Nudging == NudgingMode.Symmetric ? "symmetric" : "random-sign");
        report.AddExtra("free_steps", settings.FreeSteps);
        report.AddExtra("nudged_steps", settings.NudgedSteps);
        report.AddExtra("beta", settings.Beta);
        report.AddExtra("batch", settings.BatchSize);
        report.AddExtra("alpha_scale", AlgorithmOptions.ToJsonArray(settings.AlphaScale));
        report.AddExtra("flips", learner.Flips);
        if (!schedule.IsEmpty)
        {
            report.AddExtra("tau_schedule", schedule.ToString());
        }

        report.AddExtra("test_accuracy_by_epoch", AlgorithmOptions.ToJsonArray(result.TestAccuracyByEpoch));
        report.AddExtra("train_accuracy_by_epoch", AlgorithmOptions.ToJsonArray(result.TrainAccuracyByEpoch));

        if (options.Oracle)
        {
            SupervisedRunResult oracle = EquilibriumPropagationOracleBridge.Run(initial, description, settings, schedule, data, options, console);
            report.Oracle = new OracleReport { TestAccuracy = oracle.TestAccuracy, TrainSeconds = oracle.TrainSeconds };
            report.AddExtra("oracle_train_samples_per_second", oracle.TrainSamplesPerSecond);
            report.AddExtra("speedup_over_oracle", oracle.TrainSamplesPerSecond > 0 ? result.TrainSamplesPerSecond / oracle.TrainSamplesPerSecond : 0);
            console.Result($"float64 oracle: test accuracy {oracle.TestAccuracy:P2}, {oracle.TrainSamplesPerSecond:F0} samples/s; gap {100 * (result.TestAccuracy - oracle.TestAccuracy):+0.00;-0.00} points");
        }

        if (options.OutputPath is not null)
        {
            var metadata = Images.ModelImageFiles.CreateMetadata(data.Name, data.Split, options.Epochs, options.Seed, data.Train.Count, data.Test.Count, result.TestAccuracy, result.TrainSeconds, ToolInfo.Version);
            byte[] image = Images.ModelImageFiles.Write(options.OutputPath, network, learner.Settings, null, metadata);
            report.ModelImageBytes = image.Length;
            report.ModelSha256 = Images.ModelImageFiles.Sha256Hex(image);
            console.Info($"inference image written to {options.OutputPath} ({image.Length} bytes)");
        }

        if (options.ReportPath is not null)
        {
            RunReportWriter.WriteFile(report, options.ReportPath);
            console.Info($"report written to {options.ReportPath}");
        }

        return ExitCodes.Success;
    }

    private EquilibriumPropagationSettings ReadSettings(TrainOptions options, ParseResult parseResult)
    {
        bool binary = parseResult.GetValue(activations) == "binary";
        // Binary activations start from their own recipe; an option given on the command line overrides either.
        var s = binary ? EquilibriumPropagationSettings.ForBinaryActivations() : new EquilibriumPropagationSettings();
        s.WeightFormat = parseResult.GetValue(weights) == "s8" ? WeightFormat.S8 : WeightFormat.B1;
        s.Nudging = parseResult.GetValue(nudging) == "random-sign" ? NudgingMode.RandomSign : NudgingMode.Symmetric;
        s.NudgePlacement = parseResult.GetValue(nudgePlacement) == "inside" ? NudgePlacement.InsideRho : NudgePlacement.OutsideRho;
        s.AccumulatorBits = parseResult.GetValue(accumulatorBits);
        s.LearningRate = AlgorithmOptions.ParseList(parseResult.GetValue(lr)!, "--lr");
        s.AlphaScale = AlgorithmOptions.ParseList(parseResult.GetValue(alphaScale)!, "--alpha-scale");
        s.Seed = options.Seed;
        if (!binary || AlgorithmOptions.IsGiven(parseResult, freeSteps))
        {
            s.FreeSteps = parseResult.GetValue(freeSteps);
        }

        if (!binary || AlgorithmOptions.IsGiven(parseResult, nudgedSteps))
        {
            s.NudgedSteps = parseResult.GetValue(nudgedSteps);
        }

        if (!binary || AlgorithmOptions.IsGiven(parseResult, gamma))
        {
            s.Gamma = AlgorithmOptions.ParseList(parseResult.GetValue(gamma)!, "--gamma");
        }

        if (!binary || AlgorithmOptions.IsGiven(parseResult, tau))
        {
            s.Tau = AlgorithmOptions.ParseList(parseResult.GetValue(tau)!, "--tau");
        }

        if (!binary || AlgorithmOptions.IsGiven(parseResult, biasLr))
        {
            s.BiasLearningRate = AlgorithmOptions.ParseList(parseResult.GetValue(biasLr)!, "--bias-lr");
        }

        double b = parseResult.GetValue(beta);
        if (!double.IsNaN(b))
        {
            s.Beta = b;
        }
        if (options.Batch is int batch)
        {
            s.BatchSize = batch;
        }

        AlgorithmOptions.Validate(s.Validate);

        return s;
    }

    /// <summary>The <c>--alpha-scale</c> option, shared with sdt's EP learner.</summary>
    internal static Option<string> CreateAlphaScaleOption() => AlgorithmOptions.ListOption(
        "--alpha-scale",
        new EquilibriumPropagationSettings().AlphaScale,
        "multiplier of each weight layer's scale alpha over 1 / (2 sqrt(fan-in)) (comma list; the last value repeats; sdt --rule ep: 1 unless given)");

    /// <summary>The network of the settings; an alpha scale too large for a layer's fan-in is a usage error.</summary>
    internal static EquilibriumPropagationNetwork CreateNetwork(NetworkDescription description, EquilibriumPropagationSettings settings)
    {
        EquilibriumPropagationNetwork? network = null;
        AlgorithmOptions.Validate(() => network = new EquilibriumPropagationNetwork(description, settings));
        return network!;
    }

    internal static string Format(WeightFormat format) => format == WeightFormat.B1 ? "b1" : "s8";
}
