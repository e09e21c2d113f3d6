// SelfDefinedTargetsAlgorithm: `edgelearn train --algo sdt`, self-defined targets (ALGORITHMS.md section 4).
//
// A learner that trains towards any target (the single-layer fixed-point delta rule, or binary-weight / s8
// Equilibrium Propagation) is driven by k-WTA over its own output minus homeostasis: unsupervised with
// --labels 0, semi-supervised with --labels N (the class-balanced labelled subset gives label targets, the rest
// self-defined ones). The run reports, each measured in the same process:
//   - the untrained control (the initial random network under the same evaluation),
//   - the fixed-point result: direct association labelled with the training part (unsupervised) or class groups
//     (semi-supervised), per epoch,
//   - an optional linear probe (--probe-epochs) on the frozen outputs, trained and the untrained,
//   - the labelled-only baseline (semi-supervised: same network and schedule without the unlabelled samples),
//   - the float64 oracle of the same configuration (--oracle).
// Stream mode (--stream): batch 1, streaming homeostasis (running average, optional leak, no reset), one
// continuous stream of --epochs shuffled passes.
// Delta-rule stack (--rule delta --arch IN-H-OUT with --labels N): the feature layer IN-H learns first without
// labels (self-defined targets, --feature-winners, --feature-epochs, over every training sample), then the head
// H-OUT learns semi-supervised on its frozen responses (StackedTargetLearner); the labelled-only baseline trains
// both on the labelled samples alone. --lr and --bias-lr take one value per layer; the head's default rate is
// the normalised-LMS choice 0.5 / E||f||^2 over the labelled samples' features.
// Model image (--out FILE, learner kind 3, Runtime/Images/SelfDefinedTargetsImage.cs), unsupervised or
// semi-supervised, for every learner: the single-layer delta rule (rule 1), --rule ep (rule 2: the EP network as the
// bep mapping writes it) and the delta-rule stack (rule 3: feature layer and head). An inference image holds the
// parameters, the settings and the neuron -> class map the final evaluation used (direct association, or the class
// groups), so `eval --model` predicts exactly as the run evaluated; with --full-image the learner and homeostasis state
// of every layer too (the EP learner's accumulators, counters and generators), enough to resume exactly.
using System;
using System.CommandLine;
using System.Globalization;
using EdgeLearn.HostSim.Cli;
using EdgeLearn.HostSim.Data;
using EdgeLearn.HostSim.Oracles;
using EdgeLearn.HostSim.Reporting;
using EdgeLearn.Kernels;
using EdgeLearn.Kernels.Host;
using EdgeLearn.Runtime.Learners.EquilibriumPropagation;
using EdgeLearn.Runtime.Learners.SelfDefinedTargets;
using EdgeLearn.Runtime.Models;
using static EdgeLearn.HostSim.Cli.AlgorithmOptions;

namespace EdgeLearn.HostSim.Training;

/// <summary>The <c>sdt</c> training algorithm.</summary>
public sealed class SelfDefinedTargetsAlgorithm : ITrainingAlgorithm
{
    /// <summary>Default output width of an unsupervised layer (the paper's 784-2000).</summary>
    public const int DefaultUnsupervisedOutputs = 2000;

    /// <summary>Default mini-batch (the paper's 16).</summary>
    public const int DefaultBatch = 16;

    /// <summary>
    /// Default delta-rule step, as a fraction of the inverse input energy: lr = 0.5 / E||x||^2 over the training
    /// inputs (normalised LMS). The paper's 0.03 is unstable for the delta rule: a per-sample step lr ||x||^2 near or
    /// above 1 makes the direct association swing between epochs (MNIST E||x||^2 = 89, Fashion-MNIST 163). This
    /// default gives, after the rounding to a power of two, 0.0078 on MNIST and 0.0039 on Fashion-MNIST, the rates
    /// measured stable. With --stream (batch 1) the rate is divided by the default batch so that each sample moves the
    /// weights as much as in the mini-batch default.
    /// </summary>
    public const double DefaultDeltaStep = 0.5;

    /// <summary>
    /// Default target smoothing: none. The paper smooths with 0.3; with the delta rule on MNIST 784-2000 (k 5, 10 epochs)
    /// no smoothing measured 91.9 % direct association against 88.9 %, and 2.4 times faster, since a loser whose output
    /// is 0 then has no error and its row is skipped.
    /// </summary>
    public const double DefaultSmoothing = 0.0;

    private Option<int> labels = null!;
    private Option<int?> winners = null!;
    private Option<string> rule = null!;
    private Option<double> homeostasis = null!;
    private Option<double> homeostasisEta = null!;
    private Option<int> homeostasisLeak = null!;
    private Option<string?> homeostasisReset = null!;
    private Option<double> smoothing = null!;
    private Option<bool> stream = null!;
    private Option<int> probeEpochs = null!;
    private Option<int> preEpochs = null!;
    private Option<bool> oracleEachEpoch = null!;
    private Option<int> featureEpochs = null!;
    private Option<int> featureWinners = null!;
    private Option<bool> fullImage = null!;

    // Shared with bep (same names and types; whoever registers first creates them).
    private Option<string> weights = null!;
    private Option<string> activations = null!;
    private Option<int> freeSteps = null!;
    private Option<int> nudgedSteps = null!;
    private Option<double> beta = null!;
    private Option<string> nudging = null!;
    private Option<string> nudgePlacement = null!;
    private Option<int> accumulatorBits = null!;
    private Option<string> gamma = null!;
    private Option<string> tau = null!;
    private Option<string> biasLr = null!;
    private Option<string> lr = null!;
    private Option<string> alphaScale = null!;
    private Option<int?> neuronsPerClass = null!;
    private Option<string> kernels = null!;

    /// <inheritdoc />
    public string Name => "sdt";

    /// <inheritdoc />
    public string Description => "self-defined targets: k-WTA with homeostasis makes the delta rule or binary EP unsupervised (--labels 0) or semi-supervised";

