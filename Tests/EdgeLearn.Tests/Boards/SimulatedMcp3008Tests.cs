using System;
using System.Device.Spi;
using System.IO;
using EdgeLearn.HostSim.Buses;
using EdgeLearn.HostSim.Devices;
using EdgeLearn.Tests.Devices;
using Iot.Device.Adc;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace EdgeLearn.Tests.Boards;

[TestClass]
public sealed class SimulatedMcp3008Tests
{
    private const long Vref = AdcTransfer.Mcp3008DefaultReferenceNanovolts;

    private static SimulatedMcp3008 Chip(TestVoltageSource src, out SimulatedClock clock)
    {
        clock = new SimulatedClock();
        return new SimulatedMcp3008(AnalogPinWiring.Consecutive(8, src, 0), new SpiConnectionSettings(0, 0) { ClockFrequency = 1_000_000 }, clock);
    }

    [TestMethod]
    public void Binding_Read_SendsThreeByteFrameAndDecodesReply()
    {
        var src = new TestVoltageSource(8);
        src[5] = AdcTransfer.Mcp3008CodeCenterNanovolts(0x2A5, Vref);
        SimulatedMcp3008 chip = Chip(src, out SimulatedClock clock);
        chip.RecordTransfers = true;
        using var adc = new Mcp3008(chip);
        Assert.AreEqual(0x2A5, adc.Read(5));
        Assert.AreEqual(1, chip.Transfers.Count);
        // What Iot.Device.Bindings 4.2.0 sends: start bit, SGL = 1 and channel 5, one don't-care byte.
        CollectionAssert.AreEqual(new byte[] { 0x01, 0xD0, 0x00 }, chip.Transfers[0].Request);
        // Reply: hi-Z read as 0, null bit 0, B9 B8 in byte 1, B7..B0 in byte 2.
        CollectionAssert.AreEqual(new byte[] { 0x00, 0x02, 0xA5 }, chip.Transfers[0].Response);
        Assert.AreEqual(24_000, clock.NowNanoseconds, "24 bits at 1 MHz");
    }

    [TestMethod]
    public void Binding_Read_EveryCodeOnEveryChannel()
    {
        var src = new TestVoltageSource(8);
        SimulatedMcp3008 chip = Chip(src, out _);
        using var adc = new Mcp3008(chip);
        for (int ch = 0; ch < 8; ch++)
        {
            for (int code = 0; code <= 1023; code++)
            {
                src.SetAll(AdcTransfer.Mcp3008CodeCenterNanovolts(1023 - code, Vref)); // other channels elsewhere
                src[ch] = AdcTransfer.Mcp3008CodeCenterNanovolts(code, Vref);
                Assert.AreEqual(code, adc.Read(ch), $"channel {ch}");
            }
        }

        Assert.AreEqual(8 * 1024, chip.ConversionCount);
        Assert.IsFalse(chip.IsDisposed);
        adc.Dispose();
        Assert.IsTrue(chip.IsDisposed, "the binding disposes the device it was given");
    }

    [TestMethod]
    public void Binding_PseudoDifferentialAndDifferential_ReadPairDifference()
    {
        var src = new TestVoltageSource(8);
        src[2] = 2_000_000_000;
        src[3] = 500_000_000;
        SimulatedMcp3008 chip = Chip(src, out _);
        chip.RecordTransfers = true;
        using var adc = new Mcp3008(chip);
        Assert.AreEqual(AdcTransfer.Mcp3008Code(1_500_000_000, Vref), adc.ReadPseudoDifferential(2, 3));
        CollectionAssert.AreEqual(new byte[] { 0x01, 0x20, 0x00 }, chip.Transfers[0].Request);

        // Iot.Device.Bindings 4.2.0 sends the same request for (3, 2) (D0 = 0: CH2 = IN+), so it reads the same.
        Assert.AreEqual(AdcTransfer.Mcp3008Code(1_500_000_000, Vref), adc.ReadPseudoDifferential(3, 2));
        CollectionAssert.AreEqual(new byte[] { 0x01, 0x20, 0x00 }, chip.Transfers[1].Request);

        // D0 = 1 selects IN+ = CH3, IN- = CH2: a negative difference reads 0.
        byte[] r = new byte[3];
        chip.TransferFullDuplex(new byte[] { 0x01, 0x30, 0x00 }, r);
        Assert.AreEqual(0, ((r[1] & 3) << 8) | r[2]);

        // ReadDifferential is two single-ended reads subtracted by the binding.
        int expected = AdcTransfer.Mcp3008Code(2_000_000_000, Vref) - AdcTransfer.Mcp3008Code(500_000_000, Vref);
        Assert.AreEqual(expected, adc.ReadDifferential(2, 3));
        CollectionAssert.AreEqual(new byte[] { 0x01, 0xA0, 0x00 }, chip.Transfers[3].Request);
        CollectionAssert.AreEqual(new byte[] { 0x01, 0xB0, 0x00 }, chip.Transfers[4].Request);
    }

