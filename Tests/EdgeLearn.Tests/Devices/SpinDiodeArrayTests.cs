using System;
using System.Collections.Generic;
using System.Linq;
using EdgeLearn.HostSim.Devices;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace EdgeLearn.Tests.Devices;

[TestClass]
public sealed class SpinDiodeArrayTests
{
    private static readonly long[] ToneHz = { 25_000_000, 41_300_000, 77_700_000, 101_000_000 };
    private static readonly long[] TonePw = { 100_000, 60_000, 150_000, 30_000 };

    /// <summary>Float64 oracle of SPINTRONICS.md section 1 from a calibration record (phi = 0).</summary>
    private static double OracleNanovolts(SpinDiodeCalibration c, long[] hz, long[] pw)
    {
        double sum = 0;
        for (int i = 0; i < hz.Length; i++)
        {
            double d = hz[i] - c.ResonanceHz;
            double w = c.HalfWidthHz;
            sum += pw[i] * 1e-6 * (2 * w * d / ((w * w) + (d * d)));
        }

        return (c.SensitivityNanovoltsPerMicrowatt * sum) + c.OffsetNanovolts;
    }

    [TestMethod]
    public void CleanNanovolts_FourTones_MatchesFloat64OracleWithinQ15Resolution()
    {
        var array = new SpinDiodeArray(new SpinDiodeParameters(), 11);
        array.SetTones(ToneHz, TonePw, ToneHz.Length);
        double bound = 2 + (TonePw.Sum() * 1e-6 * 9.5e6 / 32768.0); // one Q15 step per tone at the largest S
        for (int ch = 0; ch < array.ChannelCount; ch++)
        {
            double expected = OracleNanovolts(array.GetCalibration(ch), ToneHz, TonePw);
            Assert.AreEqual(expected, array.CleanNanovolts(ch), bound, $"channel {ch}");
        }
    }

    [TestMethod]
    public void CleanNanovolts_DeviceJustBelowTone_PositiveJustAboveNegative()
    {
        var p = new SpinDiodeParameters { ChannelCount = 2, MinResonanceHz = 50_000_000, MaxResonanceHz = 50_000_000, OffsetSigmaNanovolts = 0, ResonanceVariabilityPpm = 0 };
        var array = new SpinDiodeArray(p, 1);
        array.SetBiasCurrent(0, -300_000); // f_res 0.3 MHz below the tone
        array.SetBiasCurrent(1, 300_000);  // 0.3 MHz above
        array.SetTones(new long[] { 50_000_000 }, new long[] { 100_000 }, 1);
        Assert.IsTrue(array.CleanNanovolts(0) > 100_000, $"below: {array.CleanNanovolts(0)} nV");
        Assert.IsTrue(array.CleanNanovolts(1) < -100_000, $"above: {array.CleanNanovolts(1)} nV");
    }

    [TestMethod]
    public void SetBiasCurrent_OneMilliamp_MovesResonanceByKappa()
    {
        var array = new SpinDiodeArray(new SpinDiodeParameters(), 3);
        long f0 = array.GetCalibration(5).ResonanceHz;
        array.SetBiasCurrent(5, 1_000_000);
        SpinDiodeCalibration c = array.GetCalibration(5);
        Assert.AreEqual(f0 + 1_000_000, c.ResonanceHz);
        Assert.AreEqual(1_000_000, c.BiasNanoamps);
        Assert.AreEqual((double)c.ResonanceHz * 0.01, c.HalfWidthHz, c.HalfWidthHz * 0.2); // alpha ~ 0.01 +/- variability
    }

    [TestMethod]
    public void Construction_4096Devices_FrozenVariabilityHasTheSpecifiedSpread()
    {
        var p = new SpinDiodeParameters { ChannelCount = 4096 };
        var array = new SpinDiodeArray(p, 5);
        long[] grid = GeometricGrid.Create(p.MinResonanceHz, p.MaxResonanceHz, 4096);
        var f = new List<double>();
        var s = new List<double>();
        var a = new List<double>();
        var off = new List<double>();
        for (int d = 0; d < 4096; d++)
        {
            SpinDiodeCalibration c = array.GetCalibration(d);
            f.Add(((double)c.ResonanceHz / grid[d]) - 1);
            s.Add((c.SensitivityNanovoltsPerMicrowatt / 8.8e6) - 1);
            a.Add(((double)c.HalfWidthHz / c.ResonanceHz / 0.01) - 1);
            off.Add(c.OffsetNanovolts);
        }

        Assert.AreEqual(0.01, Std(f), 0.001);
        Assert.AreEqual(0.05, Std(s), 0.005);
        Assert.AreEqual(0.05, Std(a), 0.005);
        Assert.AreEqual(5_000, Std(off), 500);
        Assert.AreEqual(0, off.Average(), 300);
    }

