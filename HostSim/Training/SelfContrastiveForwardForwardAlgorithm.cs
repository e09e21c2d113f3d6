// SelfContrastiveForwardForwardAlgorithm: `edgelearn train --algo scff`, Self-Contrastive Forward-Forward.
//
// 1. unsupervised: the fixed-point SCFF learner trains layer 0, then layer 1 ... (greedy, earlier layers frozen),
//    --epochs (or --layer-epochs) passes each over the training part, labels unused; order from the shared shuffle.
// 2. readout: the fixed-point delta-rule readout (Runtime/Learners/Readout) learns from the standardised features of
//    the labelled fraction (--labels-fraction) of the training part, then the test part is classified.
// 3. control: the same readout on the same-width network with its random initial weights frozen (untrained), so
//    the gain over random features is visible; always run.
// 4. --oracle: the float64 oracle of the same configuration (same initial weights, inputs, order, pairs) and its
//    float64 readout, plus the oracle's own control.
// The run report carries all four accuracies, the memory plan of learner plus readout, and the measured speeds.
// --out FILE writes an inference image of the network and the trained readout; with --full-image a full image (the
// learner and readout state too: both can resume with the same integers).
//
// Readout schedule: the defaults (rate 2^-7, 10 epochs) suit a few thousand labels (MNIST 8k / 2k, 784-2000: 97.49 %;
// 2^-8 with 30 epochs gave 97.34 %, 2^-9 with 30 epochs 96.99 %). On all 60k labels of Fashion-MNIST the one-sample
// steps need a smaller rate and more epochs to average out: 784-4000, 5 epochs, seed 1, readout 2^-7 x 10 epochs
// 88.11 %, 2^-9 x 30 88.68 %, 2^-9 x 40 88.74 % (untrained control 87.49 %, 88.15 %, 88.09 %; float64 oracle of
// the last 88.72 %, its control 88.07 %; seed 2: 88.89 %, control 88.27 %). Recommended there:
//   edgelearn train --algo scff --data fashion-mnist --arch 784-4000 --epochs 5 --readout-epochs 40 --readout-lr 0.002
using System;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using EdgeLearn.HostSim.Cli;
using EdgeLearn.HostSim.Data;
using EdgeLearn.HostSim.Oracles;
using EdgeLearn.HostSim.Reporting;
using EdgeLearn.Kernels;
using EdgeLearn.Kernels.Host;
using EdgeLearn.Runtime.Learners.Readout;
using EdgeLearn.Runtime.Learners.SelfContrastiveForwardForward;
using EdgeLearn.Runtime.Models;
using static EdgeLearn.HostSim.Cli.AlgorithmOptions;

namespace EdgeLearn.HostSim.Training;

/// <summary>The <c>scff</c> training algorithm.</summary>
public sealed class SelfContrastiveForwardForwardAlgorithm : ITrainingAlgorithm
{
    /// <summary>Default SGD learning rate of every layer.</summary>
    public const double SgdDefaultRate = 0.5;

    /// <summary>Default Signum step of every layer.</summary>
    public const double SignumDefaultStep = 1e-4;

    /// <summary>Default width of the SCFF layer when --arch is not given.</summary>
    public const int DefaultWidth = 2000;

    private Option<string> th1 = null!;
    private Option<string> th2 = null!;
    private Option<string> lambda = null!;
    private Option<string?> layerLr = null!;
    private Option<string> optimizer = null!;
    private Option<double> momentum = null!;
    private Option<int> momentumBits = null!;
    private Option<int> ring = null!;
    private Option<int> viewShift = null!;
    private Option<string?> layerEpochs = null!;
    private Option<int> readoutEpochs = null!;
    private Option<double> readoutLr = null!;
    private Option<double> labelsFraction = null!;
    private Option<string> readoutLayers = null!;
    private Option<string> kernels = null!;
    private Option<string> pairStandardization = null!;
    private Option<string> readoutLoss = null!;
    private Option<bool> fullImage = null!;

    /// <inheritdoc />
    public string Name => "scff";