    [TestMethod]
    public void TransferFullDuplex_StartBitAnywhere_DecodedBitForBit()
    {
        // Four bytes with the start bit in the first bit of byte 1 (an alignment some drivers use):
        // S at bit 8, SGL D2 D1 D0 = 1 0 1 1 (channel 3), null at bit 14, B9..B0 at bits 15..24, B1.. LSB-first after.
        var src = new TestVoltageSource(8);
        src[3] = AdcTransfer.Mcp3008CodeCenterNanovolts(0x3C7, Vref);
        SimulatedMcp3008 chip = Chip(src, out _);
        byte[] w = { 0x00, 0xDC, 0x00, 0x00 }; // 1101 1100: S=1 SGL=1 D2=0 D1=1 D0=1, then don't care
        byte[] r = new byte[4];
        chip.TransferFullDuplex(w, r);
        ulong bits = ((ulong)r[0] << 24) | ((ulong)r[1] << 16) | ((ulong)r[2] << 8) | r[3];
        int start = 8;
        Assert.AreEqual(0UL, (bits >> (31 - (start + 6))) & 1, "null bit");
        int code = (int)((bits >> (31 - (start + 16))) & 0x3FF);
        Assert.AreEqual(0x3C7, code);
        Assert.AreEqual(1UL, (bits >> (31 - (start + 17))) & 1, "B1 repeated LSB-first after B0");
    }

    [TestMethod]
    public void HighImpedanceBitsHigh_BindingStillReadsCorrectly()
    {
        var src = new TestVoltageSource(8);
        src[0] = AdcTransfer.Mcp3008CodeCenterNanovolts(300, Vref);
        SimulatedMcp3008 chip = Chip(src, out _);
        chip.HighImpedanceBit = true;
        using var adc = new Mcp3008(chip);
        Assert.AreEqual(300, adc.Read(0));
    }

    [TestMethod]
    public void Faults_InjectedIntoTheBus_SeenByTheBinding()
    {
        var src = new TestVoltageSource(8);
        src.SetAll(AdcTransfer.Mcp3008CodeCenterNanovolts(400, Vref));
        SimulatedMcp3008 chip = Chip(src, out _);
        using var adc = new Mcp3008(chip);
        chip.Faults.FailNextTransfers = 2;
        Assert.ThrowsExactly<IOException>(() => adc.Read(0));
        Assert.ThrowsExactly<IOException>(() => adc.Read(0));
        Assert.AreEqual(400, adc.Read(0), "recovers after the armed failures");
        Assert.AreEqual(2, chip.Faults.FailedTransfers);
        chip.Faults.StuckCode = 77;
        Assert.AreEqual(77, adc.Read(4));
        chip.Faults.Clear();
        chip.Faults.Rail = RailFault.High;
        Assert.AreEqual(1023, adc.Read(4));
        chip.Faults.Rail = RailFault.Low;
        Assert.AreEqual(0, adc.Read(4));
    }

    [TestMethod]
    public void Construction_UnsupportedSettings_ClearErrors()
    {
        var wiring = new AnalogPinWiring(8);
        var e = Assert.ThrowsExactly<ArgumentException>(() => new SimulatedMcp3008(wiring, new SpiConnectionSettings(0, 0) { Mode = SpiMode.Mode1, ClockFrequency = 1_000_000 }));
        StringAssert.Contains(e.Message, "mode 0 or 3, was Mode1");
        var e2 = Assert.ThrowsExactly<ArgumentException>(() => new SimulatedMcp3008(wiring, new SpiConnectionSettings(0, 0) { ClockFrequency = 10_000_000 }));
        StringAssert.Contains(e2.Message, "3600000");
        var chip = new SimulatedMcp3008(wiring, new SpiConnectionSettings(0, 0) { ClockFrequency = 1_000_000 });
        Assert.ThrowsExactly<ArgumentException>(() => chip.TransferFullDuplex(new byte[3], new byte[2]));
    }
}
