using System;
using EdgeLearn.HostSim.Devices;
using EdgeLearn.HostSim.ExtremeLearning;
using EdgeLearn.HostSim.Scenes;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace EdgeLearn.Tests.ExtremeLearning;

[TestClass]
public sealed class ExtremeLearningExperimentTests
{
    public TestContext TestContext { get; set; } = null!;

    private static ExtremeLearningResult RunFingerprints(uint seed)
    {
        var scene = new RfFingerprintSceneSettings { InitialClassCount = 5, NovelClassCount = 0, FrequencyDriftHzPerThousand = 0, PowerDriftPpmPerThousand = 0 };
        var bins = new SpectrumBins(SpectrumBins.LinearGrid(scene.BandMinHz, scene.BandMaxHz, 200), scene.MaxTonePowerPicowatts);
        // Test on the same emitters (same scene seed) but later samples of the stream: 1500 .. 1999.
        var test = new RfFingerprintScene(scene, 9);
        var skip = new RfSample(8);
        while (test.Position < 1500)
        {
            test.TryNext(skip);
        }

        return ExtremeLearningExperiment.Run(
            epoch => new RfFingerprintScene(scene, 9),
            1500,
            test,
            500,
            5,
            bins,
            new SpinDiodeParameters(),
            new ExtremeLearningSettings { Features = 32, Epochs = 1, CalibrationInputs = 128, Seed = seed });
    }

    [TestMethod]
    public void Experiment_RfFingerprints_BothLayersLearnDeterministically()
    {
        ExtremeLearningResult a = RunFingerprints(3);
        TestContext.WriteLine($"MTJ {a.HardwareTestAccuracy:P1} (train {a.HardwareTrainAccuracy:P1}), software {a.SoftwareTestAccuracy:P1} (train {a.SoftwareTrainAccuracy:P1}), oracle {a.OracleTestAccuracy:P1}, codes {a.MinCode}..{a.MaxCode}");
        Assert.AreEqual(0, a.FaultyFrames);
        Assert.IsTrue(a.HardwareTestAccuracy >= 0.9, $"MTJ features {a.HardwareTestAccuracy:P1}");
        Assert.IsTrue(a.SoftwareTestAccuracy >= 0.9, $"software features {a.SoftwareTestAccuracy:P1}");
        Assert.IsTrue(Math.Abs(a.HardwareTestAccuracy - a.OracleTestAccuracy) <= 0.02, $"fixed point {a.HardwareTestAccuracy:P1} vs float64 readout {a.OracleTestAccuracy:P1}");
        Assert.IsTrue(a.MinCode > 0 && a.MaxCode < 1023, "the detector range stays inside the ADC");
        ExtremeLearningResult b = RunFingerprints(3);
        Assert.AreEqual(a.HardwareTestAccuracy, b.HardwareTestAccuracy);
        Assert.AreEqual(a.SoftwareTestAccuracy, b.SoftwareTestAccuracy);
        Assert.AreEqual(a.HardwareTrainAccuracy, b.HardwareTrainAccuracy);
    }

    [TestMethod]
    public void NeuronLayer_SettledPower_FollowsTheStnoCurve()
    {
        var array = new SpinDiodeArray(new SpinDiodeParameters { ChannelCount = 2 }, 1);
        var layer = new SpintronicNeuronLayer(array, new StnoParameters(), 1);
        var tones = new[] { 40_000_000L, 90_000_000L };
        var powers = new long[2];
        var rng = new Random(4);
        layer.Calibrate(64, i =>
        {
            powers[0] = rng.Next(0, 100_000);
            powers[1] = rng.Next(0, 100_000);
            array.SetTones(tones, powers, 2);
        });
        Assert.IsTrue(layer.Calibrated);
        long one = 1L << 30;
        long previous = -1;
        for (long v = -5_000_000; v <= 5_000_000; v += 10_000)
        {
            long pq = layer.PowerQ30(0, v);
            Assert.IsTrue(pq >= previous, $"monotonic at {v} nV");
            Assert.IsTrue(pq >= 0 && pq <= one / 2, $"p in [0, 1/2] at {v} nV");
            previous = pq;
        }

        Assert.AreEqual(0, layer.PowerQ30(0, -1_000_000_000), "far below: the STNO does not oscillate (zeta clamped to 1)");
        Assert.AreEqual(one / 2, layer.PowerQ30(0, 1_000_000_000), 1, "far above: zeta clamped to 4, p = 3 / (4 + 2)");
    }

    [TestMethod]
    public void SpectrumBins_TonesGoToTheNearestBin_PowersAddUp()
    {
        var bins = new SpectrumBins(new long[] { 100, 200, 300 }, 10);
        var sample = new RfSample(4);
        sample.AddTone(90, 10);   // below the grid: bin 0
        sample.AddTone(150, 20);  // half way: the lower bin
        sample.AddTone(251, 30);  // nearer 300
        sample.AddTone(1000, 40); // above the grid: bin 2
        var x = new double[5];
        bins.Fill(sample, x, 1);
        CollectionAssert.AreEqual(new[] { 0.0, 3.0, 0.0, 7.0, 0.0 }, x);
        Assert.ThrowsExactly<ArgumentException>(() => new SpectrumBins(new long[] { 5, 5 }, 1));
    }

    [TestMethod]
    public void RandomFeatureLayer_ToQ15Code_SpansTheCodeRange()
    {
        Assert.AreEqual(short.MinValue, RandomFeatureLayer.ToQ15Code(0));
        Assert.AreEqual(short.MaxValue, RandomFeatureLayer.ToQ15Code(0.5));
        Assert.AreEqual(short.MaxValue, RandomFeatureLayer.ToQ15Code(0.75), "saturates");
    }
}
