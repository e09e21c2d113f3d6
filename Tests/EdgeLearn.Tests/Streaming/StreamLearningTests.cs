using System;
using EdgeLearn.HostSim.Devices;
using EdgeLearn.HostSim.Scenes;
using EdgeLearn.Runtime.Learners.EquilibriumPropagation;
using EdgeLearn.Runtime.Streaming;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace EdgeLearn.Tests.Streaming;

/// <summary>Learning from a drifting RF stream: the learner follows an abrupt sensor drift and picks up a class that appears mid-stream.</summary>
[TestClass]
public sealed class StreamLearningTests
{
    public TestContext TestContext { get; set; } = null!;

    // Runs n labelled frames test-then-train; returns the prequential accuracy over them (and over the frames of
    // class `only` when it is >= 0).
    private static double Stream(RfSensorRig rig, FieldLearner field, int n, int only = -1)
    {
        int right = 0;
        int seen = 0;
        for (int i = 0; i < n; i++)
        {
            Assert.IsTrue(rig.Advance());
            int label = rig.Current.Label;
            Assert.IsTrue(field.Acquire(label), field.LastStatus.ToString());
            Assert.IsTrue(field.LearnNext(out int prediction));
            if (only < 0 || label == only)
            {
                seen++;
                right += prediction == label ? 1 : 0;
            }
        }

        return seen == 0 ? double.NaN : right / (double)seen;
    }

    private static double Frozen(RfSensorRig rig, EquilibriumPropagationLearner learner, RunningNormalizer normalizer, int n)
    {
        int channels = rig.FrontEnd.ChannelCount;
        var codes = new short[channels];
        var values = new short[channels];
        var inputs = new short[channels];
        int right = 0;
        for (int i = 0; i < n; i++)
        {
            Assert.IsTrue(rig.TryAdvanceAndRead(codes, 0, out int label, out SensorStatus s));
            Assert.AreEqual(SensorStatus.Ok, s);
            SensorCodeConverter.ToQ15(rig.FrontEnd.CodeFormat, codes, 0, values, 0, channels);
            normalizer.Normalize(values, 0, inputs, 0);
            right += learner.Predict(inputs, 0) == label ? 1 : 0;
        }

        return right / (double)n;
    }

    [TestMethod]
    public void FieldLearner_AbruptResonanceDrift_AccuracyDropsThenRecovers()
    {
        // 6 emitter classes; after 2500 frames every MTJ's bias current steps by 3 mA, which moves every resonance by
        // 3 MHz (kappa = 1 MHz/mA, SPINTRONICS.md 1): the features the learner relied on change at once.
        RfFingerprintScene scene = FieldTestKit.Scene(6, 31);
        using RfSensorRig rig = RfSensorRig.CreateMcp3008(scene, new SpinDiodeParameters { ChannelCount = 16 }, 32);
        EquilibriumPropagationLearner learner = FieldTestKit.Learner(16, 32, 6);
        var normalizer = new RunningNormalizer(16, 7);
        var field = new FieldLearner(rig.FrontEnd, learner, normalizer, 4, 0, null);
        Stream(rig, field, 2000);
        double settled = Stream(rig, field, 500);
        for (int d = 0; d < rig.Array.DeviceCount; d++)
        {
            rig.Array.SetBiasCurrent(d, 3_000_000);
        }

        double justAfter = Stream(rig, field, 100);
        Stream(rig, field, 2400);
        double recovered = Stream(rig, field, 500);
        TestContext.WriteLine($"before the drift {settled:P1}, first 100 frames after {justAfter:P1}, 2500 frames later {recovered:P1}");

        Assert.IsTrue(settled >= 0.9, $"settled accuracy {settled:P1}");
        Assert.IsTrue(justAfter <= settled - 0.2, $"the drift must hurt: {justAfter:P1} after vs {settled:P1} before");
        Assert.IsTrue(recovered >= settled - 0.05, $"recovered to {recovered:P1} (before {settled:P1})");
    }

