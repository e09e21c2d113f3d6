using System;
using System.Device.I2c;
using System.Diagnostics;
using EdgeLearn.HostSim.Buses;
using EdgeLearn.HostSim.Devices;
using EdgeLearn.Tests.Devices;
using Iot.Device.Ads1115;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace EdgeLearn.Tests.Boards;

[TestClass]
public sealed class SimulatedAds1115Tests
{
    private static SimulatedAds1115 Chip(TestVoltageSource src, out SimulatedClock clock)
    {
        clock = new SimulatedClock();
        return new SimulatedAds1115(AnalogPinWiring.Consecutive(4, src, 0), new I2cConnectionSettings(1, 0x48), clock);
    }

    private static (int plus, int minus) Pins(InputMultiplexer mux) => mux switch
    {
        InputMultiplexer.AIN0_AIN1 => (0, 1),
        InputMultiplexer.AIN0_AIN3 => (0, 3),
        InputMultiplexer.AIN1_AIN3 => (1, 3),
        InputMultiplexer.AIN2_AIN3 => (2, 3),
        _ => ((int)mux - 4, -1),
    };

    [TestMethod]
    public void Binding_ReadRaw_FullScaleBothSignsEveryMuxAndRange()
    {
        var src = new TestVoltageSource(4);
        SimulatedAds1115 chip = Chip(src, out _);
        using var ads = new Ads1115(chip, InputMultiplexer.AIN0, MeasuringRange.FS4096, DataRate.SPS860, DeviceMode.PowerDown);
        foreach (MeasuringRange range in Enum.GetValues<MeasuringRange>())
        {
            long fs = AdcTransfer.Ads1115FullScaleNanovolts((int)range);
            foreach (InputMultiplexer mux in Enum.GetValues<InputMultiplexer>())
            {
                (int plus, int minus) = Pins(mux);
                foreach (long diff in new[] { fs, -fs, fs / 3, -fs / 7, 0 })
                {
                    if (minus < 0 && diff < 0)
                    {
                        continue; // single-ended inputs cannot go below ground
                    }

                    src.SetAll(1_000_000_000);
                    long baseV = minus < 0 ? 0 : 2_000_000_000;
                    if (minus >= 0)
                    {
                        src[minus] = baseV;
                    }

                    src[plus] = baseV + diff;
                    short expected = AdcTransfer.Ads1115Code(diff, fs);
                    Assert.AreEqual(expected, ads.ReadRaw(mux, range, DataRate.SPS860), $"{mux} {range} {diff} nV");
                }

                src.SetAll(0);
                if (minus >= 0)
                {
                    src[minus] = 7_000_000_000;
                    src[plus] = 0;
                    Assert.AreEqual(-32768, ads.ReadRaw(mux, range, DataRate.SPS860), $"{mux} {range} negative beyond full scale");
                }

                src.SetAll(0);
                src[plus] = 6_500_000_000;
                Assert.AreEqual(32767, ads.ReadRaw(mux, range, DataRate.SPS860), $"{mux} {range} positive beyond full scale");
            }
        }
    }

    [TestMethod]
    public void Binding_EveryDataRate_ConvertsAfterOneOverRateInSimulatedTime()
    {
        var src = new TestVoltageSource(4);
        src[0] = 1_234_000_000;
        SimulatedAds1115 chip = Chip(src, out SimulatedClock clock);
        using var ads = new Ads1115(chip, InputMultiplexer.AIN0, MeasuringRange.FS4096, DataRate.SPS008, DeviceMode.PowerDown);
        foreach (DataRate rate in Enum.GetValues<DataRate>())
        {
            ads.ReadRaw(InputMultiplexer.AIN0, MeasuringRange.FS4096, rate); // switch rate
            long t0 = clock.NowNanoseconds;
            long tx0 = chip.TransactionCount;
            short code = ads.ReadRaw(InputMultiplexer.AIN0, MeasuringRange.FS4096, rate);
            long elapsed = clock.NowNanoseconds - t0;
            long polls = chip.TransactionCount - tx0;
            long conversion = SimulatedAds1115.ConversionNanoseconds((int)rate);
            Assert.AreEqual(AdcTransfer.Ads1115Code(1_234_000_000, 4_096_000_000), code, $"{rate}");
            Assert.IsTrue(elapsed >= conversion && elapsed <= conversion + 2_000_000, $"{rate}: {elapsed} ns for a {conversion} ns conversion");
            Assert.IsTrue(polls >= 3 && polls < 400, $"{rate}: {polls} transactions, the binding gives up after 5000 polls");
        }
    }