    [TestMethod]
    public void SampleNanovolts_NoTones_WhiteNoiseOfJohnsonPlusAmplifier()
    {
        var p = new SpinDiodeParameters { ChannelCount = 1 };
        double expectedSigma = Math.Sqrt(((4 * 1.380649e-23 * 300 * 1000) + 1e-16) * 1e5) * 1e9; // 3.41 uV
        Assert.AreEqual(expectedSigma, p.WhiteNoiseSigmaNanovolts(), 1.0);
        var array = new SpinDiodeArray(p, 9);
        long offset = array.GetCalibration(0).OffsetNanovolts;
        var x = new double[20_000];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = array.SampleNanovolts(0);
        }

        Assert.AreEqual(offset, x.Average(), 4 * expectedSigma / Math.Sqrt(x.Length));
        Assert.AreEqual(expectedSigma, Std(x), expectedSigma * 0.03);
    }

    [TestMethod]
    public void SampleNanovolts_StrongSignalNoWhiteNoise_OnePercentMultiplicative()
    {
        var p = new SpinDiodeParameters { ChannelCount = 1, TemperatureKelvin = 0, AmplifierNoisePicovoltsPerRootHertz = 0, OffsetSigmaNanovolts = 0 };
        var array = new SpinDiodeArray(p, 2);
        long fres = array.GetCalibration(0).ResonanceHz;
        array.SetTones(new long[] { fres + array.GetCalibration(0).HalfWidthHz }, new long[] { 200_000 }, 1);
        double clean = array.CleanNanovolts(0);
        var x = Enumerable.Range(0, 20_000).Select(_ => (double)array.SampleNanovolts(0)).ToArray();
        Assert.AreEqual(clean, x.Average(), clean * 0.001);
        Assert.AreEqual(0.01, Std(x) / clean, 0.0005);
    }

    [TestMethod]
    public void Chain_TwoDevicesAlternating_ChannelIsDifference()
    {
        var p = new SpinDiodeParameters { ChannelCount = 3, ChainLength = 2 };
        var alt = new SpinDiodeArray(p, 4);
        var sum = new SpinDiodeArray(new SpinDiodeParameters { ChannelCount = 3, ChainLength = 2, ChainAlternatingSign = false }, 4);
        alt.SetTones(ToneHz, TonePw, ToneHz.Length);
        sum.SetTones(ToneHz, TonePw, ToneHz.Length);
        Assert.AreEqual(6, alt.DeviceCount);
        for (int ch = 0; ch < 3; ch++)
        {
            SpinDiodeCalibration c0 = alt.GetCalibration(2 * ch);
            SpinDiodeCalibration c1 = alt.GetCalibration((2 * ch) + 1);
            Assert.AreEqual(1, c0.Sign);
            Assert.AreEqual(-1, c1.Sign);
            Assert.AreEqual(ch, c1.Channel);
            double v0 = OracleNanovolts(c0, ToneHz, TonePw);
            double v1 = OracleNanovolts(c1, ToneHz, TonePw);
            Assert.AreEqual(v0 - v1, alt.CleanNanovolts(ch), 200);
            Assert.AreEqual(v0 + v1, sum.CleanNanovolts(ch), 200);
        }
    }

    [TestMethod]
    public void SampleNanovolts_SameSeed_SameSequence_OtherSeed_Differs()
    {
        long[] Run(uint seed)
        {
            var array = new SpinDiodeArray(new SpinDiodeParameters(), seed);
            array.SetTones(ToneHz, TonePw, ToneHz.Length);
            var v = new long[64];
            for (int i = 0; i < v.Length; i++)
            {
                v[i] = array.SampleNanovolts(i % 16);
            }

            return v;
        }

        CollectionAssert.AreEqual(Run(77), Run(77));
        CollectionAssert.AreNotEqual(Run(77), Run(78));
    }

    [TestMethod]
    public void SetTones_BadInput_ClearErrors()
    {
        var array = new SpinDiodeArray(new SpinDiodeParameters(), 1);
        var e1 = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => array.SetTones(new long[] { 0 }, new long[] { 1 }, 1));
        StringAssert.Contains(e1.Message, "tone 0 frequency");
        var e2 = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => array.SetTones(new long[] { 1 }, new long[] { -1 }, 1));
        StringAssert.Contains(e2.Message, "tone 0 power");
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => array.SetTones(new long[] { 1 }, new long[] { 1 }, 2));
        var e3 = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => array.SampleNanovolts(16));
        Assert.AreEqual("channel", e3.ParamName);
        var e4 = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new SpinDiodeArray(new SpinDiodeParameters { DampingPpm = 0 }, 1));
        Assert.AreEqual("DampingPpm", e4.ParamName);
    }

    [TestMethod]
    public void Describe_ListsAssumedParametersWithSources()
    {
        string log = new SpinDiodeParameters().Describe();
        StringAssert.Contains(log, "spin_diode.SensitivityVariabilityPpm = 50000 ppm (assumed)");
        StringAssert.Contains(log, "spin_diode.TuningHertzPerMilliamp = 1000000 Hz/mA (assumed)");
        StringAssert.Contains(log, "spin_diode.WhiteNoiseSigma = 3414 nV (derived)");
    }

    internal static double Std(IEnumerable<double> xs)
    {
        double[] a = xs.ToArray();
        double m = a.Average();
        return Math.Sqrt(a.Sum(v => (v - m) * (v - m)) / (a.Length - 1));
    }
}
