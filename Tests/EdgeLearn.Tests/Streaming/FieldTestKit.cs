using System;
using System.Collections.Generic;
using EdgeLearn.Boards.RaspberryPi;
using EdgeLearn.HostSim.Devices;
using EdgeLearn.HostSim.Field;
using EdgeLearn.HostSim.Scenes;
using EdgeLearn.Kernels;
using EdgeLearn.Runtime.Images;
using EdgeLearn.Runtime.Learners;
using EdgeLearn.Runtime.Learners.EquilibriumPropagation;
using EdgeLearn.Runtime.Models;
using EdgeLearn.Runtime.Streaming;

namespace EdgeLearn.Tests.Streaming;

/// <summary>Small rigs, learners and state snapshots shared by the streaming tests.</summary>
internal static class FieldTestKit
{
    /// <summary>A fast learner for tests: channels-hidden-classes, batch 4, short relaxations.</summary>
    public static EquilibriumPropagationLearner Learner(int channels, int hidden, int classes, uint seed = 1, int batch = 4)
    {
        var d = new NetworkDescription(new[] { channels, hidden, classes }, 1);
        var network = new EquilibriumPropagationNetwork(d, WeightFormat.B1, ActivationFormat.MultiBit);
        network.Initialize(seed);
        var settings = new EquilibriumPropagationSettings
        {
            FreeSteps = 12,
            NudgedSteps = 6,
            Beta = 0.5,
            BatchSize = batch,
            AccumulatorBits = 16,
            Gamma = new[] { 1e-4 },
            Tau = new[] { 1e-4 },
            BiasLearningRate = new[] { 0.02 },
            Seed = seed,
        };
        return new EquilibriumPropagationLearner(network, settings, KernelSet.Reference);
    }

    /// <summary>
    /// Every byte of learned state: the full model image of the learner (weights, biases, BOP accumulators, counters,
    /// random state) followed by the normaliser's statistics and frame count.
    /// </summary>
    public static byte[] Snapshot(EquilibriumPropagationLearner learner, RunningNormalizer normalizer)
    {
        byte[] image = EquilibriumPropagationImage.WriteFull(learner, null);
        var stats = new int[2 * normalizer.Channels];
        normalizer.Export(stats, 0, out long frames);
        var bytes = new byte[image.Length + (4 * stats.Length) + 8];
        Buffer.BlockCopy(image, 0, bytes, 0, image.Length);
        Buffer.BlockCopy(stats, 0, bytes, image.Length, 4 * stats.Length);
        BitConverter.TryWriteBytes(bytes.AsSpan(image.Length + (4 * stats.Length)), frames);
        return bytes;
    }

    /// <summary>
    /// Every byte of a field session's learned state: <see cref="Snapshot(EquilibriumPropagationLearner, RunningNormalizer)"/>
    /// followed, when unlabelled frames are learned from, by the homeostasis (H, running averages, update count).
    /// </summary>
    public static byte[] Snapshot(FieldSession session)
    {
        byte[] core = Snapshot(session.Learner, session.Normalizer);
        if (session.SemiSupervised == null)
        {
            return core;
        }

        Runtime.Learners.SelfDefinedTargets.Homeostasis h = session.SemiSupervised.Provider.SelfDefined.Homeostasis;
        var bytes = new byte[core.Length + (8 * h.Values.Length) + 8];
        Buffer.BlockCopy(core, 0, bytes, 0, core.Length);
        Buffer.BlockCopy(h.Values, 0, bytes, core.Length, 4 * h.Values.Length);
        Buffer.BlockCopy(h.Averages, 0, bytes, core.Length + (4 * h.Values.Length), 4 * h.Values.Length);
        BitConverter.TryWriteBytes(bytes.AsSpan(core.Length + (8 * h.Values.Length)), h.Updates);
        return bytes;
    }

    /// <summary>A fingerprint scene of <paramref name="classes"/> classes, no novel class.</summary>
    public static RfFingerprintScene Scene(int classes, uint seed) => new(new RfFingerprintSceneSettings { InitialClassCount = classes, NovelClassCount = 0 }, seed);

