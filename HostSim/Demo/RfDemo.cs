// RfDemo: EdgeLearn's main job on the host. A simulated multi-frequency RF classification task: emitters
// with distinct spectral fingerprints (tones, power and frequency jitter, slow drift) illuminate a
// spin-diode (MTJ) array; an amplifier feeds MCP3008 ADCs on a simulated SPI bus that the real
// Iot.Device.Adc.Mcp3008 binding reads through the board front-end. The field learner (running normaliser
// + binary-weight EP, the same code a Raspberry Pi runs) learns online from the stream, test-then-train.
// The scene drifts, so a frozen model evaluated after the stream would measure the drift, not the learner:
// instead, in the last quarter of the stream every HeldOutEvery-th frame is held out (predicted with the
// current parameters, never learned) and the test accuracy is measured on those frames. The float64 oracle
// replays exactly the same normalised inputs, in the same order and mini-batches, with the same held-out frames.
using System;
using System.Collections.Generic;
using System.Diagnostics;
using EdgeLearn.HostSim.Devices;
using EdgeLearn.HostSim.Oracles;
using EdgeLearn.HostSim.Scenes;
using EdgeLearn.HostSim.Training;
using EdgeLearn.Kernels;
using EdgeLearn.Runtime.Learners.EquilibriumPropagation;
using EdgeLearn.Runtime.Models;
using EdgeLearn.Runtime.Streaming;

namespace EdgeLearn.HostSim.Demo;

/// <summary>Configuration of the RF demo.</summary>
public sealed class RfDemoSettings
{
    /// <summary>Frames in the stream. The last quarter interleaves held-out frames (see <see cref="HeldOutEvery"/>).</summary>
    public int Frames { get; init; } = 24000;

    /// <summary>In the last quarter of the stream every HeldOutEvery-th frame is held out: predicted, never learned.</summary>
    public int HeldOutEvery { get; init; } = 5;

    /// <summary>Emitter classes in the scene.</summary>
    public int Classes { get; init; } = 8;

    /// <summary>Spin-diode channels (MCP3008 has 8 per chip).</summary>
    public int Channels { get; init; } = 16;

    /// <summary>Hidden neurons of the EP network.</summary>
    public int Hidden { get; init; } = 64;

    /// <summary>Seed of the scene, the array and the learner.</summary>
    public uint Seed { get; init; } = 1;

    /// <summary>Run the float64 oracle on the same stream.</summary>
    public bool Oracle { get; init; } = true;

    /// <summary>Kernel set for the learner.</summary>
    public KernelSet Kernels { get; init; } = KernelSet.Reference;

    /// <summary>The learner's hyperparameters for the demo's small network (streaming-friendly batch).</summary>
    public static EquilibriumPropagationSettings LearnerSettings(uint seed) => new()
    {
        FreeSteps = 20,
        NudgedSteps = 8,
        Beta = 0.5,
        BatchSize = 8,
        AccumulatorBits = 16,
        Gamma = new[] { 1e-4 },
        Tau = new[] { 1e-4 },
        BiasLearningRate = new[] { 0.02 },
        AlphaScale = new[] { 1.0 }, // normalised sensor channels, not pixels: the demo's recipe uses the paper's scales
        Seed = seed,
    };
}

/// <summary>What the demo measured.</summary>
public sealed class RfDemoResult
{
    /// <summary>Accuracy of the fixed-point learner on the held-out frames.</summary>
    public double TestAccuracy { get; init; }

    /// <summary>Number of held-out frames.</summary>
    public int TestFrames { get; init; }

    /// <summary>Test accuracy of the float64 oracle (NaN when it did not run).</summary>
    public double OracleTestAccuracy { get; init; } = double.NaN;

    /// <summary>Prequential (test-then-train) accuracy over the learned frames of the stream.</summary>
    public double StreamAccuracy { get; init; }

    /// <summary>Frames per second of the whole field loop (simulation, bus, binding, normalisation, learning).</summary>
    public double FieldFramesPerSecond { get; init; }

    /// <summary>Frames per second of the learner alone.</summary>
    public double LearnFramesPerSecond { get; init; }

    /// <summary>Seconds of the field loop over the training stream.</summary>
    public double TrainSeconds { get; init; }

