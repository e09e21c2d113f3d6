using Microsoft.VisualStudio.TestTools.UnitTesting;
using System;
using EdgeLearn.HostSim.Devices;
using EdgeLearn.Kernels;

namespace EdgeLearn.Tests.Devices;

[TestClass]
public sealed class LorentzianTests
{
    private static (double a, double s) Oracle(double delta, double w)
    {
        double den = (w * w) + (delta * delta);
        return (2 * w * delta / den, w * w / den);
    }

    [TestMethod]
    public void Q15_RandomDetuningsMhzAndGhz_WithinOneStepOfFloat64()
    {
        var rng = new Xoshiro128(7, 0);
        for (int i = 0; i < 20_000; i++)
        {
            long w = 1 + (long)(rng.NextUInt32() % 200_000_000u);          // up to 200 MHz half-width
            long scale = (i & 1) == 0 ? 1 : 50;                             // MHz and GHz-scale detunings
            long delta = ((long)rng.NextUInt32() - int.MaxValue) * scale;   // +/- 2e9 .. 1e11 Hz
            Lorentzian.Q15(delta, w, out int a, out int s);
            (double ea, double es) = Oracle(delta, w);
            Assert.AreEqual(Math.Clamp(ea * 32768, -32767, 32767), a, 1.0, $"L_A delta={delta} w={w}");
            Assert.AreEqual(Math.Clamp(es * 32768, 0, 32767), s, 1.0, $"L_S delta={delta} w={w}");
        }
    }

    [TestMethod]
    public void Q15_AtResonanceAndHalfWidth_SaturatesAtExactExtremes()
    {
        Lorentzian.Q15(0, 1_000_000, out int a0, out int s0);
        Assert.AreEqual(0, a0);
        Assert.AreEqual(32767, s0);
        Lorentzian.Q15(1_000_000, 1_000_000, out int ap, out int sp);
        Assert.AreEqual(32767, ap);
        Assert.AreEqual(16384, sp);
        Lorentzian.Q15(-1_000_000, 1_000_000, out int am, out _);
        Assert.AreEqual(-32767, am);
    }

    [TestMethod]
    public void Q15_ToneBelowResonance_NegativeAntisymmetricAndSignFlipsAcrossResonance()
    {
        // delta = f_tone - f_res: a tone below the resonance (device tuned above the tone) gives L_A < 0.
        Lorentzian.Q15(-300_000, 1_000_000, out int below, out _);
        Lorentzian.Q15(300_000, 1_000_000, out int above, out _);
        Assert.IsTrue(below < 0 && above > 0, $"below={below} above={above}");
        Assert.AreEqual(-below, above);
    }

    [TestMethod]
    public void Q15_NonPositiveHalfWidth_ThrowsNamingIt()
    {
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Lorentzian.Q15(0, 0, out _, out _));
        Assert.AreEqual("halfWidthHz", e.ParamName);
    }
}