    /// <inheritdoc />
    public void AddOptions(Command command)
    {
        var e = new EquilibriumPropagationSettings();
        labels = AlgorithmRegistry.GetOrAddOption(command, "--labels", () => IntOption("--labels", 0, "sdt: labelled training samples, class-balanced (0 = fully unsupervised)", 0, int.MaxValue));
        winners = AlgorithmRegistry.GetOrAddOption(command, "--winners", () =>
        {
            var o = new Option<int?>("--winners") { Description = "sdt: winners k of the k-WTA (default 5 unsupervised, 1 semi-supervised)" };
            o.Validators.Add(r => OptionChecks.AtLeast(r, "--winners", 1));
            return o;
        });
        rule = AlgorithmRegistry.GetOrAddOption(command, "--rule", () => Choice("--rule", "delta", "sdt: learner driven by the targets: delta (single layer, no relaxation) or ep (binary EP, see --weights)", "delta", "ep"));
        homeostasis = AlgorithmRegistry.GetOrAddOption(command, "--homeostasis", () => DoubleOption("--homeostasis", 0.3, "sdt: homeostasis rate gamma_H in [0, 16), per update (with --stream the default is divided by 16: an update per sample)"));
        homeostasisEta = AlgorithmRegistry.GetOrAddOption(command, "--homeostasis-eta", () => DoubleOption("--homeostasis-eta", 1.0 / DefaultBatch, "sdt: running-average rate eta of streaming homeostasis, (0, 1]"));
        homeostasisLeak = AlgorithmRegistry.GetOrAddOption(command, "--homeostasis-leak", () => IntOption("--homeostasis-leak", 0, "sdt: leak H -= H 2^-S after every homeostasis update (0 = none)", 0, 30));
        homeostasisReset = AlgorithmRegistry.GetOrAddOption(command, "--homeostasis-reset", () =>
        {
            var o = new Option<string?>("--homeostasis-reset") { Description = "sdt: reset H every epoch (the paper) or never (default: H is an integral controller that needs no reset; measured as good or better on MNIST, and the only choice with --stream)" };
            o.AcceptOnlyFromAmong("epoch", "never");
            return o;
        });
        smoothing = AlgorithmRegistry.GetOrAddOption(command, "--smoothing", () => DoubleOption("--smoothing", DefaultSmoothing, "sdt: target smoothing s in [0, 1): d = (1 - s) d + s k / N (the paper: 0.3)"));
        stream = AlgorithmRegistry.GetOrAddOption(command, "--stream", () => new Option<bool>("--stream") { Description = "sdt: learn from a stream: batch 1, streaming homeostasis, no epoch boundaries (--epochs passes)" });
        probeEpochs = AlgorithmRegistry.GetOrAddOption(command, "--probe-epochs", () => IntOption("--probe-epochs", 0, "sdt: epochs of a linear probe on the frozen outputs, trained and untrained (0 = none)", 0, 1000));
        oracleEachEpoch = AlgorithmRegistry.GetOrAddOption(command, "--oracle-each-epoch", () => new Option<bool>("--oracle-each-epoch") { Description = "sdt: evaluate the oracle after every epoch too (default: after the last one; its evaluation is slow)" });
        featureEpochs = AlgorithmRegistry.GetOrAddOption(command, "--feature-epochs", () => IntOption("--feature-epochs", 30, "sdt: epochs of the unsupervised feature layer of a delta-rule stack (--arch IN-H-OUT with --labels; 30 like the unsupervised default run: 92.99 % mean of seeds 1-3 on mnist 600 labels against 92.70 % with 20)", 1, 100000));
        featureWinners = AlgorithmRegistry.GetOrAddOption(command, "--feature-winners", () => IntOption("--feature-winners", 5, "sdt: winners k of the feature layer of a delta-rule stack", 1, 65535));
        fullImage = AlgorithmRegistry.GetOrAddOption(command, "--full-image", () => new Option<bool>("--full-image") { Description = SelfContrastiveForwardForwardAlgorithm.FullImageDescription });
        preEpochs = AlgorithmRegistry.GetOrAddOption(command, "--pre-epochs", () => IntOption("--pre-epochs", 10, "sdt: supervised pre-training epochs on the labelled subset (semi-supervised)", 0, 100000));

        weights = AlgorithmRegistry.GetOrAddOption(command, "--weights", () => Choice("--weights", "b1", "weight format: b1 (binary, BOP) or s8 (latent SGD, comparison mode)", "b1", "s8"));
        activations = AlgorithmRegistry.GetOrAddOption(command, "--activations", () => Choice("--activations", "multi", "activations: multi (Q0.15 hard sigmoid, bin-W) or binary (bin-W-N)", "multi", "binary"));
        freeSteps = AlgorithmRegistry.GetOrAddOption(command, "--free-steps", () => IntOption("--free-steps", e.FreeSteps, "free-phase relaxation steps T", 1, 10000));
        nudgedSteps = AlgorithmRegistry.GetOrAddOption(command, "--nudged-steps", () => IntOption("--nudged-steps", e.NudgedSteps, "nudged-phase relaxation steps K", 1, 10000));
        beta = AlgorithmRegistry.GetOrAddOption(command, "--beta", () => new Option<double>("--beta") { Description = "nudging strength beta", DefaultValueFactory = _ => double.NaN });
        nudging = AlgorithmRegistry.GetOrAddOption(command, "--nudging", () => Choice("--nudging", "symmetric", "symmetric (+beta and -beta) or random-sign (one phase, sign drawn per batch)", "symmetric", "random-sign"));
        nudgePlacement = AlgorithmRegistry.GetOrAddOption(command, "--nudge-placement", () => Choice("--nudge-placement", "outside", "output nudge outside the hard sigmoid (binary EP) or inside (Laborieux; matches BPTT)", "outside", "inside"));
        accumulatorBits = AlgorithmRegistry.GetOrAddOption(command, "--accumulator-bits", () =>
        {
            var o = new Option<int>("--accumulator-bits") { Description = "BOP accumulator width: 8, 16 or 32", DefaultValueFactory = _ => e.AccumulatorBits };
            o.AcceptOnlyFromAmong("8", "16", "32");
            return o;
        });
        gamma = AlgorithmRegistry.GetOrAddOption(command, "--gamma", () => ListOption("--gamma", e.Gamma, "BOP adaptivity per weight layer (comma list; the last value repeats)"));
        tau = AlgorithmRegistry.GetOrAddOption(command, "--tau", () => ListOption("--tau", e.Tau, "BOP flip threshold per weight layer (comma list)"));
        biasLr = AlgorithmRegistry.GetOrAddOption(command, "--bias-lr", () => ListOption("--bias-lr", e.BiasLearningRate, "bias learning rate per weight layer (comma list)"));
        lr = AlgorithmRegistry.GetOrAddOption(command, "--lr", () => ListOption("--lr", e.LearningRate, "weight learning rate per layer for --weights s8 (comma list)"));
        alphaScale = AlgorithmRegistry.GetOrAddOption(command, "--alpha-scale", EquilibriumPropagationAlgorithm.CreateAlphaScaleOption);
        neuronsPerClass = AlgorithmRegistry.GetOrAddOption(command, "--neurons-per-class", () => new Option<int?>("--neurons-per-class") { Description = "output neurons per class G" });
        kernels = AlgorithmRegistry.GetOrAddOption(command, "--kernels", () => Choice("--kernels", "auto", "kernel backend: auto (fastest bit-exact host variant) or reference", "auto", "reference"));
    }