    [TestMethod]
    public void Registers_OsBit_BusyDuringConversionIdleAfter()
    {
        var src = new TestVoltageSource(4);
        SimulatedAds1115 chip = Chip(src, out SimulatedClock clock);
        Span<byte> r = stackalloc byte[2];
        chip.WriteRead(new byte[] { 0x01 }, r);
        Assert.AreEqual(0x85, r[0], "reset value 0x8583, idle");
        Assert.AreEqual(0x83, r[1]);
        chip.Write(new byte[] { 0x01, 0xC3, 0x03 }); // start single shot, AIN0, FS4096, 8 SPS
        chip.WriteRead(new byte[] { 0x01 }, r);
        Assert.AreEqual(0x43, r[0], "OS reads 0 while converting");
        clock.Advance(125_000_000);
        chip.WriteRead(new byte[] { 0x01 }, r);
        Assert.AreEqual(0xC3, r[0], "OS reads 1 when done");
        chip.Write(new byte[] { 0x02, 0x12, 0x34 });
        chip.WriteRead(new byte[] { 0x02 }, r);
        Assert.AreEqual(0x12, r[0]);
        Assert.AreEqual(0x34, r[1]);
        chip.Write(new byte[] { 0x00, 0x7F, 0x7F }); // conversion register is read-only
        chip.WriteRead(new byte[] { 0x00 }, r);
        Assert.AreEqual(0, (r[0] << 8) | r[1]);
    }

    [TestMethod]
    public void Binding_ContinuousMode_ReadsWithoutTimeout()
    {
        var src = new TestVoltageSource(4);
        src[1] = 500_000_000;
        SimulatedAds1115 chip = Chip(src, out _);
        using var ads = new Ads1115(chip, InputMultiplexer.AIN1, MeasuringRange.FS2048, DataRate.SPS250, DeviceMode.Continuous);
        Assert.AreEqual(AdcTransfer.Ads1115Code(500_000_000, 2_048_000_000), ads.ReadRaw());
        Assert.IsTrue(chip.IsBusy, "continuous mode keeps converting");
    }

    [TestMethod]
    public void Faults_NeverCompletes_BindingTimesOut_OtherFaultsSeen()
    {
        var src = new TestVoltageSource(4);
        src[0] = 1_000_000_000;
        SimulatedAds1115 chip = Chip(src, out _);
        using var ads = new Ads1115(chip, InputMultiplexer.AIN0, MeasuringRange.FS4096, DataRate.SPS860, DeviceMode.PowerDown);
        chip.Faults.StuckCode = 1234;
        Assert.AreEqual(1234, ads.ReadRaw());
        chip.Faults.Clear();
        chip.Faults.Rail = RailFault.Low;
        Assert.AreEqual(-32768, ads.ReadRaw());
        chip.Faults.Clear();
        chip.Faults.FailNextTransfers = 1;
        Assert.ThrowsExactly<System.IO.IOException>(() => ads.ReadRaw());
        chip.Faults.ConversionNeverCompletes = true;
        var sw = Stopwatch.StartNew();
        Assert.ThrowsExactly<TimeoutException>(() => ads.ReadRaw());
        Assert.IsTrue(sw.ElapsedMilliseconds < 5_000);
        chip.Faults.Clear();
        Assert.AreEqual(AdcTransfer.Ads1115Code(1_000_000_000, 4_096_000_000), ads.ReadRaw());
    }

    [TestMethod]
    public void Construction_BadAddress_ClearError()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => new SimulatedAds1115(new AnalogPinWiring(4), new I2cConnectionSettings(1, 0x20)));
        StringAssert.Contains(e.Message, "0x20");
    }
}
