using System;
using System.Linq;
using EdgeLearn.Boards.RaspberryPi;
using EdgeLearn.HostSim.Buses;
using EdgeLearn.HostSim.Devices;
using EdgeLearn.HostSim.Scenes;
using EdgeLearn.Runtime.Streaming;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace EdgeLearn.Tests.Devices;

/// <summary>
/// Golden vectors: seed -> the first ADC codes of each simulated device, read through the real bindings.
/// The expected values were produced once by this implementation (not by an independent model) and are
/// pinned here to catch regressions: any change to the generator streams, the device models, the
/// fixed-point rounding, the bus simulation or the scene that alters a single code fails these tests.
/// A deliberate model change must regenerate them (print the actual arrays) and say so in its commit.
/// </summary>
[TestClass]
public sealed class GoldenVectorTests
{
    private static short[] Frames(ISensorFrameSource fe, Func<bool> advance, int frames)
    {
        var codes = new short[frames * fe.ChannelCount];
        for (int f = 0; f < frames; f++)
        {
            Assert.IsTrue(advance());
            Assert.IsTrue(fe.TryReadFrame(codes, f * fe.ChannelCount, out SensorStatus s), s.ToString());
        }

        return codes;
    }

    private static void Pin(short[] expected, short[] actual)
    {
        CollectionAssert.AreEqual(expected, actual, "actual: { " + string.Join(", ", actual) + " }");
    }

    [TestMethod]
    public void SpinDiodeArrayOverMcp3008_Seed42_FirstTwoFrames()
    {
        using var rig = RfSensorRig.CreateMcp3008(new RfFingerprintScene(new RfFingerprintSceneSettings(), 7), new SpinDiodeParameters(), 42);
        short[] actual = Frames(rig.FrontEnd, rig.Advance, 2);
        Pin(new short[] { 538, 607, 487, 501, 506, 507, 509, 512, 514, 515, 521, 523, 538, 575, 524, 442, 521, 522, 529, 541, 566, 399, 509, 340, 471, 483, 490, 494, 495, 500, 497, 499 }, actual);
    }

    [TestMethod]
    public void SpinDiodeArrayOverAds1115_Seed42_FirstThreeFrames()
    {
        using var rig = RfSensorRig.CreateAds1115(new RfFingerprintScene(new RfFingerprintSceneSettings(), 7), new SpinDiodeParameters { ChannelCount = 3 }, 42);
        short[] actual = Frames(rig.FrontEnd, rig.Advance, 3);
        Pin(new short[] { 1359, 54, -3344, 522, -3382, -600, 253, 104, -5480 }, actual);
    }

    [TestMethod]
    public void StnoReservoirOverMcp3008_Seed42_FirstTwoFrames()
    {
        var reservoir = new StnoReservoir(new StnoParameters(), 8, 3, 42);
        var afe = new AnalogFrontEnd(reservoir, new AnalogFrontEndParameters { Gain = 500, MidNanovolts = 200_000_000 });
        using var board = SimulatedBoard.CreateMcp3008(afe, new Mcp3008FrontEndSettings());
        short[][] inputs = { new short[] { 10_000, -20_000, 5_000 }, new short[] { -30_000, 0, 30_000 } };
        for (int warm = 0; warm < 20; warm++)
        {
            reservoir.RunFrame(inputs[warm & 1], 0); // the oscillator needs ~1 us to grow from its floor
        }

        int n = 0;
        short[] actual = Frames(board.FrontEnd, () => { reservoir.RunFrame(inputs[n++], 0); return true; }, 2);
        Pin(new short[] { 229, 219, 217, 224, 218, 228, 212, 209, 197, 216, 216, 213, 212, 223, 229, 219 }, actual);
    }

    [TestMethod]
    public void SpinDiodeCalibration_Seed42_FirstResonancesAndOffsets()
    {
        var array = new SpinDiodeArray(new SpinDiodeParameters(), 42);
        long[] actual = Enumerable.Range(0, 4).SelectMany(d => new[] { array.GetCalibration(d).ResonanceHz, array.GetCalibration(d).OffsetNanovolts }).ToArray();
        CollectionAssert.AreEqual(new long[] { 20347820, 8788, 22285267, 2303, 25777790, -4889, 29003540, 1671 }, actual, "actual: { " + string.Join(", ", actual) + " }");
    }
}