    /// <inheritdoc />
    public string Description => "Self-Contrastive Forward-Forward (unsupervised, fixed point) with an on-device delta-rule readout";

    /// <inheritdoc />
    public void AddOptions(Command command)
    {
        var d = new SelfContrastiveForwardForwardSettings();
        th1 = AlgorithmRegistry.GetOrAddOption(command, "--th1", () => ListOption("--th1", d.Threshold1, "scff: positive goodness threshold per layer (comma list; the last value repeats)"));
        th2 = AlgorithmRegistry.GetOrAddOption(command, "--th2", () => ListOption("--th2", d.Threshold2, "scff: negative goodness threshold per layer (comma list; the last value repeats)"));
        lambda = AlgorithmRegistry.GetOrAddOption(command, "--lambda", () => ListOption("--lambda", d.Lambda, "scff: weight of the positive goodness penalty per layer (comma list; the last value repeats)"));
        layerLr = AlgorithmRegistry.GetOrAddOption(command, "--layer-lr", () => new Option<string?>("--layer-lr") { Description = $"scff: SGD learning rate or Signum step per layer, comma list; the last value repeats (default {SgdDefaultRate.ToString(CultureInfo.InvariantCulture)} for sgd, {SignumDefaultStep.ToString(CultureInfo.InvariantCulture)} for signum)" });
        optimizer = AlgorithmRegistry.GetOrAddOption(command, "--optimizer", () => Choice("--optimizer", "sgd", "scff: signum (sign of momentum x step, s16 weights) or sgd (momentum SGD on a Q.30 latent)", "signum", "sgd"));
        momentum = AlgorithmRegistry.GetOrAddOption(command, "--momentum", () => new Option<double>("--momentum") { Description = $"scff: momentum in [0, 1), applied as 1 - 2^-k (default {d.Momentum.ToString(CultureInfo.InvariantCulture)})", DefaultValueFactory = _ => d.Momentum });
        momentumBits = AlgorithmRegistry.GetOrAddOption(command, "--momentum-bits", () =>
        {
            var o = new Option<int>("--momentum-bits") { Description = "scff: momentum accumulator width, 16 (signum only) or 32 (default: 16 for signum, 32 for sgd)", DefaultValueFactory = _ => 0 };
            o.AcceptOnlyFromAmong("0", "16", "32");
            return o;
        });
        ring = AlgorithmRegistry.GetOrAddOption(command, "--ring", () => IntOption("--ring", d.RingSize, "scff: recent inputs kept for negative pairs", 1, 65536));
        viewShift = AlgorithmRegistry.GetOrAddOption(command, "--view-shift", () => IntOption("--view-shift", d.ViewShift, "scff: largest random shift of a view (pixels, or samples of a frame)", 0, 64));
        layerEpochs = AlgorithmRegistry.GetOrAddOption(command, "--layer-epochs", () => new Option<string?>("--layer-epochs") { Description = "scff: unsupervised epochs per layer, comma list (default: --epochs for every layer)" });
        readoutEpochs = AlgorithmRegistry.GetOrAddOption(command, "--readout-epochs", () => IntOption("--readout-epochs", 10, "scff: readout epochs over the labelled samples (on 60k labels 40 with --readout-lr 0.002 measured better)", 1, 1000));
        readoutLr = AlgorithmRegistry.GetOrAddOption(command, "--readout-lr", () => new Option<double>("--readout-lr") { Description = "scff: readout learning rate, rounded to a power of two; halves at 20, 35, 50, 60, 70, 80, 90 % of the readout epochs (default 2^-7)", DefaultValueFactory = _ => 1.0 / 128 });
        labelsFraction = AlgorithmRegistry.GetOrAddOption(command, "--labels-fraction", () => new Option<double>("--labels-fraction") { Description = "scff: fraction of the training labels the readout may use, in (0, 1] (default 1)", DefaultValueFactory = _ => 1.0 });
        readoutLayers = AlgorithmRegistry.GetOrAddOption(command, "--readout-layers", () => Choice("--readout-layers", "all", "scff: readout on the features of all layers (concatenated) or of the last", "all", "last"));
        readoutLoss = AlgorithmRegistry.GetOrAddOption(command, "--readout-loss", () => Choice("--readout-loss", "ovr", "scff: readout errors from one-vs-rest logistic outputs (measured better here) or a softmax through the logistic table", "ovr", "softmax"));
        pairStandardization = AlgorithmRegistry.GetOrAddOption(command, "--pair-standardization", () => Choice("--pair-standardization", "halves", "scff: standardise a pair's concatenation (joint) or each view on its own first (halves, the authors' pre-standardisation)", "joint", "halves"));
        kernels = AlgorithmRegistry.GetOrAddOption(command, "--kernels", () => Choice("--kernels", "auto", "kernel backend: auto (fastest bit-exact host variant) or reference", "auto", "reference"));
        fullImage = AlgorithmRegistry.GetOrAddOption(command, "--full-image", () => new Option<bool>("--full-image") { Description = FullImageDescription });
    }

