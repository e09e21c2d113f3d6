// LookupTables against double precision: the table entries (recomputed with Math.Exp / Math.Log), the
// documented worst-case errors on a dense grid of every Q.12 input in [-12, 12], monotonicity and extremes.
using System;
using EdgeLearn.Kernels;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace EdgeLearn.Tests.Kernels;

[TestClass]
public sealed class LookupTablesTests
{
    private const int One = 4096; // Q.12
    private const int GridLimit = 12 * One;

    private static double Logistic(double x) => 1.0 / (1.0 + Math.Exp(-x));

    /// <summary>ln(1 + e^x) without overflow for large x.</summary>
    private static double Softplus(double x) => x > 0 ? x + Math.Log(1.0 + Math.Exp(-x)) : Math.Log(1.0 + Math.Exp(x));

    private static double LogisticErrorLsb(int xQ12) => Math.Abs(LookupTables.LogisticQ15(xQ12) - 32768.0 * Logistic(xQ12 / (double)One));

    private static double SoftplusErrorLsb(int xQ12) => Math.Abs(LookupTables.SoftplusQ12(xQ12) - One * Softplus(xQ12 / (double)One));

    [TestMethod]
    public void TableLength_Is257()
    {
        Assert.AreEqual(257, LookupTables.TableLength);
    }

    [TestMethod]
    public void LogisticQ15_AtTableNodes_EqualsRoundedExactValue()
    {
        // Node i sits at x = -8 + i / 16, i.e. Q.12 input -32768 + 256 i, where interpolation adds nothing.
        for (int i = 0; i < LookupTables.TableLength; i++)
        {
            int x = -8 * One + 256 * i;
            int expected = (int)Math.Round(32768.0 * Logistic(x / (double)One), MidpointRounding.AwayFromZero);
            Assert.AreEqual(expected, LookupTables.LogisticQ15(x), $"node {i}");
        }
    }

    [TestMethod]
    public void SoftplusQ12_AtTableNodes_EqualsRoundedExactValue()
    {
        // The last node (x = 8) is not reachable: SoftplusQ12 returns x itself from 8 on.
        for (int i = 0; i < LookupTables.TableLength - 1; i++)
        {
            int x = -8 * One + 256 * i;
            int expected = (int)Math.Round(One * Softplus(x / (double)One), MidpointRounding.AwayFromZero);
            Assert.AreEqual(expected, LookupTables.SoftplusQ12(x), $"node {i}");
        }
    }

    // Error budget inside the table (see the header of Kernels/LookupTables.cs): 0.5 LSB rounding of the
    // stored value, 0.5 LSB of the interpolation's rounding shift, and h^2/8 max|f''| for linear interpolation
    // with step h = 1/16. max|sigma''| = 1/(6 sqrt 3) (at sigma = 1/2 +- 1/(2 sqrt 3)); max softplus'' = 1/4.
    private const double H2Over8 = 1.0 / (16 * 16 * 8);

    private static readonly double LogisticInsideBoundLsb = 1.0 + 32768.0 * H2Over8 / (6.0 * Math.Sqrt(3.0));

    private const double SoftplusInsideBoundLsb = 1.0 + One * H2Over8 * 0.25;

    /// <summary>Held end values: 11 = round(32768 sigma(-8)) against 0, and 32757 against 32768.</summary>
    private const double LogisticOutsideBoundLsb = 11.0;

    /// <summary>Above 8 the result x misses ln(1 + e^-x) &lt;= ln(1 + e^-8); below -8 the held 1 LSB is off by at most 1.</summary>
    private static readonly double SoftplusOutsideBoundLsb = Math.Max(1.0, One * Math.Log(1.0 + Math.Exp(-8.0)));

    private static bool InsideTable(int x) => x > -8 * One && x < 8 * One;

    [TestMethod]
    public void LogisticQ15_EveryQ12InputInsideTable_WithinInterpolationBound()
    {
        double worst = 0;
        for (int x = -8 * One + 1; x < 8 * One; x++)
        {
            worst = Math.Max(worst, LogisticErrorLsb(x));
        }

        Assert.IsLessThanOrEqualTo(LogisticInsideBoundLsb, worst, $"worst {worst:F3} LSB, bound {LogisticInsideBoundLsb:F3}");
        Assert.IsLessThanOrEqualTo(3.0, worst, "the 3 LSB promised inside [-8, 8]");
    }

    [TestMethod]
    public void LogisticQ15_OutsideTableAndExtremes_WithinHeldEndBound()
    {
        double worst = 0;
        for (int x = -GridLimit; x <= GridLimit; x++)
        {
            if (!InsideTable(x))
            {
                worst = Math.Max(worst, LogisticErrorLsb(x));
            }
        }

        worst = Math.Max(worst, Math.Max(LogisticErrorLsb(int.MinValue), LogisticErrorLsb(int.MaxValue)));
        Assert.IsLessThanOrEqualTo(LogisticOutsideBoundLsb + 1e-9, worst, $"worst {worst:F6} LSB"); // slack for double rounding
        Assert.AreEqual(11, LookupTables.LogisticQ15(int.MinValue));
        Assert.AreEqual(32757, LookupTables.LogisticQ15(int.MaxValue));
    }

    [TestMethod]
    public void SoftplusQ12_EveryQ12InputInsideTable_WithinInterpolationBound()
    {
        double worst = 0;
        for (int x = -8 * One + 1; x < 8 * One; x++)
        {
            worst = Math.Max(worst, SoftplusErrorLsb(x));
        }

        Assert.IsLessThanOrEqualTo(SoftplusInsideBoundLsb, worst, $"worst {worst:F3} LSB, bound {SoftplusInsideBoundLsb:F3}");
    }

    [TestMethod]
    public void SoftplusQ12_OutsideTableAndExtremes_WithinHeldEndBound()
    {
        double worst = 0;
        for (int x = -GridLimit; x <= GridLimit; x++)
        {
            if (!InsideTable(x))
            {
                worst = Math.Max(worst, SoftplusErrorLsb(x));
            }
        }

        worst = Math.Max(worst, Math.Max(SoftplusErrorLsb(int.MinValue), SoftplusErrorLsb(int.MaxValue)));
        // 1e-9 LSB of slack for the double-precision evaluation of the exact value, which sits on the bound at x = 8.
        Assert.IsLessThanOrEqualTo(SoftplusOutsideBoundLsb + 1e-9, worst, $"worst {worst:F6} LSB, bound {SoftplusOutsideBoundLsb:F6}");
        Assert.IsLessThan(2.0, worst, "the 2 LSB promised by SoftplusQ12's contract");
        Assert.AreEqual(int.MaxValue, LookupTables.SoftplusQ12(int.MaxValue));
        Assert.AreEqual(1, LookupTables.SoftplusQ12(int.MinValue));
    }

    [TestMethod]
    public void LogisticAndSoftplus_EveryQ12InputInMinus12To12_AreNonDecreasing()
    {
        int previousLogistic = LookupTables.LogisticQ15(-GridLimit - 1);
        int previousSoftplus = LookupTables.SoftplusQ12(-GridLimit - 1);
        for (int x = -GridLimit; x <= GridLimit; x++)
        {
            int l = LookupTables.LogisticQ15(x);
            int s = LookupTables.SoftplusQ12(x);
            if (l < previousLogistic || s < previousSoftplus)
            {
                Assert.Fail($"decreases at x={x}: logistic {previousLogistic} -> {l}, softplus {previousSoftplus} -> {s}");
            }

            previousLogistic = l;
            previousSoftplus = s;
        }
    }
}