    /// <summary>An MCP3008 rig of <paramref name="channels"/> channels with a data-ready line (pin 17, 2 ms timeout).</summary>
    public static RfSensorRig Mcp3008Rig(IRfScene scene, int channels, uint seed)
    {
        Mcp3008FrontEndSettings settings = Mcp3008FrontEndSettings.ForChannels(channels);
        settings.DataReadyPin = 17;
        settings.DataReadyTimeout = TimeSpan.FromMilliseconds(2);
        return RfSensorRig.CreateMcp3008(scene, new SpinDiodeParameters { ChannelCount = channels }, seed, settings);
    }

    /// <summary>An ADS1115 rig of 6 channels (two chips, three inputs each) with a data-ready line (pin 17, 2 ms timeout).</summary>
    public static RfSensorRig Ads1115Rig(IRfScene scene, uint seed)
    {
        var settings = new Ads1115FrontEndSettings { Addresses = new[] { 0x48, 0x49 }, DataReadyPin = 17, DataReadyTimeout = TimeSpan.FromMilliseconds(2) };
        return RfSensorRig.CreateAds1115(scene, new SpinDiodeParameters { ChannelCount = 6 }, seed, settings);
    }

    /// <summary>A field configuration for the simulated rig, small and fast, with its checkpoint in <paramref name="directory"/>.</summary>
    public static FieldConfig SimConfig(string directory, int channels = 8, int hidden = 24, int classes = 4)
    {
        var c = new FieldConfig { BaseDirectory = directory };
        c.Sensor.Channels = channels;
        c.Learner.Classes = classes;
        c.Learner.Hidden = hidden;
        c.Learner.FreeSteps = 12;
        c.Learner.NudgedSteps = 6;
        c.Learner.Batch = 4;
        c.Learner.Kernels = "reference";
        c.Stream.StatusSeconds = 0;
        c.Checkpoint.Path = "field.ckpt";
        c.Checkpoint.EverySamples = 100;
        c.Checkpoint.BlockSize = 1024;
        c.Checkpoint.Blocks = 16;
        return c;
    }
}

/// <summary>A sensor whose frame k holds codes (100 k + c) on channel c; can fail on demand (writing garbage first).</summary>
internal sealed class CountingSource : ISensorFrameSource
{
    public CountingSource(int channels) => ChannelCount = channels;

    public int ChannelCount { get; }

    public SensorCodeFormat CodeFormat => SensorCodeFormat.Signed16;

    public int Frame { get; private set; }

    public bool FailNext { get; set; }

    public static short Code(int frame, int channel) => (short)((100 * frame) + channel);

    public bool TryReadFrame(short[] codes, int offset, out SensorStatus status)
    {
        if (FailNext)
        {
            FailNext = false;
            for (int c = 0; c < ChannelCount; c++)
            {
                codes[offset + c] = short.MinValue; // garbage in the slot the read was given
            }

            status = SensorStatus.BusError;
            return false;
        }

        for (int c = 0; c < ChannelCount; c++)
        {
            codes[offset + c] = Code(Frame, c);
        }

        Frame++;
        status = SensorStatus.Ok;
        return true;
    }
}

/// <summary>A learner that records what it is trained on.</summary>
internal sealed class RecordingLearner : ISupervisedLearner
{
    public RecordingLearner(int inputs, int classes)
    {
        InputSize = inputs;
        ClassCount = classes;
    }

    public int InputSize { get; }

    public int ClassCount { get; }

    public List<int> Labels { get; } = new();

    public List<short[]> Inputs { get; } = new();

    public int TrainSample(short[] x, int offset, int label)
    {
        Labels.Add(label);
        Inputs.Add(x.AsSpan(offset, InputSize).ToArray());
        return 0;
    }

    public void EndBatch()
    {
    }

    public int Predict(short[] x, int offset) => 0;
}