    /// <summary>Help text of the --full-image option, which sdt and scff share.</summary>
    public const string FullImageDescription = "sdt, scff: with --out, write a full image (the learner state too: learning can resume with the same integers) instead of an inference image";

    /// <inheritdoc />
    public int Run(TrainOptions options, ParseResult parseResult, IRunConsole console)
    {
        if (options.OutputPath is null && parseResult.GetValue(fullImage))
        {
            throw new CommandLineUsageException("--full-image applies to the image written with --out FILE");
        }

        LabelledDataSet data = options.LoadData(console);
        SelfContrastiveForwardForwardSettings settings = ReadSettings(options, parseResult);
        double fraction = parseResult.GetValue(labelsFraction);
        if (!(fraction > 0 && fraction <= 1))
        {
            throw new CommandLineUsageException($"--labels-fraction must be in (0, 1], got {fraction.ToString(CultureInfo.InvariantCulture)}");
        }

        int[] sizes = options.Architecture?.ToArray() ?? new[] { data.Dimension, DefaultWidth };
        if (sizes[0] != data.Dimension)
        {
            throw new CommandLineUsageException($"--arch {options.Architecture}: input width {sizes[0]} does not match {data.Name}, which has {data.Dimension} inputs per sample (scff widths are input-hidden[-hidden...]; the readout adds the classes)");
        }

        if (sizes[0] > NormalizationKernels.MaxValues / 2)
        {
            throw new CommandLineUsageException($"--arch: input width {sizes[0]} is above {NormalizationKernels.MaxValues / 2}, the largest pair the standardisation covers");
        }

        var description = new NetworkDescription(sizes, 1);
        int layers = description.WeightLayerCount;
        int[] epochsPerLayer = ReadLayerEpochs(parseResult.GetValue(layerEpochs), options.Epochs, layers);
        bool allLayers = parseResult.GetValue(readoutLayers) == "all";
        bool softmax = parseResult.GetValue(readoutLoss) == "softmax";
        int readoutEpochCount = parseResult.GetValue(readoutEpochs);
        double readoutRate = parseResult.GetValue(readoutLr);
        KernelSet kernelSet = parseResult.GetValue(kernels) == "reference" ? KernelSet.Reference : HostKernels.Best;
        int imageWidth = data.ImageWidth ?? 0;
        var network = new SelfContrastiveForwardForwardNetwork(description);
        network.Initialize(options.Seed);
        var control = new SelfContrastiveForwardForwardNetwork(description);
        control.CopyFrom(network);
        var initial = SelfContrastiveOracleBridge.Capture(network);
        var learner = new SelfContrastiveForwardForwardLearner(network, settings, kernelSet, imageWidth);
        int featureCount = new SelfContrastiveFeatureExtractor(network, kernelSet, allLayers).FeatureCount;
        FixedPointReadout readout;
        try
        {
            readout = new FixedPointReadout(featureCount, data.ClassCount, SelfContrastiveForwardForwardSettings.InputFractionBits, readoutRate, kernelSet);
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new CommandLineUsageException(e.Message);
        }

        MemoryPlan scffPlan = learner.Memory;
        MemoryPlan readoutPlan = readout.Memory;
        var plan = new MemoryPlan(scffPlan.Persistent + readoutPlan.Persistent, scffPlan.LearnerState + readoutPlan.LearnerState, scffPlan.Scratch + readoutPlan.Scratch + 2L * featureCount);
        console.Info($"scff {description} ({string.Join(",", epochsPerLayer)} epoch(s) per layer), {Format(settings)}, batch {settings.BatchSize}, ring {settings.RingSize}, view shift {settings.ViewShift}, {(settings.StandardizeHalves ? "views standardised on their own" : "pairs standardised jointly")}, kernels {kernelSet.Name}");
        console.Info($"readout: {featureCount} features ({(allLayers ? "all layers" : "last layer")}) -> {data.ClassCount} classes, rate 2^-{readout.LearningRateShift}, {readoutEpochCount} epoch(s), labels fraction {fraction.ToString(CultureInfo.InvariantCulture)}");
        console.Info($"memory plan (learner + readout + feature buffer): persistent {plan.Persistent} B, learner state {plan.LearnerState} B, scratch {plan.Scratch} B, total {plan.Total} B");

        short[] trainX = SupervisedTrainingLoop.ToQ15(data.Train.Inputs);
        short[] testX = SupervisedTrainingLoop.ToQ15(data.Test.Inputs);
        int dim = data.Dimension;
        int n = data.Train.Count;

        // 1. Unsupervised SCFF, layer by layer.
        var goodness = new System.Text.Json.Nodes.JsonArray();
        ScffRunStats stats = TrainLayers("training the fixed-point SCFF learner (labels unused)", console, options.Seed, epochsPerLayer, n, settings.BatchSize, layer =>
        {
            learner.TrainingLayer = layer;
            learner.ResetStatistics();
        }, i => learner.TrainSample(trainX, i * dim), () =>
        {
            learner.EndBatch();
            double gp = learner.PairCount == 0 ? 0 : learner.PositiveGoodnessSum / 4096.0 / learner.PairCount;
            double gn = learner.PairCount == 0 ? 0 : learner.NegativeGoodnessSum / 4096.0 / learner.PairCount;
            learner.ResetStatistics();
            goodness.Add(new System.Text.Json.Nodes.JsonArray(Math.Round(gp, 4), Math.Round(gn, 4)));
            return (gp, gn);
        });

        // 2. Readout on the trained features, 3. the same on the untrained control.
        int[] labelled = SelfContrastiveReadoutTrainer.LabelledSubset(n, fraction, options.Seed);
        ReadoutRunResult trained = FixedPointReadoutRun("fixed-point readout on the trained SCFF features", console, options, network, kernelSet, allLayers, softmax, featureCount, data, trainX, testX, labelled, readoutEpochCount, readoutRate, out FixedPointReadout trainedReadout);
        ReadoutRunResult controlResult = FixedPointReadoutRun("control: the same readout on the untrained network (random frozen weights)", console, options, control, kernelSet, allLayers, softmax, featureCount, data, trainX, testX, labelled, readoutEpochCount, readoutRate, out _);
        console.Result($"fixed point: test accuracy {trained.TestAccuracy:P2} ({data.Name}, {n} train / {data.Test.Count} test, {Join(epochsPerLayer)} epoch(s) per layer, {labelled.Length} labels, seed {options.Seed}); untrained control {controlResult.TestAccuracy:P2}; gain {100 * (trained.TestAccuracy - controlResult.TestAccuracy):+0.00;-0.00} points; {stats.SamplesPerSecond:F0} samples/s");

        RunReport report = options.StartReport(data);
        report.Arch = description.ToString();
        report.Weights = "s16";
        report.Activations = "q.10";
        report.Epochs = epochsPerLayer[0];
        report.TestAccuracy = trained.TestAccuracy;
        report.TrainSeconds = stats.Seconds + trained.TrainSeconds + trained.FeatureSeconds;
        report.TrainSamplesPerSecond = stats.SamplesPerSecond;
        report.InferMicrosecondsPerSample = trained.InferMicrosecondsPerSample;
        report.AllocatedBytesPerTrainStep = Math.Max(stats.AllocatedBytesPerStep, trained.AllocatedBytesPerTrainStep);
        report.MemoryBytes = new MemoryBytesReport(plan.Persistent, plan.LearnerState, plan.Scratch);
        report.AddExtra("control_test_accuracy", Math.Round(controlResult.TestAccuracy, 6));
        report.AddExtra("gain_over_control", Math.Round(trained.TestAccuracy - controlResult.TestAccuracy, 6));
        report.AddExtra("readout_train_accuracy", Math.Round(trained.TrainAccuracy, 6));
        report.AddExtra("labels_fraction", fraction);
        report.AddExtra("labelled_samples", labelled.Length);
        report.AddExtra("readout_epochs", readoutEpochCount);
        report.AddExtra("readout_learning_rate", readout.EffectiveLearningRate);
        report.AddExtra("readout_layers", allLayers ? "all" : "last");
        report.AddExtra("readout_loss", softmax ? "softmax" : "ovr");
        report.AddExtra("readout_features", featureCount);
        report.AddExtra("layer_epochs", ToJsonArray(epochsPerLayer));
        report.AddExtra("optimizer", settings.Optimizer == ContrastiveOptimizer.Signum ? "signum" : "sgd");
        report.AddExtra("momentum", settings.EffectiveMomentum);
        report.AddExtra("momentum_bits", settings.AccumulatorBits);
        report.AddExtra("layer_learning_rate", ToJsonArray(settings.LearningRate));
        report.AddExtra("th1", ToJsonArray(settings.Threshold1));
        report.AddExtra("th2", ToJsonArray(settings.Threshold2));
        report.AddExtra("lambda", ToJsonArray(settings.Lambda));
        report.AddExtra("batch", settings.BatchSize);
        report.AddExtra("ring", settings.RingSize);
        report.AddExtra("view_shift", settings.ViewShift);
        report.AddExtra("pair_standardization", settings.StandardizeHalves ? "halves" : "joint");
        report.AddExtra("kernels", kernelSet.Name);
        report.AddExtra("scff_train_seconds", Math.Round(stats.Seconds, 3));
        report.AddExtra("readout_train_seconds", Math.Round(trained.TrainSeconds, 3));
        report.AddExtra("goodness_by_epoch", goodness);
        report.AddExtra("memory_bytes_scff", MemoryJson(scffPlan));
        report.AddExtra("memory_bytes_readout", MemoryJson(readoutPlan));

        if (options.Oracle)
        {
            var oracleGoodness = new System.Text.Json.Nodes.JsonArray();
            SelfContrastiveForwardForwardOracle oracle = SelfContrastiveOracleBridge.Create(description, settings, initial.Weights, initial.Biases);
            var replay = new SelfContrastiveOracleBridge.Replay(oracle, description, settings, imageWidth);
            double gpSum = 0;
            double gnSum = 0;
            long pairs = 0;
            ScffRunStats oracleStats = TrainLayers("training the float64 oracle (same initial weights, inputs, order and pairs)", console, options.Seed, epochsPerLayer, n, int.MaxValue, layer =>
            {
                oracle.TrainingLayer = layer;
            }, i =>
            {
                replay.Train(trainX, i * dim);
                gpSum += oracle.LastPositiveGoodness;
                gnSum += oracle.LastNegativeGoodness;
                pairs++;
            }, () =>
            {
                oracle.EndBatch();
                double gp = pairs == 0 ? 0 : gpSum / pairs;
                double gn = pairs == 0 ? 0 : gnSum / pairs;
                gpSum = gnSum = 0;
                pairs = 0;
                oracleGoodness.Add(new System.Text.Json.Nodes.JsonArray(Math.Round(gp, 4), Math.Round(gn, 4)));
                return (gp, gn);
            });
            ReadoutRunResult oracleTrained = OracleReadoutRun("float64 readout on the oracle's trained features", console, options, oracle, allLayers, softmax, featureCount, data, trainX, testX, labelled, readoutEpochCount, readout.EffectiveLearningRate, readout.LearningRateShift);
            var oracleControl = SelfContrastiveOracleBridge.Create(description, settings, initial.Weights, initial.Biases);
            ReadoutRunResult oracleControlResult = OracleReadoutRun("oracle control: float64 readout on the untrained network", console, options, oracleControl, allLayers, softmax, featureCount, data, trainX, testX, labelled, readoutEpochCount, readout.EffectiveLearningRate, readout.LearningRateShift);
            report.Oracle = new OracleReport { TestAccuracy = oracleTrained.TestAccuracy, TrainSeconds = oracleStats.Seconds + oracleTrained.TrainSeconds + oracleTrained.FeatureSeconds };
            report.AddExtra("oracle_control_test_accuracy", Math.Round(oracleControlResult.TestAccuracy, 6));
            report.AddExtra("oracle_train_samples_per_second", Math.Round(oracleStats.SamplesPerSecond, 1));
            report.AddExtra("oracle_goodness_by_epoch", oracleGoodness);
            report.AddExtra("gap_to_oracle", Math.Round(trained.TestAccuracy - oracleTrained.TestAccuracy, 6));
            console.Result($"float64 oracle: test accuracy {oracleTrained.TestAccuracy:P2}, untrained control {oracleControlResult.TestAccuracy:P2}; fixed-point gap {100 * (trained.TestAccuracy - oracleTrained.TestAccuracy):+0.00;-0.00} points");
        }

        if (options.OutputPath is not null)
        {
            // Inference image: SCFF layers and the trained readout; full image: also the learner state (momentum, latent
            // weights, open batch, ring, generators, counters) and the readout's latent weights, so training can resume.
            bool full = parseResult.GetValue(fullImage);
            var metadata = Images.ModelImageFiles.CreateMetadata(data.Name, data.Split, epochsPerLayer[0], options.Seed, data.Train.Count, data.Test.Count, trained.TestAccuracy, report.TrainSeconds, ToolInfo.Version);
            byte[] image = full
                ? Runtime.Images.SelfContrastiveForwardForwardImage.WriteFull(learner, trainedReadout, allLayers, metadata)
                : Runtime.Images.SelfContrastiveForwardForwardImage.WriteInference(network, settings, imageWidth, trainedReadout, allLayers, metadata);
            Images.ModelImageFiles.WriteBytes(options.OutputPath, image);
            report.ModelImageBytes = image.Length;
            report.ModelSha256 = Images.ModelImageFiles.Sha256Hex(image);
            console.Info($"{(full ? "full" : "inference")} image written to {options.OutputPath} ({image.Length} bytes)");
        }

        if (options.ReportPath is not null)
        {
            RunReportWriter.WriteFile(report, options.ReportPath);
            console.Info($"report written to {options.ReportPath}");
        }

        return ExitCodes.Success;
    }

