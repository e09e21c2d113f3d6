using Microsoft.VisualStudio.TestTools.UnitTesting;
using System;
using EdgeLearn.HostSim.Devices;

namespace EdgeLearn.Tests.Devices;

[TestClass]
public sealed class AdcTransferTests
{
    private const long Vref = 3_300_000_000;

    [TestMethod]
    public void Mcp3008Code_EdgesOfTheRange_FloorAndClamp()
    {
        Assert.AreEqual(0, AdcTransfer.Mcp3008Code(-5, Vref));
        Assert.AreEqual(0, AdcTransfer.Mcp3008Code(0, Vref));
        Assert.AreEqual(0, AdcTransfer.Mcp3008Code(3_222_656 - 1, Vref));   // just below 1 LSB (3.3 V / 1024 = 3 222 656.25 nV)
        Assert.AreEqual(1, AdcTransfer.Mcp3008Code(3_222_657, Vref));
        Assert.AreEqual(512, AdcTransfer.Mcp3008Code(1_650_000_000, Vref));
        Assert.AreEqual(1023, AdcTransfer.Mcp3008Code(Vref - 1, Vref));
        Assert.AreEqual(1023, AdcTransfer.Mcp3008Code(Vref, Vref));
        Assert.AreEqual(1023, AdcTransfer.Mcp3008Code(10 * Vref, Vref));
    }

    [TestMethod]
    public void Mcp3008CodeCenter_EveryCode_ConvertsBack()
    {
        for (int c = 0; c <= 1023; c++)
        {
            Assert.AreEqual(c, AdcTransfer.Mcp3008Code(AdcTransfer.Mcp3008CodeCenterNanovolts(c, Vref), Vref));
        }
    }

    [TestMethod]
    public void Mcp3008Code_Gain500PlusMinus2mV_AboutPlusMinus310Lsb()
    {
        // SPINTRONICS.md: with G = 500, +/-2 mV becomes about +/-310 LSB at V_REF = 3.3 V.
        int up = AdcTransfer.Mcp3008Code(1_650_000_000 + (500 * 2_000_000L), Vref) - 512;
        int down = AdcTransfer.Mcp3008Code(1_650_000_000 - (500 * 2_000_000L), Vref) - 512;
        Assert.AreEqual(310, up);
        Assert.AreEqual(-311, down); // floor: -310.3 LSB lands in code 201
    }

    [TestMethod]
    public void Ads1115Code_FullScaleAndLsb_EveryRange()
    {
        for (int pga = 0; pga < 8; pga++)
        {
            long fs = AdcTransfer.Ads1115FullScaleNanovolts(pga);
            Assert.AreEqual(32767, AdcTransfer.Ads1115Code(fs, fs));
            Assert.AreEqual(-32768, AdcTransfer.Ads1115Code(-fs, fs));
            Assert.AreEqual(-32768, AdcTransfer.Ads1115Code(-3 * fs, fs));
            Assert.AreEqual(0, AdcTransfer.Ads1115Code(0, fs));
            for (short c = -32768; c < 32767; c += 4099)
            {
                Assert.AreEqual(c, AdcTransfer.Ads1115Code(AdcTransfer.Ads1115CodeNanovolts(c, fs), fs), $"pga {pga} code {c}");
            }
        }

        // LSB at +/-0.256 V is 7.8125 uV: half an LSB rounds up (ties toward +infinity), just below rounds down.
        Assert.AreEqual(1, AdcTransfer.Ads1115Code(3_907, 256_000_000));
        Assert.AreEqual(0, AdcTransfer.Ads1115Code(3_906, 256_000_000));
        Assert.AreEqual(256_000_000, AdcTransfer.Ads1115FullScaleNanovolts(7));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => AdcTransfer.Ads1115FullScaleNanovolts(8));
    }

    [TestMethod]
    public void AnalogFrontEnd_Transfer_GainMidAndRails()
    {
        var src = new TestVoltageSource(1);
        var afe = new AnalogFrontEnd(src, new AnalogFrontEndParameters());
        Assert.AreEqual(1_650_000_000 + (500 * 1_000_000L), afe.Transfer(1_000_000));
        Assert.AreEqual(0, afe.Transfer(-4_000_000));
        Assert.AreEqual(3_300_000_000, afe.Transfer(4_000_000));
        src[0] = -2_000_000;
        Assert.AreEqual(650_000_000, afe.SampleNanovolts(0));
        var bad = new AnalogFrontEndParameters { Gain = 0 };
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new AnalogFrontEnd(src, bad));
        Assert.AreEqual("Gain", e.ParamName);
    }
}