    /// <inheritdoc />
    public int Run(TrainOptions options, ParseResult parseResult, IRunConsole console)
    {
        LabelledDataSet data = options.LoadData(console);
        var c = Configure(options, parseResult, data);
        KernelSet kernelSet = parseResult.GetValue(kernels) == "reference" ? KernelSet.Reference : HostKernels.Best;
        if (options.OutputPath is null && parseResult.GetValue(fullImage))
        {
            throw new CommandLineUsageException("--full-image applies to the image written with --out FILE");
        }

        short[] trainX = SupervisedTrainingLoop.ToQ15(data.Train.Inputs);
        short[] testX = SupervisedTrainingLoop.ToQ15(data.Test.Inputs);
        int[]? labelled = c.Labels > 0 ? SelfDefinedTargetsSchedule.ChooseLabelled(data, c.Labels, options.Seed) : null;
        var plan = new SelfDefinedTargetsPlan
        {
            Epochs = options.Epochs,
            Stream = c.Stream,
            ResetEachEpoch = c.ResetEachEpoch,
            Seed = options.Seed,
            PreEpochs = c.PreEpochs,
            Labelled = labelled,
            NeuronsPerClass = c.Group,
            MeasureAllocation = true,
        };

        double control;
        SelfDefinedTargetsRunResult? features = null;
        Built built;
        if (c.Stacked)
        {
            built = BuildStack(c, data, trainX, testX, kernelSet, labelled!, false, console, out features, out control);
        }
        else
        {
            built = Build(c, data, trainX, testX, kernelSet);
            control = labelled is null
                ? SelfDefinedTargetsSchedule.DirectAssociationAccuracy(built.Subject, data, null, out _, out _)
                : SelfDefinedTargetsSchedule.GroupAccuracy(built.Subject, data, c.Group, out _);
        }

        MemoryPlan memory = built.Subject.Trainer.Memory;
        console.Info($"sdt {c.Description} rule {c.Rule} ({c.WeightsName} weights), k={c.Targets.Winners}, smoothing {c.Targets.Smoothing.ToString(CultureInfo.InvariantCulture)}, homeostasis {(c.Stream ? "streaming" : "mini-batch")} gamma_H {c.Targets.EffectiveHomeostasisRate.ToString("G4", CultureInfo.InvariantCulture)}{(c.Stream ? $" eta {c.Targets.EffectiveAverageRate.ToString("G4", CultureInfo.InvariantCulture)}" : "")}{(c.Targets.LeakShift > 0 ? $" leak 2^-{c.Targets.LeakShift}" : "")}, reset {(c.ResetEachEpoch ? "every epoch" : "never")}, batch {c.Batch}, labels {c.Labels}, kernels {kernelSet.Name}");
        console.Info($"memory plan: persistent {memory.Persistent} B, learner state {memory.LearnerState} B, scratch {memory.Scratch} B, total {memory.Total} B");

        // The untrained control: the same evaluation on the initial network (measured before any training).
        string evaluation = labelled is null ? "direct association" : "class groups";
        int probes = labelled is null ? parseResult.GetValue(probeEpochs) : 0;
        double? controlProbe = probes > 0 ? SelfDefinedTargetsProbe.Run(built.Subject, data, probes, options.Seed, kernelSet) : null;
        console.Result($"untrained control: {evaluation} {control:P2}{(controlProbe is double cp ? $", linear probe {cp:P2}" : "")}");

        SelfDefinedTargetsRunResult result = SelfDefinedTargetsSchedule.Run("training the fixed-point learner", console, built.Subject, data, plan);
        byte[]? image = options.OutputPath is null ? null : WriteImage(options, parseResult.GetValue(fullImage), built, data, labelled is not null, result, console);
        double? probe = probes > 0 ? SelfDefinedTargetsProbe.Run(built.Subject, data, probes, options.Seed, kernelSet) : null;
        long flips = built.Ep?.Flips ?? 0;
        console.Result($"fixed point: {evaluation} test accuracy {result.TestAccuracy:P2} ({data.Name}, {data.Train.Count} train / {data.Test.Count} test, {options.Epochs} {(c.Stream ? "stream pass(es)" : labelled is null ? "epoch(s)" : "round(s)")}, seed {options.Seed}), {result.TrainSamplesPerSecond:F0} samples/s{(built.Ep is null ? "" : $", {flips} flips")}{(labelled is null ? $", {result.AssignedNeurons} of {built.Subject.OutputSize} neurons assigned" : "")}{(probe is double p ? $"; linear probe {p:P2}" : "")}");

        RunReport report = options.StartReport(data);
        report.Arch = c.Description.ToString();
        report.Weights = c.WeightsName;
        report.Activations = c.Ep?.ActivationFormat == ActivationFormat.Binary ? "binary" : "q0.15";
        report.TestAccuracy = result.TestAccuracy;
        // A stack's training time includes its feature layer's.
        double trainSeconds = result.TrainSeconds + (features?.TrainSeconds ?? 0);
        long trainedSamples = result.TrainedSamples + (features?.TrainedSamples ?? 0);
        report.TrainSeconds = trainSeconds;
        report.TrainSamplesPerSecond = trainSeconds > 0 ? trainedSamples / trainSeconds : 0;
        report.InferMicrosecondsPerSample = result.InferMicrosecondsPerSample;
        report.AllocatedBytesPerTrainStep = result.AllocatedBytesPerTrainStep;
        report.MemoryBytes = new MemoryBytesReport(memory.Persistent, memory.LearnerState, memory.Scratch);
        if (image is not null)
        {
            report.ModelImageBytes = image.Length;
            report.ModelSha256 = Images.ModelImageFiles.Sha256Hex(image);
        }

        report.AddExtra("rule", c.Rule);
        report.AddExtra("evaluation", labelled is null ? "direct_association" : "class_groups");
        report.AddExtra("labels", c.Labels);
        report.AddExtra("winners", c.Targets.Winners);
        report.AddExtra("smoothing", c.Targets.Smoothing);
        report.AddExtra("homeostasis_mode", c.Stream ? "streaming" : "mini-batch");
        report.AddExtra("homeostasis_rate", c.Targets.EffectiveHomeostasisRate);
        if (c.Stream)
        {
            report.AddExtra("homeostasis_eta", c.Targets.EffectiveAverageRate);
        }

        report.AddExtra("homeostasis_leak_shift", c.Targets.LeakShift);
        report.AddExtra("homeostasis_reset", c.ResetEachEpoch ? "epoch" : "never");
        report.AddExtra("stream", c.Stream);
        report.AddExtra("batch", c.Batch);
        report.AddExtra("kernels", kernelSet.Name);
        report.AddExtra("trained_samples", trainedSamples);
        report.AddExtra("test_accuracy_by_epoch", ToJsonArray(result.TestAccuracyByEpoch));
        report.AddExtra("control_test_accuracy", control);
        if (labelled is null)
        {
            report.AddExtra("assigned_neurons", result.AssignedNeurons);
            report.AddExtra("direct_association_bytes", built.Subject.Association.Memory.Total);
        }
        else
        {
            report.AddExtra("pre_epochs", c.Stream ? 0 : c.PreEpochs);
            report.AddExtra("neurons_per_class", c.Group);
        }

        if (probe is double trainedProbe && controlProbe is double untrainedProbe)
        {
            report.AddExtra("probe_epochs", probes);
            report.AddExtra("probe_test_accuracy", trainedProbe);
            report.AddExtra("control_probe_test_accuracy", untrainedProbe);
        }

        DeltaRuleSettings? delta = built.Delta?.Settings;
        if (delta is not null)
        {
            report.AddExtra("learning_rate", delta.EffectiveLearningRate);
            report.AddExtra("bias_learning_rate", delta.EffectiveBiasLearningRate);
        }

        if (c.Stacked && features is not null)
        {
            report.AddExtra("feature_epochs", c.FeatureEpochs);
            report.AddExtra("feature_winners", c.FeatureTargets!.Winners);
            report.AddExtra("feature_learning_rate", c.FeatureDelta!.EffectiveLearningRate);
            report.AddExtra("feature_direct_association_test_accuracy", features.TestAccuracy);
            report.AddExtra("feature_train_seconds", features.TrainSeconds);
        }

        if (c.Ep is not null)
        {
            report.AddExtra("accumulator_bits", c.Ep.AccumulatorBits);
            report.AddExtra("nudging", c.Ep.Nudging == NudgingMode.Symmetric ? "symmetric" : "random-sign");
            report.AddExtra("free_steps", c.Ep.FreeSteps);
            report.AddExtra("nudged_steps", c.Ep.NudgedSteps);
            report.AddExtra("beta", c.Ep.Beta);
            report.AddExtra("flips", flips);
        }

        if (labelled is not null)
        {
            Built baselineBuilt;
            if (c.Stacked)
            {
                baselineBuilt = BuildStack(c, data, trainX, testX, kernelSet, labelled, true, console, out SelfDefinedTargetsRunResult baselineFeatures, out _);
                report.AddExtra("baseline_feature_direct_association_test_accuracy", baselineFeatures.TestAccuracy);
            }
            else
            {
                baselineBuilt = Build(c, data, trainX, testX, kernelSet);
            }

            SelfDefinedTargetsRunResult baseline = SelfDefinedTargetsSchedule.Run("labelled-only baseline (same network and schedule, no unlabelled samples)", console, baselineBuilt.Subject, data, CopyPlan(plan, withoutUnlabelled: true));
            report.AddExtra("baseline_test_accuracy", baseline.TestAccuracy);
            report.AddExtra("baseline_test_accuracy_by_epoch", ToJsonArray(baseline.TestAccuracyByEpoch));
            console.Result($"labelled-only baseline: {evaluation} test accuracy {baseline.TestAccuracy:P2} ({c.Labels} labels)");
        }

        if (options.Oracle)
        {
            ISelfDefinedTargetsSubject oracle = c.Stacked ? BuildStackOracle(c, built, data, labelled!, console) : BuildOracle(c, built, data);
            SelfDefinedTargetsRunResult o = SelfDefinedTargetsSchedule.Run("training the float64 oracle (same initial weights, inputs and order)", console, oracle, data, CopyPlan(plan, withoutUnlabelled: false, evaluateEachEpoch: parseResult.GetValue(oracleEachEpoch)));
            report.Oracle = new OracleReport { TestAccuracy = o.TestAccuracy, TrainSeconds = o.TrainSeconds };
            report.AddExtra("oracle_test_accuracy_by_epoch", ToJsonArray(o.TestAccuracyByEpoch));
            report.AddExtra("oracle_train_samples_per_second", o.TrainSamplesPerSecond);
            console.Result($"float64 oracle: {evaluation} test accuracy {o.TestAccuracy:P2}, {o.TrainSamplesPerSecond:F0} samples/s; gap {100 * (result.TestAccuracy - o.TestAccuracy):+0.00;-0.00} points");
        }

        if (options.ReportPath is not null)
        {
            RunReportWriter.WriteFile(report, options.ReportPath);
            console.Info($"report written to {options.ReportPath}");
        }

        return ExitCodes.Success;
    }