    private sealed record ScffRunStats(double Seconds, double SamplesPerSecond, double AllocatedBytesPerStep);

    // The unsupervised epochs of every layer: one shuffle stream for the whole run, so the oracle replays the order.
    private static ScffRunStats TrainLayers(string title, IRunConsole console, uint seed, int[] epochsPerLayer, int n, int warmup, Action<int> startLayer, Action<int> trainSample, Func<(double Pos, double Neg)> endEpoch)
    {
        console.Info(title);
        var order = new int[n];
        for (int i = 0; i < n; i++)
        {
            order[i] = i;
        }

        var rng = new Xoshiro128(seed, SupervisedTrainingLoop.OrderStream);
        int total = 0;
        foreach (int e in epochsPerLayer)
        {
            total += e;
        }

        long ticks = 0;
        long allocated = 0;
        long measured = 0;
        long samples = 0;
        bool any = total > 0;
        if (any)
        {
            TrainingProgress.Run(console, total, n, progress =>
            {
                int epochNumber = 0;
                for (int layer = 0; layer < epochsPerLayer.Length; layer++)
                {
                    if (epochsPerLayer[layer] == 0)
                    {
                        continue;
                    }

                    startLayer(layer);
                    for (int e = 0; e < epochsPerLayer[layer]; e++)
                    {
                        progress.BeginEpoch(++epochNumber);
                        SupervisedTrainingLoop.Shuffle(order, rng);
                        long start = Stopwatch.GetTimestamp();
                        for (int k = 0; k < n; k++)
                        {
                            long before = GC.GetAllocatedBytesForCurrentThread();
                            trainSample(order[k]);
                            long after = GC.GetAllocatedBytesForCurrentThread();
                            if (e > 0 || k >= warmup)
                            {
                                allocated += after - before;
                                measured++;
                            }

                            if ((k & 63) == 63)
                            {
                                progress.Report(k + 1);
                            }
                        }

                        (double pos, double neg) = endEpoch();
                        ticks += Stopwatch.GetTimestamp() - start;
                        samples += n;
                        progress.Report(n);
                        progress.EndEpoch();
                        console.Info($"  layer {layer} epoch {e + 1}: mean goodness positive {pos:F3}, negative {neg:F3}");
                    }
                }
            });
        }

        double seconds = ticks / (double)Stopwatch.Frequency;
        return new ScffRunStats(seconds, seconds > 0 ? samples / seconds : 0, measured > 0 ? allocated / (double)measured : 0);
    }