    /// <summary>Oracle training seconds (NaN when it did not run).</summary>
    public double OracleTrainSeconds { get; init; } = double.NaN;

    /// <summary>Memory plan of learner, network and loop buffers.</summary>
    public required MemoryPlan Memory { get; init; }

    /// <summary>Prequential accuracy of the last 500 labelled frames, sampled every CurveStep frames.</summary>
    public required double[] Curve { get; init; }

    /// <summary>The oracle's prequential accuracy at the same points (empty when it did not run).</summary>
    public required double[] OracleCurve { get; init; }

    /// <summary>Frames between two curve points.</summary>
    public int CurveStep { get; init; }

    /// <summary>The trained network.</summary>
    public required EquilibriumPropagationNetwork Network { get; init; }

    /// <summary>The learner settings used.</summary>
    public required EquilibriumPropagationSettings Settings { get; init; }

    /// <summary>Every parameter of the sensing chain and every calibration record (for the run log).</summary>
    public required string RigDescription { get; init; }

    /// <summary>Bytes allocated per learning step in steady state.</summary>
    public double AllocatedBytesPerStep { get; init; }

    /// <summary>Good frames dropped by back-pressure, faulty frames, recoveries.</summary>
    public long FramesDropped { get; init; }

    /// <summary>Faulty frames seen.</summary>
    public long FaultyFrames { get; init; }
}

/// <summary>Runs the RF demo.</summary>
public static class RfDemo
{
    /// <summary>Runs the demo; <paramref name="progress"/> receives (frames done, recent accuracy) now and then.</summary>
    public static RfDemoResult Run(RfDemoSettings settings, Action<int, double>? progress = null)
    {
        var sceneSettings = new RfFingerprintSceneSettings
        {
            InitialClassCount = settings.Classes,
            NovelClassCount = 0,
        };
        var scene = new RfFingerprintScene(sceneSettings, settings.Seed);
        var arrayParameters = new SpinDiodeParameters { ChannelCount = settings.Channels };
        using RfSensorRig rig = RfSensorRig.CreateMcp3008(scene, arrayParameters, settings.Seed);

        var description = new NetworkDescription(new[] { settings.Channels, settings.Hidden, settings.Classes }, 1);
        EquilibriumPropagationSettings learnerSettings = RfDemoSettings.LearnerSettings(settings.Seed);
        var network = new EquilibriumPropagationNetwork(description, learnerSettings);
        network.Initialize(settings.Seed);
        EquilibriumPropagationInitialState initial = EquilibriumPropagationOracleBridge.CaptureInitialState(network);
        var learner = new EquilibriumPropagationLearner(network, learnerSettings, settings.Kernels);
        var normalizer = new RunningNormalizer(settings.Channels, 8);
        var field = new FieldLearner(rig.FrontEnd, learner, normalizer, 8, 0, null);

        int n = settings.Channels;
        int total = settings.Frames;
        int heldOutStart = total - total / 4;
        var inputs = new short[total * n];
        var labels = new int[total];
        var heldOut = new bool[total];
        var curve = new List<double>();
        int curveStep = Math.Max(1, total / 100);
        long learnTicks = 0;
        long allocated = 0;
        long measured = 0;
        int done = 0;
        int tested = 0;
        int right = 0;
        long start = Stopwatch.GetTimestamp();
        while (done < total)
        {
            if (!rig.Advance())
            {
                throw new InvalidOperationException("the RF scene ended before the stream was complete");
            }

            int label = rig.Current.Label;
            bool hold = done >= heldOutStart && (done - heldOutStart) % settings.HeldOutEvery == 0;
            if (!field.Acquire(hold ? -1 : label))
            {
                continue;
            }

            long before = GC.GetAllocatedBytesForCurrentThread();
            long t0 = Stopwatch.GetTimestamp();
            field.LearnNext(out int prediction);
            learnTicks += Stopwatch.GetTimestamp() - t0;
            long after = GC.GetAllocatedBytesForCurrentThread();
            if (done >= 100)
            {
                allocated += after - before;
                measured++;
            }

            field.CopyLatestInputs(inputs, done * n);
            labels[done] = label;
            heldOut[done] = hold;
            if (hold)
            {
                tested++;
                right += prediction == label ? 1 : 0;
            }

            done++;
            if (done % curveStep == 0)
            {
                curve.Add(field.RecentAccuracy);
                progress?.Invoke(done, field.RecentAccuracy);
            }
        }

        learner.EndBatch();
        double trainSeconds = (Stopwatch.GetTimestamp() - start) / (double)Stopwatch.Frequency;

        double oracleAccuracy = double.NaN;
        double oracleSeconds = double.NaN;
        var oracleCurve = new List<double>();
        if (settings.Oracle)
        {
            (oracleAccuracy, oracleSeconds) = RunOracle(description, learnerSettings, initial, inputs, labels, heldOut, curveStep, oracleCurve);
        }

        MemoryPlan plan = learner.Memory;
        return new RfDemoResult
        {
            TestAccuracy = right / (double)tested,
            TestFrames = tested,
            OracleTestAccuracy = oracleAccuracy,
            StreamAccuracy = field.Accuracy,
            FieldFramesPerSecond = total / trainSeconds,
            LearnFramesPerSecond = total / (learnTicks / (double)Stopwatch.Frequency),
            TrainSeconds = trainSeconds,
            OracleTrainSeconds = oracleSeconds,
            Memory = new MemoryPlan(plan.Persistent, plan.LearnerState, plan.Scratch + field.ScratchBytes),
            Curve = curve.ToArray(),
            OracleCurve = oracleCurve.ToArray(),
            CurveStep = curveStep,
            Network = network,
            Settings = learnerSettings,
            RigDescription = rig.DescribeParameters(),
            AllocatedBytesPerStep = measured > 0 ? allocated / (double)measured : 0,
            FramesDropped = field.FramesDropped,
            FaultyFrames = field.Faults(SensorStatus.BusError) + field.Faults(SensorStatus.Stuck) + field.Faults(SensorStatus.RailSaturated) + field.Faults(SensorStatus.NotReady),
        };
    }