    // The run's learner as a model image (delta layer, EP network, or stack): the class map is the final evaluation's
    // (direct association labelled with the training part, or the class groups when semi-supervised), so `eval --model`
    // reproduces it.
    private static byte[] WriteImage(TrainOptions options, bool full, Built built, LabelledDataSet data, bool semi, SelfDefinedTargetsRunResult result, IRunConsole console)
    {
        SelfDefinedTargetProvider provider = built.Subject.SelfDefined!;
        DirectAssociation association = built.Subject.Association;
        if (semi)
        {
            association = new DirectAssociation(provider.OutputSize, data.ClassCount);
            association.AssignGroups();
        }

        var metadata = Images.ModelImageFiles.CreateMetadata(data.Name, data.Split, options.Epochs, options.Seed, data.Train.Count, data.Test.Count, result.TestAccuracy, result.TrainSeconds, ToolInfo.Version);
        byte[] image;
        if (built.Ep is { } ep)
        {
            image = full
                ? Runtime.Images.SelfDefinedTargetsImage.WriteFull(ep, provider, association, semi, metadata)
                : Runtime.Images.SelfDefinedTargetsImage.WriteInference(ep.Network, ep.Settings, provider.Settings, association, semi, metadata);
        }
        else if (built.Feature is { } feature)
        {
            SelfDefinedTargetProvider featureProvider = built.FeatureProvider!;
            image = full
                ? Runtime.Images.SelfDefinedTargetsImage.WriteFull(feature, featureProvider, built.Delta!, provider, association, semi, metadata)
                : Runtime.Images.SelfDefinedTargetsImage.WriteInference(feature, featureProvider.Settings, built.Delta!, provider.Settings, association, semi, metadata);
        }
        else
        {
            image = full
                ? Runtime.Images.SelfDefinedTargetsImage.WriteFull(built.Delta!, provider, association, semi, metadata)
                : Runtime.Images.SelfDefinedTargetsImage.WriteInference(built.Delta!, provider.Settings, association, semi, metadata);
        }

        Images.ModelImageFiles.WriteBytes(options.OutputPath!, image);
        console.Info($"{(full ? "full" : "inference")} image written to {options.OutputPath} ({image.Length} bytes)");
        return image;
    }