    private static ReadoutRunResult FixedPointReadoutRun(string title, IRunConsole console, TrainOptions options, SelfContrastiveForwardForwardNetwork network, KernelSet kernelSet, bool allLayers, bool softmax, int featureCount, LabelledDataSet data, short[] trainX, short[] testX, int[] labelled, int epochs, double rate, out FixedPointReadout trainedReadout)
    {
        var extractor = new SelfContrastiveFeatureExtractor(network, kernelSet, allLayers);
        var readout = new FixedPointReadout(featureCount, data.ClassCount, SelfContrastiveForwardForwardSettings.InputFractionBits, rate, kernelSet) { Softmax = softmax };
        int dim = data.Dimension;
        var trainFeatures = new short[(long)labelled.Length * featureCount];
        var testFeatures = new short[(long)data.Test.Count * featureCount];
        int baseShift = readout.LearningRateShift;
        trainedReadout = readout;
        return SelfContrastiveReadoutTrainer.Run(
            title,
            console,
            options.Seed,
            epochs,
            baseShift,
            labelled.Length,
            data.Test.Count,
            k => extractor.Compute(trainX, labelled[k] * dim, trainFeatures, k * featureCount),
            i => extractor.Compute(testX, i * dim, testFeatures, i * featureCount),
            shift => readout.LearningRateShift = Math.Min(shift, 40),
            k => readout.TrainSample(trainFeatures, k * featureCount, data.Train.Labels[labelled[k]]) == data.Train.Labels[labelled[k]],
            i => readout.Predict(testFeatures, i * featureCount) == data.Test.Labels[i]);
    }

