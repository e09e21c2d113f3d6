using System;
using System.Linq;
using EdgeLearn.HostSim.Devices;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace EdgeLearn.Tests.Devices;

[TestClass]
public sealed class StnoTests
{
    private const double One = 1L << 30;

    [TestMethod]
    public void Run_LongDrive_SettlesAtSteadyStatePower()
    {
        foreach (double zeta in new[] { 1.5, 2.0, 3.0, 4.0 })
        {
            var n = new StnoNeuron(new StnoParameters());
            n.Run((long)(zeta * 10_000), 3_000_000); // 3 us = 30 tau_2
            Assert.AreEqual((zeta - 1) / (zeta + 2), n.PowerQ30 / One, 1e-4, $"zeta {zeta}");
        }
    }

    [TestMethod]
    public void Run_ShortTrajectory_MatchesFloat64EulerOracle()
    {
        var p = new StnoParameters();
        var n = new StnoNeuron(p);
        double k = (double)p.EffectiveTimeStepPicoseconds / p.RelaxationAtZeta2Picoseconds;
        double x = 1e-4;
        long[] drives = { 30_000, 12_000, 40_000, 20_000 };
        foreach (long drive in drives)
        {
            double zeta = drive / 10_000.0;
            for (int s = 0; s < 200; s++)
            {
                n.Run(drive, p.EffectiveTimeStepPicoseconds);
                x += k * x * ((zeta * (1 - x)) - (1 + (2 * x)));
                x = Math.Clamp(x, 1e-4, 1);
                Assert.AreEqual(x, n.PowerQ30 / One, 2e-6, $"drive {drive} step {s}");
            }
        }
    }

    [TestMethod]
    public void Run_SmallStepAtZeta2_RelaxesWithTimeConstantTau2()
    {
        var n = new StnoNeuron(new StnoParameters());
        n.Run(20_500, 5_000_000);            // settle at zeta = 2.05
        double p0 = 1.0 / 4.0;               // steady state at zeta = 2
        double before = (n.PowerQ30 / One) - p0;
        n.Run(20_000, 100_000);              // one tau_2 = 100 ns at zeta = 2
        double after = (n.PowerQ30 / One) - p0;
        Assert.AreEqual(Math.Exp(-1), after / before, 0.03);
    }

    [TestMethod]
    public void ClampDrive_BelowAndAboveRange_ClampsToOneAndFourThresholds()
    {
        var n = new StnoNeuron(new StnoParameters());
        Assert.AreEqual(10_000, n.ClampDrive(0));
        Assert.AreEqual(40_000, n.ClampDrive(1_000_000));
        Assert.AreEqual(25_000, n.ClampDrive(25_000));
        Assert.AreEqual(1666, n.TimeStepPicoseconds); // tau(zeta = 4) / 20 = 100 ns / 60
    }

    [TestMethod]
    public void Run_AtThreshold_PowerNeverBelowFloor()
    {
        var n = new StnoNeuron(new StnoParameters());
        long floor = n.PowerQ30;
        Assert.AreEqual(1e-4, floor / One, 1e-9);
        n.Run(40_000, 500_000);
        long high = n.PowerQ30;
        n.Run(0, 200_000); // drive clamped to I_th: zeta = 1, p decays
        Assert.IsTrue(n.PowerQ30 < high && n.PowerQ30 >= floor);
        n.Reset();
        n.Run(0, 1_000_000);
        Assert.AreEqual(floor, n.PowerQ30);
    }

    [TestMethod]
    public void Validate_TimeStepAboveTauOverTwenty_Throws()
    {
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new StnoNeuron(new StnoParameters { TimeStepPicoseconds = 2_000 }));
        Assert.AreEqual("TimeStepPicoseconds", e.ParamName);
        StringAssert.Contains(e.Message, "tau_2/60 = 1666 ps");
    }

    [TestMethod]
    public void Reservoir_SameSeed_SameHeldValues_SampleAndHold()
    {
        short[] input = { 12_000, -8_000, 30_000, 0, -32_768 };
        long[] Run(uint seed)
        {
            var r = new StnoReservoir(new StnoParameters(), 40, input.Length, seed);
            r.RunFrame(input, 0);
            r.RunFrame(input, 0);
            return Enumerable.Range(0, 40).Select(r.SampleNanovolts).ToArray();
        }

        long[] a = Run(5);
        CollectionAssert.AreEqual(a, Run(5));
        CollectionAssert.AreNotEqual(a, Run(6));
        Assert.IsTrue(a.All(v => v >= 0 && v <= 3_000_000 * 1.2), "held detector voltages within 0 .. full scale");
        Assert.IsTrue(a.Distinct().Count() > 20, "virtual neurons respond differently");

        var res = new StnoReservoir(new StnoParameters(), 4, 1, 1);
        res.RunFrame(new short[] { 1000 }, 0);
        Assert.AreEqual(res.SampleNanovolts(2), res.SampleNanovolts(2));
        Assert.AreEqual(20_000, res.NodeDurationPicoseconds);
        Assert.AreEqual(25_000, res.BiasNanoamps);
    }

    [TestMethod]
    public void Reservoir_MaskEntries_PlusMinusOneRoughlyBalanced()
    {
        var r = new StnoReservoir(new StnoParameters(), 100, 50, 8);
        int plus = 0;
        for (int k = 0; k < 100; k++)
        {
            for (int j = 0; j < 50; j++)
            {
                int m = r.Mask(k, j);
                Assert.IsTrue(m == 1 || m == -1);
                plus += m == 1 ? 1 : 0;
            }
        }

        Assert.AreEqual(2500, plus, 200);
    }
}