    private static SelfDefinedTargetsPlan CopyPlan(SelfDefinedTargetsPlan p, bool withoutUnlabelled, bool evaluateEachEpoch = true) => new()
    {
        Epochs = p.Epochs,
        Stream = p.Stream,
        ResetEachEpoch = p.ResetEachEpoch,
        Seed = p.Seed,
        PreEpochs = p.PreEpochs,
        Labelled = p.Labelled,
        NeuronsPerClass = p.NeuronsPerClass,
        WithoutUnlabelled = withoutUnlabelled,
        MeasureAllocation = false,
        EvaluateEachEpoch = evaluateEachEpoch,
    };

    private Configuration Configure(TrainOptions options, ParseResult parseResult, LabelledDataSet data)
    {
        int labelCount = parseResult.GetValue(labels);
        bool semi = labelCount > 0;
        bool isStream = parseResult.GetValue(stream);
        string ruleName = parseResult.GetValue(rule)!;
        bool ep = ruleName == "ep";
        int batch = isStream ? 1 : options.Batch ?? DefaultBatch;
        if (isStream && options.Batch is int b && b != 1)
        {
            throw new CommandLineUsageException($"--stream learns one sample at a time; --batch {b} contradicts it (leave --batch out or give 1)");
        }

        string? reset = parseResult.GetValue(homeostasisReset);
        if (isStream && reset == "epoch")
        {
            throw new CommandLineUsageException("--stream has no epochs to reset the homeostasis at; use --homeostasis-leak to forget old imbalances");
        }

        if (!ep && AlgorithmOptions.IsGiven(parseResult, weights))
        {
            throw new CommandLineUsageException("--weights applies to --rule ep; the delta rule keeps s16 weights with a Q8.24 latent copy");
        }

        if (!ep && parseResult.GetValue(activations) == "binary")
        {
            throw new CommandLineUsageException("--activations binary applies to --rule ep only");
        }

        int group = parseResult.GetValue(neuronsPerClass) ?? 1;
        if (group < 1 || group > 1000)
        {
            throw new CommandLineUsageException($"--neurons-per-class must be in [1, 1000], got {group}");
        }

        int outputs = semi ? data.ClassCount * group : DefaultUnsupervisedOutputs;
        int[] sizes = options.Architecture?.ToArray() ?? (ep && semi ? new[] { data.Dimension, 256, outputs } : new[] { data.Dimension, outputs });
        if (sizes[0] != data.Dimension)
        {
            throw new CommandLineUsageException($"--arch {options.Architecture}: input width {sizes[0]} does not match {data.Name}, which has {data.Dimension} inputs per sample");
        }

        bool stacked = !ep && sizes.Length == 3 && semi;
        if (!ep && sizes.Length != 2 && !stacked)
        {
            throw new CommandLineUsageException($"--arch {options.Architecture}: the delta rule has a single layer (input-output, e.g. {data.Dimension}-2000), or with --labels an unsupervised feature layer and a head (e.g. {data.Dimension}-2000-{data.ClassCount}); use --rule ep for hidden layers");
        }

        if (stacked && isStream)
        {
            throw new CommandLineUsageException("--stream with a delta-rule stack is not supported: the feature layer is trained first, then the head");
        }

        if (semi && sizes[^1] != data.ClassCount * group)
        {
            throw new CommandLineUsageException($"--arch {options.Architecture}: semi-supervised learning needs {data.ClassCount} classes x {group} neuron(s) per class = {data.ClassCount * group} outputs");
        }

        var targets = new SelfDefinedTargetSettings
        {
            Winners = parseResult.GetValue(winners) ?? (semi ? 1 : 5),
            Smoothing = parseResult.GetValue(smoothing),
            // With --stream, H moves after every sample: the defaults keep the per-sample rate of the mini-batch defaults.
            HomeostasisRate = isStream && !AlgorithmOptions.IsGiven(parseResult, homeostasis) ? parseResult.GetValue(homeostasis) / DefaultBatch : parseResult.GetValue(homeostasis),
            Mode = isStream ? HomeostasisMode.Streaming : HomeostasisMode.MiniBatch,
            BatchSize = batch,
            AverageRate = isStream && !AlgorithmOptions.IsGiven(parseResult, homeostasisEta) ? 1.0 / DefaultBatch : parseResult.GetValue(homeostasisEta),
            LeakShift = parseResult.GetValue(homeostasisLeak),
        };
        try
        {
            targets.Validate(sizes[^1]);
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new CommandLineUsageException(e.Message);
        }

        var c = new Configuration
        {
            Rule = ruleName,
            Description = new NetworkDescription(sizes, semi ? group : 1),
            Targets = targets,
            Labels = labelCount,
            Group = semi ? group : 1,
            Batch = batch,
            Stream = isStream,
            ResetEachEpoch = !isStream && reset == "epoch",
            PreEpochs = parseResult.GetValue(preEpochs),
            Seed = options.Seed,
            Stacked = stacked,
            FeatureEpochs = parseResult.GetValue(featureEpochs),
        };
        if (ep)
        {
            c.Ep = ReadEpSettings(options, parseResult, batch);
            c.WeightsName = EquilibriumPropagationAlgorithm.Format(c.Ep.WeightFormat);
            if (options.Oracle && c.Ep.ActivationFormat == ActivationFormat.Binary)
            {
                throw new CommandLineUsageException("--oracle with --rule ep supports multi-bit activations only: the self-defined-targets oracle has no binary-activation mode");
            }
        }
        else
        {
            double[]? rates = AlgorithmOptions.IsGiven(parseResult, lr) ? ParseList(parseResult.GetValue(lr)!, "--lr") : null;
            double[]? biasRates = AlgorithmOptions.IsGiven(parseResult, biasLr) ? ParseList(parseResult.GetValue(biasLr)!, "--bias-lr") : null;
            c.Delta = new DeltaRuleSettings
            {
                BatchSize = batch,
                LearningRate = rates?[0] ?? DefaultRate(data, isStream),
                BiasLearningRate = biasRates?[0] ?? DefaultRate(data, isStream),
                Seed = options.Seed,
            };
            c.WeightsName = "s16";
            Validate(c.Delta.Validate);
            if (stacked)
            {
                // Layer 0 is the feature layer; layer 1 the head, whose default rate is set from its input energy later.
                c.FeatureDelta = c.Delta;
                c.Delta = null;
                c.HeadLearningRate = rates is { Length: > 1 } ? rates[1] : null;
                c.HeadBiasLearningRate = biasRates is { Length: > 1 } ? biasRates[1] : null;
                c.FeatureTargets = new SelfDefinedTargetSettings
                {
                    Winners = parseResult.GetValue(featureWinners),
                    Smoothing = targets.Smoothing,
                    HomeostasisRate = targets.HomeostasisRate,
                    Mode = HomeostasisMode.MiniBatch,
                    BatchSize = batch,
                    LeakShift = targets.LeakShift,
                };
                try
                {
                    c.FeatureTargets.Validate(sizes[1]);
                }
                catch (ArgumentOutOfRangeException e)
                {
                    throw new CommandLineUsageException("feature layer: " + e.Message);
                }
            }
        }

        return c;
    }