    private static ReadoutRunResult OracleReadoutRun(string title, IRunConsole console, TrainOptions options, SelfContrastiveForwardForwardOracle oracle, bool allLayers, bool softmax, int featureCount, LabelledDataSet data, short[] trainX, short[] testX, int[] labelled, int epochs, double rate, int baseShift)
    {
        var readout = new SelfContrastiveReadoutOracle(featureCount, data.ClassCount) { LearningRate = rate, Softmax = softmax };
        int dim = data.Dimension;
        var trainFeatures = new double[(long)labelled.Length * featureCount];
        var testFeatures = new double[(long)data.Test.Count * featureCount];
        var x = new double[dim];
        var f = new double[featureCount];
        return SelfContrastiveReadoutTrainer.Run(
            title,
            console,
            options.Seed,
            epochs,
            baseShift,
            labelled.Length,
            data.Test.Count,
            k =>
            {
                SelfContrastiveOracleBridge.ToReal(trainX, labelled[k] * dim, x);
                oracle.Features(x, allLayers, f);
                Array.Copy(f, 0, trainFeatures, (long)k * featureCount, featureCount);
            },
            i =>
            {
                SelfContrastiveOracleBridge.ToReal(testX, i * dim, x);
                oracle.Features(x, allLayers, f);
                Array.Copy(f, 0, testFeatures, (long)i * featureCount, featureCount);
            },
            shift => readout.LearningRate = Math.Pow(2, -Math.Min(shift, 40)),
            k => readout.TrainSample(trainFeatures, k * featureCount, data.Train.Labels[labelled[k]]) == data.Train.Labels[labelled[k]],
            i => readout.Predict(testFeatures, i * featureCount) == data.Test.Labels[i]);
    }

