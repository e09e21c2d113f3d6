using System;
using System.Diagnostics;
using System.Linq;
using EdgeLearn.Boards.RaspberryPi;
using EdgeLearn.HostSim.Devices;
using EdgeLearn.HostSim.Scenes;
using EdgeLearn.Runtime.Streaming;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace EdgeLearn.Tests.Boards;

[TestClass]
public sealed class RfSensorRigTests
{
    private static short[] Run(uint arraySeed, uint sceneSeed, int frames)
    {
        using var rig = RfSensorRig.CreateMcp3008(new RfFingerprintScene(new RfFingerprintSceneSettings(), sceneSeed), new SpinDiodeParameters(), arraySeed);
        var codes = new short[frames * 16];
        for (int f = 0; f < frames; f++)
        {
            Assert.IsTrue(rig.TryAdvanceAndRead(codes, f * 16, out _, out SensorStatus s));
            Assert.AreEqual(SensorStatus.Ok, s);
        }

        return codes;
    }

    [TestMethod]
    public void Mcp3008Rig_SameSeed_SameCodes_OtherSeed_Differs()
    {
        short[] a = Run(5, 6, 50);
        CollectionAssert.AreEqual(a, Run(5, 6, 50));
        CollectionAssert.AreNotEqual(a, Run(9, 6, 50));
        CollectionAssert.AreNotEqual(a, Run(5, 7, 50));
    }

    [TestMethod]
    public void Mcp3008Rig_FingerprintDefaults_InsideTheRangeAndClassesSeparable()
    {
        var scene = new RfFingerprintScene(new RfFingerprintSceneSettings { NovelClassCount = 0 }, 3);
        using var rig = RfSensorRig.CreateMcp3008(scene, new SpinDiodeParameters(), 4);
        var codes = new short[16];
        var q = new short[16];
        var sums = new double[4, 16];
        var counts = new int[4];
        int correct = 0;
        for (int f = 0; f < 600; f++)
        {
            Assert.IsTrue(rig.TryAdvanceAndRead(codes, 0, out int label, out SensorStatus s));
            Assert.AreEqual(SensorStatus.Ok, s, $"frame {f}");
            SensorCodeConverter.ToQ15(rig.FrontEnd.CodeFormat, codes, 0, q, 0, 16);
            if (f < 400)
            {
                counts[label]++;
                for (int c = 0; c < 16; c++)
                {
                    sums[label, c] += q[c];
                }

                continue;
            }

            // Nearest class mean on the raw frames: the codes carry the emitter's signature.
            int best = -1;
            double bestD = double.MaxValue;
            for (int k = 0; k < 4; k++)
            {
                double d = 0;
                for (int c = 0; c < 16; c++)
                {
                    double m = sums[k, c] / counts[k];
                    d += (q[c] - m) * (q[c] - m);
                }

                if (d < bestD)
                {
                    bestD = d;
                    best = k;
                }
            }

            correct += best == label ? 1 : 0;
        }

        Assert.IsTrue(correct >= 180, $"nearest-mean accuracy {correct}/200");
    }

    [TestMethod]
    public void Ads1115Rig_ThreeChannels_ReadsSignedCodesAroundZero()
    {
        using var rig = RfSensorRig.CreateAds1115(new RfFingerprintScene(new RfFingerprintSceneSettings(), 1), new SpinDiodeParameters { ChannelCount = 3 }, 2);
        var codes = new short[3];
        long sum = 0;
        for (int f = 0; f < 40; f++)
        {
            Assert.IsTrue(rig.TryAdvanceAndRead(codes, 0, out _, out SensorStatus s));
            Assert.AreEqual(SensorStatus.Ok, s);
            sum += codes.Sum(c => Math.Abs((int)c));
        }

        Assert.IsTrue(sum > 0);
        Assert.AreEqual(SensorCodeFormat.Signed16, rig.FrontEnd.CodeFormat);
        Assert.IsTrue(rig.Board.Clock.NowNanoseconds > 40 * 3 * 1_162_790, "every conversion took 1/860 s of simulated time");
    }

    [TestMethod]
    public void Rig_AdvanceOnTrigger_EachFrameReadsTheNextSample()
    {
        var settings = Mcp3008FrontEndSettings.ForChannels(16);
        settings.DataReadyPin = 17;
        settings.TriggerPin = 27;
        settings.DataReadyTimeout = TimeSpan.FromMilliseconds(20);
        using var rig = RfSensorRig.CreateMcp3008(new RfFingerprintScene(new RfFingerprintSceneSettings(), 1), new SpinDiodeParameters(), 2, settings);
        var codes = new short[16];
        Assert.IsFalse(rig.FrontEnd.TryReadFrame(codes, 0, out SensorStatus s0));
        Assert.AreEqual(SensorStatus.NotReady, s0, "nothing applied yet");
        rig.AdvanceOnTrigger = true;
        Assert.IsTrue(rig.Advance());
        for (int f = 0; f < 5; f++)
        {
            long before = rig.Scene.Position;
            Assert.IsTrue(rig.FrontEnd.TryReadFrame(codes, 0, out SensorStatus s));
            Assert.AreEqual(SensorStatus.Ok, s);
            Assert.AreEqual(before + 1, rig.Scene.Position, "the trigger advanced the scene");
        }
    }

    [TestMethod]
    public void Rig_DescribeParameters_LogsEveryParameterAndCalibration()
    {
        using var rig = RfSensorRig.CreateMcp3008(new RfFingerprintScene(new RfFingerprintSceneSettings(), 1), new SpinDiodeParameters(), 2);
        string log = rig.DescribeParameters();
        StringAssert.Contains(log, "afe.Gain = 500");
        StringAssert.Contains(log, "spin_diode.OffsetSigmaNanovolts = 5000 nV (assumed)");
        StringAssert.Contains(log, "scene.Name = rf-fingerprint");
        Assert.AreEqual(16, log.Split('\n').Count(l => l.StartsWith("calibration device=", StringComparison.Ordinal)));
        Assert.AreEqual(500, rig.Calibrations()[3].Gain);
        var e = Assert.ThrowsExactly<ArgumentException>(() => RfSensorRig.CreateMcp3008(new RfFingerprintScene(new RfFingerprintSceneSettings(), 1), new SpinDiodeParameters(), 2, null, new AnalogFrontEndParameters { Gain = 100 }));
        StringAssert.Contains(e.Message, "gain 100 disagrees");
    }

    [TestMethod]
    public void Throughput_SixteenChannelFrameThroughRealMcp3008Binding_Measured()
    {
        using var rig = RfSensorRig.CreateMcp3008(new RfFingerprintScene(new RfFingerprintSceneSettings(), 1), new SpinDiodeParameters(), 2);
        rig.Advance();
        var codes = new short[16];
        for (int i = 0; i < 200; i++)
        {
            rig.FrontEnd.TryReadFrame(codes, 0, out _);
        }

        int frames = 0;
        var sw = Stopwatch.StartNew();
        while (sw.ElapsedMilliseconds < 500)
        {
            rig.FrontEnd.TryReadFrame(codes, 0, out _);
            frames++;
        }

        double perSecond = frames / sw.Elapsed.TotalSeconds;
        Console.WriteLine($"16-channel frames through the simulated MCP3008 by the real binding: {perSecond:F0} frames/s ({frames} frames in {sw.Elapsed.TotalMilliseconds:F0} ms)");
        Assert.IsTrue(perSecond > 100, $"{perSecond:F0} frames/s");
    }
}