    private EquilibriumPropagationSettings ReadEpSettings(TrainOptions options, ParseResult parseResult, int batch)
    {
        bool binary = parseResult.GetValue(activations) == "binary";
        var s = new EquilibriumPropagationSettings
        {
            WeightFormat = parseResult.GetValue(weights) == "s8" ? WeightFormat.S8 : WeightFormat.B1,
            ActivationFormat = binary ? ActivationFormat.Binary : ActivationFormat.MultiBit,
            FreeSteps = parseResult.GetValue(freeSteps),
            NudgedSteps = parseResult.GetValue(nudgedSteps),
            Nudging = parseResult.GetValue(nudging) == "random-sign" ? NudgingMode.RandomSign : NudgingMode.Symmetric,
            NudgePlacement = parseResult.GetValue(nudgePlacement) == "inside" ? NudgePlacement.InsideRho : NudgePlacement.OutsideRho,
            AccumulatorBits = parseResult.GetValue(accumulatorBits),
            Gamma = ParseList(parseResult.GetValue(gamma)!, "--gamma"),
            Tau = ParseList(parseResult.GetValue(tau)!, "--tau"),
            BiasLearningRate = ParseList(parseResult.GetValue(biasLr)!, "--bias-lr"),
            LearningRate = ParseList(parseResult.GetValue(lr)!, "--lr"),
            // bep's input-layer scale of 3 was measured on its supervised pixel runs; sdt's EP keeps the paper's scale
            // (on the clustered test data 3 left the semi-supervised EP run at chance).
            AlphaScale = AlgorithmOptions.IsGiven(parseResult, alphaScale) ? ParseList(parseResult.GetValue(alphaScale)!, "--alpha-scale") : new[] { 1.0 },
            BatchSize = batch,
            Seed = options.Seed,
        };
        double b = parseResult.GetValue(beta);
        s.Beta = double.IsNaN(b) ? (binary ? 1.0 : s.Beta) : b;
        Validate(s.Validate);
        return s;
    }