    private SelfContrastiveForwardForwardSettings ReadSettings(TrainOptions options, ParseResult parseResult)
    {
        bool sgd = parseResult.GetValue(optimizer) == "sgd";
        int bits = parseResult.GetValue(momentumBits);
        var s = new SelfContrastiveForwardForwardSettings
        {
            Threshold1 = ParseList(parseResult.GetValue(th1)!, "--th1"),
            Threshold2 = ParseList(parseResult.GetValue(th2)!, "--th2"),
            Lambda = ParseList(parseResult.GetValue(lambda)!, "--lambda"),
            LearningRate = parseResult.GetValue(layerLr) is string rates ? ParseList(rates, "--layer-lr") : new[] { sgd ? SgdDefaultRate : SignumDefaultStep },
            Optimizer = sgd ? ContrastiveOptimizer.SgdMomentum : ContrastiveOptimizer.Signum,
            Momentum = parseResult.GetValue(momentum),
            AccumulatorBits = bits == 0 ? (sgd ? 32 : 16) : bits,
            RingSize = parseResult.GetValue(ring),
            ViewShift = parseResult.GetValue(viewShift),
            StandardizeHalves = parseResult.GetValue(pairStandardization) == "halves",
            Seed = options.Seed,
        };
        if (options.Batch is int batch)
        {
            s.BatchSize = batch;
        }

        try
        {
            s.Validate();
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new CommandLineUsageException(e.Message);
        }

        return s;
    }