    [TestMethod]
    public void FieldLearner_SlowSpectralDrift_OnlineBeatsFrozen()
    {
        // Fast scene drift (1 MHz per 1000 samples): a copy frozen after 2000 frames loses the classes, the online learner keeps them.
        var settings = new RfFingerprintSceneSettings { InitialClassCount = 6, NovelClassCount = 0, FrequencyDriftHzPerThousand = 1_000_000, PowerDriftPpmPerThousand = 0 };
        using RfSensorRig rig = RfSensorRig.CreateMcp3008(new RfFingerprintScene(settings, 41), new SpinDiodeParameters { ChannelCount = 16 }, 42);
        using RfSensorRig twin = RfSensorRig.CreateMcp3008(new RfFingerprintScene(settings, 41), new SpinDiodeParameters { ChannelCount = 16 }, 42);
        EquilibriumPropagationLearner learner = FieldTestKit.Learner(16, 32, 6);
        var normalizer = new RunningNormalizer(16, 7);
        var field = new FieldLearner(rig.FrontEnd, learner, normalizer, 4, 0, null);
        Stream(rig, field, 2000);
        learner.EndBatch();
        byte[] frozenImage = EdgeLearn.Runtime.Images.EquilibriumPropagationImage.WriteFull(learner, null);
        var frozenStats = new int[32];
        normalizer.Export(frozenStats, 0, out long frozenFrames);
        Stream(rig, field, 3000);
        double online = Stream(rig, field, 500);

        Assert.IsTrue(EdgeLearn.Runtime.Images.ModelImage.TryParse(frozenImage, 0, frozenImage.Length, EdgeLearn.Runtime.Images.ImageLimits.Default, out var parsed, out _));
        Assert.IsTrue(EdgeLearn.Runtime.Images.EquilibriumPropagationImage.TryCreateLearner(parsed, EdgeLearn.Kernels.KernelSet.Reference, out EquilibriumPropagationLearner frozen, out _));
        var frozenNormalizer = new RunningNormalizer(16, 7);
        frozenNormalizer.Import(frozenStats, 0, frozenFrames);
        var skip = new RfSample(8);
        while (twin.Scene.Position < 5000)
        {
            twin.Scene.TryNext(skip);
        }

        double stale = Frozen(twin, frozen, frozenNormalizer, 500);
        TestContext.WriteLine($"after 5000 drifting frames: online {online:P1}, frozen at frame 2000 {stale:P1}");
        Assert.IsTrue(online >= 0.85, $"online accuracy {online:P1}");
        Assert.IsTrue(online >= stale + 0.2, $"online {online:P1} vs frozen {stale:P1}");
    }

    [TestMethod]
    public void FieldLearner_NovelClassMidStream_PickedUp()
    {
        // 4 emitters from the start, a 5th from scene sample 2500 on, labelled when it appears.
        var settings = new RfFingerprintSceneSettings { InitialClassCount = 4, NovelClassCount = 1, NovelClassStart = 2500 };
        using RfSensorRig rig = RfSensorRig.CreateMcp3008(new RfFingerprintScene(settings, 51), new SpinDiodeParameters { ChannelCount = 16 }, 52);
        EquilibriumPropagationLearner learner = FieldTestKit.Learner(16, 32, 5);
        var normalizer = new RunningNormalizer(16, 7);
        var field = new FieldLearner(rig.FrontEnd, learner, normalizer, 4, 0, null);
        double beforeNovel = Stream(rig, field, 2500);
        Assert.AreEqual(2500, rig.Scene.Position);
        double novelFirst = Stream(rig, field, 100, only: 4);
        Stream(rig, field, 2900);
        double novelLater = Stream(rig, field, 1000, only: 4);
        double allLater = Stream(rig, field, 500);
        TestContext.WriteLine($"before the novel class {beforeNovel:P1}; novel class: its frames among the first 100 {novelFirst:P1}, its frames among 1000 after 3000 more {novelLater:P1}; all classes {allLater:P1}");

        Assert.IsTrue(novelFirst < 0.5, $"the new class is not known at first: {novelFirst:P1}");
        Assert.IsTrue(novelLater >= 0.85, $"the new class is learned: {novelLater:P1}");
        Assert.IsTrue(allLater >= 0.85, $"the old classes are kept: {allLater:P1}");
    }
}