    // The oracle replays the fixed-point run's normalised inputs (Q0.15 -> real) in the same order: learned frames
    // form the same mini-batches, and a held-out frame is predicted with the parameters of the last full batch,
    // exactly as the fixed-point learner did.
    private static (double Accuracy, double Seconds) RunOracle(NetworkDescription description, EquilibriumPropagationSettings settings, EquilibriumPropagationInitialState initial,
        short[] inputs, int[] labels, bool[] heldOut, int curveStep, List<double> curve)
    {
        EquilibriumPropagationOracle oracle = EquilibriumPropagationOracleBridge.Create(description, settings, initial);
        int n = description.InputSize;
        int batch = settings.BatchSize;
        var xs = new List<double[]>();
        var ys = new List<int>();
        var window = new Queue<bool>();
        int windowRight = 0;
        int tested = 0;
        int right = 0;
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < labels.Length; i++)
        {
            double[] x = ToReal(inputs, i * n, n);
            bool ok = oracle.Predict(x) == labels[i];
            if (heldOut[i])
            {
                tested++;
                right += ok ? 1 : 0;
            }
            else
            {
                window.Enqueue(ok);
                windowRight += ok ? 1 : 0;
                if (window.Count > FieldLearner.RecentWindow)
                {
                    windowRight -= window.Dequeue() ? 1 : 0;
                }

                xs.Add(x);
                ys.Add(labels[i]);
                if (xs.Count == batch)
                {
                    oracle.TrainBatch(xs.ToArray(), ys.ToArray());
                    xs.Clear();
                    ys.Clear();
                }
            }

            if ((i + 1) % curveStep == 0)
            {
                curve.Add(window.Count == 0 ? 0 : windowRight / (double)window.Count);
            }
        }

        if (xs.Count > 0)
        {
            oracle.TrainBatch(xs.ToArray(), ys.ToArray());
        }

        double seconds = (Stopwatch.GetTimestamp() - start) / (double)Stopwatch.Frequency;
        return (tested == 0 ? 0 : right / (double)tested, seconds);
    }

    private static double[] ToReal(short[] q, int offset, int n)
    {
        var x = new double[n];
        for (int j = 0; j < n; j++)
        {
            x[j] = q[offset + j] / 32768.0;
        }

        return x;
    }
}