    private static int[] ReadLayerEpochs(string? text, int epochs, int layers)
    {
        var result = new int[layers];
        if (string.IsNullOrWhiteSpace(text))
        {
            Array.Fill(result, epochs);
            return result;
        }

        string[] parts = text.Split(',', StringSplitOptions.TrimEntries);
        for (int l = 0; l < layers; l++)
        {
            string p = parts[Math.Min(l, parts.Length - 1)];
            if (!int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out result[l]) || result[l] > 10000)
            {
                throw new CommandLineUsageException($"--layer-epochs: '{p}' is not a number of epochs in [0, 10000] (expected a comma list such as 20,9)");
            }
        }

        return result;
    }

    private static string Format(SelfContrastiveForwardForwardSettings s)
    {
        var c = CultureInfo.InvariantCulture;
        string opt = s.Optimizer == ContrastiveOptimizer.Signum ? "signum" : "sgd";
        return $"{opt} lr {string.Join(",", Array.ConvertAll(s.LearningRate, v => v.ToString(c)))}, momentum {s.EffectiveMomentum.ToString(c)} ({s.AccumulatorBits}-bit), th1 {string.Join(",", Array.ConvertAll(s.Threshold1, v => v.ToString(c)))}, th2 {string.Join(",", Array.ConvertAll(s.Threshold2, v => v.ToString(c)))}, lambda {string.Join(",", Array.ConvertAll(s.Lambda, v => v.ToString(c)))}";
    }

    private static string Join(int[] values) => string.Join(",", values);

    private static System.Text.Json.Nodes.JsonObject MemoryJson(MemoryPlan plan) => new()
    {
        ["persistent"] = plan.Persistent,
        ["learner_state"] = plan.LearnerState,
        ["scratch"] = plan.Scratch,
        ["total"] = plan.Total,
    };
}