    // The fixed-point learner, its provider and trainer for a configuration (the initial network depends only on the seed).
    private static Built Build(Configuration c, LabelledDataSet data, short[] trainX, short[] testX, KernelSet kernelSet)
    {
        ITargetLearner learner;
        EquilibriumPropagationLearner? epLearner = null;
        EquilibriumPropagationInitialState? initial = null;
        if (c.Ep is not null)
        {
            var network = EquilibriumPropagationAlgorithm.CreateNetwork(c.Description, c.Ep);
            network.Initialize(c.Seed);
            initial = EquilibriumPropagationOracleBridge.CaptureInitialState(network);
            epLearner = new EquilibriumPropagationLearner(network, c.Ep, kernelSet);
            learner = new EquilibriumPropagationTargetLearner(epLearner);
        }
        else
        {
            learner = new DeltaRuleLearner(c.Description.InputSize, c.Description.OutputSize, c.Delta!, kernelSet);
        }

        var selfDefined = new SelfDefinedTargetProvider(c.Description.OutputSize, c.Targets);
        ITargetProvider provider = c.Labels > 0
            ? new SemiSupervisedTargetProvider(new SupervisedTargetProvider(c.Description.OutputSize, c.Group, c.Targets.Smoothing), selfDefined)
            : selfDefined;
        var trainer = new SelfDefinedTargetsTrainer(learner, provider);
        return new Built(new FixedPointSelfDefinedTargetsSubject(trainer, selfDefined, data, trainX, testX), epLearner, initial, learner as DeltaRuleLearner);
    }

    // The float64 oracle of the configuration, from the initial state of a freshly built fixed-point learner.
    private static ISelfDefinedTargetsSubject BuildOracle(Configuration c, Built fresh, LabelledDataSet data)
    {
        ITargetLearnerOracle learner;
        if (c.Ep is not null)
        {
            EquilibriumPropagationOracle ep = EquilibriumPropagationOracleBridge.Create(c.Description, c.Ep, fresh.Initial!);
            learner = new EquilibriumPropagationTargetOracle(ep, c.Batch, new Xoshiro128(c.Seed, EquilibriumPropagationLearner.SignStream));
        }
        else
        {
            // The fixed-point run trained `fresh`'s learner; rebuild the initial layer from the seed for the oracle.
            var initial = new DeltaRuleLearner(c.Description.InputSize, c.Description.OutputSize, c.Delta!, KernelSet.Reference);
            learner = DeltaOracle(initial, c.Delta!);
        }

        var rule = new SelfDefinedTargetRuleOracle(OracleTargets(c.Targets, c.Description.OutputSize, c.Group));
        return new OracleSelfDefinedTargetsSubject(new SelfDefinedTargetsOracle(learner, rule), data);
    }

    /// <summary>The float64 delta rule equivalent to a freshly initialised fixed-point one (latent weights, effective rates).</summary>
    public static DeltaRuleOracle DeltaOracle(DeltaRuleLearner initial, DeltaRuleSettings settings)
    {
        ArgumentNullException.ThrowIfNull(initial);
        ArgumentNullException.ThrowIfNull(settings);
        double unit = 1 << DeltaRuleLearner.LatentFractionBits;
        var w = Array.ConvertAll(initial.LatentWeights, v => v / unit);
        var b = Array.ConvertAll(initial.Biases, v => v / unit);
        return new DeltaRuleOracle(initial.InputSize, initial.OutputSize, w, b, settings.EffectiveLearningRate, settings.EffectiveBiasLearningRate, settings.BatchSize);
    }

    /// <summary>Oracle target options equivalent to fixed-point settings (rates as the integers apply them).</summary>
    public static SdtOracleTargetOptions OracleTargets(SelfDefinedTargetSettings s, int outputs, int neuronsPerClass)
    {
        ArgumentNullException.ThrowIfNull(s);
        return new SdtOracleTargetOptions
        {
            Outputs = outputs,
            Winners = s.Winners,
            NeuronsPerClass = neuronsPerClass,
            Smoothing = s.Smoothing,
            HomeostasisRate = s.EffectiveHomeostasisRate,
            Mode = s.Mode == HomeostasisMode.Streaming ? SdtOracleHomeostasisMode.Streaming : SdtOracleHomeostasisMode.MiniBatch,
            BatchSize = s.BatchSize,
            AverageRate = s.EffectiveAverageRate,
            LeakShift = s.LeakShift,
        };
    }

    // lr = 0.5 / E||x||^2 over the training inputs as the runtime sees them (Q0.15), divided by the default batch for a stream.
    private static double DefaultRate(LabelledDataSet data, bool stream)
    {
        double squares = 0;
        foreach (byte g in data.Train.Inputs)
        {
            double x = FixedPoint.UnitByteToQ15(g) / 32768.0;
            squares += x * x;
        }

        double energy = Math.Max(squares / Math.Max(1, data.Train.Count), 1e-6);
        return Math.Min(1.0, DefaultDeltaStep / energy / (stream ? DefaultBatch : 1));
    }

    private sealed class Configuration
    {
        public string Rule { get; init; } = "delta";

        public required NetworkDescription Description { get; init; }

        public required SelfDefinedTargetSettings Targets { get; init; }

        public int Labels { get; init; }

        public int Group { get; init; } = 1;

        public int Batch { get; init; }

        public bool Stream { get; init; }

        public bool ResetEachEpoch { get; init; }

        public int PreEpochs { get; init; }

        public uint Seed { get; init; }

        public EquilibriumPropagationSettings? Ep { get; set; }

        public DeltaRuleSettings? Delta { get; set; }

        public string WeightsName { get; set; } = "s16";

        public bool Stacked { get; init; }

        public int FeatureEpochs { get; init; }

        public SelfDefinedTargetSettings? FeatureTargets { get; set; }

        public DeltaRuleSettings? FeatureDelta { get; set; }

        public double? HeadLearningRate { get; set; }

        public double? HeadBiasLearningRate { get; set; }
    }

