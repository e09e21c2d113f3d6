using Microsoft.VisualStudio.TestTools.UnitTesting;
using System;
using EdgeLearn.HostSim.Devices;

namespace EdgeLearn.Tests.Devices;

[TestClass]
public sealed class GeometricGridTests
{
    [TestMethod]
    public void Create_16Points20To120MHz_EndpointsExactAndRatioMatchesFloat64()
    {
        long[] g = GeometricGrid.Create(20_000_000, 120_000_000, 16);
        Assert.AreEqual(20_000_000, g[0]);
        Assert.AreEqual(120_000_000, g[15]);
        double r = Math.Pow(6.0, 1.0 / 15);
        for (int k = 0; k < 16; k++)
        {
            Assert.AreEqual(20e6 * Math.Pow(r, k), g[k], 1.0, $"point {k}");
        }
    }

    [TestMethod]
    public void Create_ManyPointsGigahertz_StrictlyIncreasingWithinOneHzOfFloat64()
    {
        long[] g = GeometricGrid.Create(1_000_000_000, 10_000_000_000, 1000);
        double r = Math.Pow(10.0, 1.0 / 999);
        for (int k = 1; k < g.Length; k++)
        {
            Assert.IsTrue(g[k] > g[k - 1]);
            Assert.AreEqual(1e9 * Math.Pow(r, k), g[k], 2e9 * 1e-12 * k + 1.0, $"point {k}");
        }
    }

    [TestMethod]
    public void Create_OnePoint_ReturnsMinimum()
    {
        CollectionAssert.AreEqual(new long[] { 5 }, GeometricGrid.Create(5, 9, 1));
    }

    [TestMethod]
    public void Create_BadRange_ThrowsWithValues()
    {
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => GeometricGrid.Create(10, 5, 4));
        StringAssert.Contains(e.Message, "min 10 Hz, max 5 Hz");
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => GeometricGrid.Create(10, 20, 0));
    }
}