    // Delta is the delta-rule output layer (the stack's head); Feature and FeatureProvider the stack's feature layer.
    private sealed record Built(FixedPointSelfDefinedTargetsSubject Subject, EquilibriumPropagationLearner? Ep, EquilibriumPropagationInitialState? Initial, DeltaRuleLearner? Delta, DeltaRuleLearner? Feature = null, SelfDefinedTargetProvider? FeatureProvider = null);

    // The plan of a stack's feature layer: unsupervised epochs over all training samples (only the labelled ones for
    // the labelled-only baseline), neurons labelled for the report with the labelled subset only.
    private static SelfDefinedTargetsPlan FeaturePlan(Configuration c, int[] labelled, bool labelledOnly) => new()
    {
        Epochs = c.FeatureEpochs,
        ResetEachEpoch = c.ResetEachEpoch,
        Seed = c.Seed,
        Samples = labelledOnly ? labelled : null,
        AssociationSamples = labelled,
        EvaluateEachEpoch = false,
        MeasureAllocation = !labelledOnly,
    };

    // Head settings: the configured rates, or the normalised-LMS rate 0.5 / E||f||^2 over the labelled samples' features.
    private static DeltaRuleSettings HeadSettings(Configuration c, Func<int, double[]?> features, int[] labelled)
    {
        double rate = c.HeadLearningRate ?? 0;
        if (c.HeadLearningRate is null)
        {
            double squares = 0;
            foreach (int i in labelled)
            {
                foreach (double v in features(i)!)
                {
                    squares += v * v;
                }
            }

            rate = Math.Min(1.0, 0.5 * labelled.Length / Math.Max(squares, 1e-9));
        }

        var s = new DeltaRuleSettings
        {
            BatchSize = c.Batch,
            LearningRate = rate,
            BiasLearningRate = c.HeadBiasLearningRate ?? Math.Min(rate, 0.05),
            Seed = c.Seed + 1,
        };
        Validate(s.Validate);
        return s;
    }

    // A delta-rule stack for semi-supervised learning: the feature layer trained without labels first (all training
    // samples, or the labelled ones only for the baseline), then a head on its responses, ready for the semi plan.
    private static Built BuildStack(Configuration c, LabelledDataSet data, short[] trainX, short[] testX, KernelSet kernelSet, int[] labelled, bool labelledOnly, IRunConsole console, out SelfDefinedTargetsRunResult features, out double control)
    {
        NetworkDescription d = c.Description;
        var lower = new DeltaRuleLearner(d.InputSize, d.Size(1), c.FeatureDelta!, kernelSet);
        var lowerTargets = new SelfDefinedTargetProvider(d.Size(1), c.FeatureTargets!);
        var lowerSubject = new FixedPointSelfDefinedTargetsSubject(new SelfDefinedTargetsTrainer(lower, lowerTargets), lowerTargets, data, trainX, testX);
        FixedPointSelfDefinedTargetsSubject Head(DeltaRuleSettings settings, out DeltaRuleLearner head)
        {
            head = new DeltaRuleLearner(d.Size(1), d.OutputSize, settings, kernelSet);
            var selfDefined = new SelfDefinedTargetProvider(d.OutputSize, c.Targets);
            var provider = new SemiSupervisedTargetProvider(new SupervisedTargetProvider(d.OutputSize, c.Group, c.Targets.Smoothing), selfDefined);
            return new FixedPointSelfDefinedTargetsSubject(new SelfDefinedTargetsTrainer(new StackedTargetLearner(lower, head), provider), selfDefined, data, trainX, testX);
        }

        control = SelfDefinedTargetsSchedule.GroupAccuracy(Head(new DeltaRuleSettings { BatchSize = c.Batch, Seed = c.Seed + 1 }, out _), data, c.Group, out _);
        features = SelfDefinedTargetsSchedule.Run(
            labelledOnly ? "baseline feature layer: unsupervised on the labelled samples only" : "training the feature layer without labels (all training samples)",
            console,
            lowerSubject,
            data,
            FeaturePlan(c, labelled, labelledOnly));
        console.Result($"{(labelledOnly ? "baseline " : "")}feature layer {d.InputSize}-{d.Size(1)}: direct association with the {labelled.Length} labels {features.TestAccuracy:P2}");
        DeltaRuleSettings headSettings = HeadSettings(c, i => Array.ConvertAll(lower.Respond(trainX, i * data.Dimension), v => v / 32768.0), labelled);
        FixedPointSelfDefinedTargetsSubject subject = Head(headSettings, out DeltaRuleLearner trainedHead);
        return new Built(subject, null, null, trainedHead, lower, lowerTargets);
    }

    // The float64 oracle of a stack: its own feature layer trained with the same plan, then the same head settings.
    private static ISelfDefinedTargetsSubject BuildStackOracle(Configuration c, Built fixedPoint, LabelledDataSet data, int[] labelled, IRunConsole console)
    {
        NetworkDescription d = c.Description;
        DeltaRuleOracle lower = DeltaOracle(new DeltaRuleLearner(d.InputSize, d.Size(1), c.FeatureDelta!, KernelSet.Reference), c.FeatureDelta!);
        var lowerRule = new SelfDefinedTargetRuleOracle(OracleTargets(c.FeatureTargets!, d.Size(1), 1));
        SelfDefinedTargetsRunResult features = SelfDefinedTargetsSchedule.Run("training the float64 oracle's feature layer", console, new OracleSelfDefinedTargetsSubject(new SelfDefinedTargetsOracle(lower, lowerRule), data), data, FeaturePlan(c, labelled, false));
        console.Result($"float64 oracle feature layer: direct association with the {labelled.Length} labels {features.TestAccuracy:P2}");
        DeltaRuleSettings head = fixedPoint.Delta!.Settings;
        DeltaRuleOracle headOracle = DeltaOracle(new DeltaRuleLearner(d.Size(1), d.OutputSize, head, KernelSet.Reference), head);
        var rule = new SelfDefinedTargetRuleOracle(OracleTargets(c.Targets, d.OutputSize, c.Group));
        return new OracleSelfDefinedTargetsSubject(new SelfDefinedTargetsOracle(new StackedTargetOracle(lower, headOracle), rule), data);
    }
}
