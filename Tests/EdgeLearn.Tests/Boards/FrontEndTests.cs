using System;
using System.Device.Gpio;
using System.Device.I2c;
using System.Device.Spi;
using EdgeLearn.Boards.RaspberryPi;
using EdgeLearn.HostSim.Buses;
using EdgeLearn.HostSim.Devices;
using EdgeLearn.Runtime.Streaming;
using EdgeLearn.Tests.Devices;
using Iot.Device.Ads1115;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace EdgeLearn.Tests.Boards;

[TestClass]
public sealed class FrontEndTests
{
    private const long Vref = AdcTransfer.Mcp3008DefaultReferenceNanovolts;

    private static TestVoltageSource Ramp(int channels, Func<int, long> nv)
    {
        var src = new TestVoltageSource(channels);
        for (int c = 0; c < channels; c++)
        {
            src[c] = nv(c);
        }

        return src;
    }

    [TestMethod]
    public void Mcp3008FrontEnd_SixteenChannelsOnTwoChipSelects_ReadsEveryChannelInOrder()
    {
        var src = Ramp(16, c => AdcTransfer.Mcp3008CodeCenterNanovolts(100 + (50 * c), Vref));
        using var board = SimulatedBoard.CreateMcp3008(src, Mcp3008FrontEndSettings.ForChannels(16));
        var codes = new short[20];
        Assert.IsTrue(board.FrontEnd.TryReadFrame(codes, 2, out SensorStatus status));
        Assert.AreEqual(SensorStatus.Ok, status);
        Assert.AreEqual(SensorCodeFormat.Unsigned10, board.FrontEnd.CodeFormat);
        for (int c = 0; c < 16; c++)
        {
            Assert.AreEqual(100 + (50 * c), codes[2 + c], $"channel {c}");
        }

        Assert.AreEqual(2, board.Mcp3008Chips.Count);
        Assert.AreEqual(8, board.Mcp3008Chips[0].ConversionCount);
        Assert.AreEqual(1, board.Mcp3008Chips[1].ConnectionSettings.ChipSelectLine);
        Assert.AreEqual(0, board.Mcp3008Chips[0].Pins.ChannelOf(0));
        Assert.AreEqual(8, board.Mcp3008Chips[1].Pins.ChannelOf(0));
    }

    [TestMethod]
    public void Ads1115FrontEnd_DifferentialAgainstVmid_BipolarCodes()
    {
        const long mid = 1_650_000_000;
        var src = Ramp(6, c => mid + ((c - 3) * 300_000_000L));
        var settings = new Ads1115FrontEndSettings { Addresses = new[] { 0x48, 0x49 } };
        using var board = SimulatedBoard.CreateAds1115(src, mid, settings);
        var codes = new short[6];
        Assert.IsTrue(board.FrontEnd.TryReadFrame(codes, 0, out SensorStatus status), status.ToString());
        Assert.AreEqual(SensorCodeFormat.Signed16, board.FrontEnd.CodeFormat);
        for (int c = 0; c < 6; c++)
        {
            Assert.AreEqual(AdcTransfer.Ads1115Code((c - 3) * 300_000_000L, 2_048_000_000), codes[c], $"channel {c}");
        }

        Assert.AreEqual(0x49, board.Ads1115Chips[1].ConnectionSettings.DeviceAddress);
        StringAssert.Contains(board.Ads1115Chips[0].Pins.Describe(3), "= 1650000000 nV");
    }

    [TestMethod]
    public void Faults_BusException_BusErrorThenRecovers()
    {
        var src = Ramp(8, c => 1_000_000_000 + (c * 100_000_000L));
        using var board = SimulatedBoard.CreateMcp3008(src, new Mcp3008FrontEndSettings());
        var codes = new short[8];
        board.Mcp3008Chips[0].Faults.FailNextTransfers = 1;
        Assert.IsFalse(board.FrontEnd.TryReadFrame(codes, 0, out SensorStatus s1));
        Assert.AreEqual(SensorStatus.BusError, s1);
        Assert.IsTrue(board.FrontEnd.TryReadFrame(codes, 0, out SensorStatus s2));
        Assert.AreEqual(SensorStatus.Ok, s2);
        Assert.AreEqual(1, board.Mcp3008FrontEnd!.Counters[SensorStatus.BusError]);
        Assert.AreEqual(1, board.Mcp3008FrontEnd.Counters[SensorStatus.Ok]);
    }

    [TestMethod]
    public void Faults_StuckCode_StuckAfterConfiguredRepeats()
    {
        var array = new SpinDiodeArray(new SpinDiodeParameters { ChannelCount = 8 }, 3);
        var afe = new AnalogFrontEnd(array, new AnalogFrontEndParameters());
        using var board = SimulatedBoard.CreateMcp3008(afe, new Mcp3008FrontEndSettings { StuckFrameCount = 4 });
        var codes = new short[8];
        for (int i = 0; i < 10; i++)
        {
            Assert.IsTrue(board.FrontEnd.TryReadFrame(codes, 0, out _), "noise keeps live frames different");
        }

        board.Mcp3008Chips[0].Faults.StuckCode = 600;
        SensorStatus[] seen = new SensorStatus[5];
        for (int i = 0; i < 5; i++)
        {
            board.FrontEnd.TryReadFrame(codes, 0, out seen[i]);
        }

        CollectionAssert.AreEqual(new[] { SensorStatus.Ok, SensorStatus.Ok, SensorStatus.Ok, SensorStatus.Stuck, SensorStatus.Stuck }, seen);
        Assert.IsTrue(Array.TrueForAll(codes, c => c == 600), "stuck frames are still delivered");
        board.Mcp3008Chips[0].Faults.Clear();
        Assert.IsTrue(board.FrontEnd.TryReadFrame(codes, 0, out SensorStatus after));
        Assert.AreEqual(SensorStatus.Ok, after);
    }

    [TestMethod]
    public void Faults_RailCodes_RailSaturatedOnBothConverters()
    {
        var src = Ramp(8, c => 1_650_000_000);
        using (var board = SimulatedBoard.CreateMcp3008(src, new Mcp3008FrontEndSettings()))
        {
            var codes = new short[8];
            board.Mcp3008Chips[0].Faults.Rail = RailFault.High;
            Assert.IsFalse(board.FrontEnd.TryReadFrame(codes, 0, out SensorStatus s));
            Assert.AreEqual(SensorStatus.RailSaturated, s);
            Assert.AreEqual(1023, codes[7]);
            board.Mcp3008Chips[0].Faults.Rail = RailFault.None;
            src[5] = 0; // one channel really at the bottom rail
            Assert.IsFalse(board.FrontEnd.TryReadFrame(codes, 0, out s));
            Assert.AreEqual(SensorStatus.RailSaturated, s);
        }

        using (var board = SimulatedBoard.CreateAds1115(Ramp(3, c => 1_650_000_000), 1_650_000_000, new Ads1115FrontEndSettings()))
        {
            var codes = new short[3];
            board.Ads1115Chips[0].Faults.Rail = RailFault.Low;
            Assert.IsFalse(board.FrontEnd.TryReadFrame(codes, 0, out SensorStatus s));
            Assert.AreEqual(SensorStatus.RailSaturated, s);
            Assert.AreEqual(-32768, codes[0]);
        }
    }

    [TestMethod]
    public void Faults_MissingDataReady_NotReadyWithinTimeout()
    {
        var src = Ramp(8, c => 1_000_000_000);
        var settings = new Mcp3008FrontEndSettings { DataReadyPin = 17, TriggerPin = 27, DataReadyTimeout = TimeSpan.FromMilliseconds(20) };
        using var board = SimulatedBoard.CreateMcp3008(src, settings);
        var codes = new short[8];
        int triggers = 0;
        board.TriggerPulsed += () => triggers++;

        Assert.IsFalse(board.FrontEnd.TryReadFrame(codes, 0, out SensorStatus s0), "line low, nobody raises it");
        Assert.AreEqual(SensorStatus.NotReady, s0);
        board.SetDataReady(true);
        Assert.IsTrue(board.FrontEnd.TryReadFrame(codes, 0, out SensorStatus s1));
        Assert.AreEqual(SensorStatus.Ok, s1);
        Assert.AreEqual(1, triggers, "trigger pulsed once per frame read");

        board.SetDataReady(false);
        board.SetDataReadyMissing(true);
        board.SetDataReady(true); // the sensor head tries, the line does not move
        Assert.IsFalse(board.FrontEnd.TryReadFrame(codes, 0, out SensorStatus s2));
        Assert.AreEqual(SensorStatus.NotReady, s2);
        Assert.AreEqual(1, triggers);
        board.SetDataReadyMissing(false);
        board.SetDataReady(true);
        Assert.IsTrue(board.FrontEnd.TryReadFrame(codes, 0, out _));
    }

    [TestMethod]
    public void Faults_DataReadyRaisedWhileWaiting_FrameRead()
    {
        var src = Ramp(8, c => 1_000_000_000);
        var settings = new Mcp3008FrontEndSettings { DataReadyPin = 17, DataReadyTimeout = TimeSpan.FromSeconds(5) };
        using var board = SimulatedBoard.CreateMcp3008(src, settings);
        var codes = new short[8];
        using var raiser = new System.Threading.Timer(_ => board.SetDataReady(true), null, 30, System.Threading.Timeout.Infinite);
        var sw = System.Diagnostics.Stopwatch.StartNew();
        Assert.IsTrue(board.FrontEnd.TryReadFrame(codes, 0, out SensorStatus s));
        Assert.AreEqual(SensorStatus.Ok, s);
        Assert.IsTrue(sw.ElapsedMilliseconds < 4_000, "woken by the edge, not the timeout");
    }

    [TestMethod]
    public void Faults_Ads1115ConversionNeverCompletes_NotReady_BusException_BusError()
    {
        using var board = SimulatedBoard.CreateAds1115(Ramp(3, c => 1_700_000_000), 1_650_000_000, new Ads1115FrontEndSettings());
        var codes = new short[3];
        board.Ads1115Chips[0].Faults.ConversionNeverCompletes = true;
        Assert.IsFalse(board.FrontEnd.TryReadFrame(codes, 0, out SensorStatus s1));
        Assert.AreEqual(SensorStatus.NotReady, s1);
        board.Ads1115Chips[0].Faults.Clear();
        board.Ads1115Chips[0].Faults.FailAllTransfers = true;
        Assert.IsFalse(board.FrontEnd.TryReadFrame(codes, 0, out SensorStatus s2));
        Assert.AreEqual(SensorStatus.BusError, s2);
        board.Ads1115Chips[0].Faults.Clear();
        Assert.IsTrue(board.FrontEnd.TryReadFrame(codes, 0, out SensorStatus s3), s3.ToString());
    }

    [TestMethod]
    public void Dispose_FrontEnd_DisposesTheBusesItWasGiven()
    {
        var src = Ramp(4, c => 0);
        var spi = new SimulatedMcp3008(AnalogPinWiring.Consecutive(8, src, 0), new SpiConnectionSettings(0, 0) { ClockFrequency = 1_000_000 });
        var fe = new Mcp3008FrontEnd(spi);
        Assert.AreEqual(8, fe.ChannelCount);
        fe.Dispose();
        Assert.IsTrue(spi.IsDisposed);
        Assert.ThrowsExactly<ObjectDisposedException>(() => fe.TryReadFrame(new short[8], 0, out _));

        var i2c = new SimulatedAds1115(new AnalogPinWiring(4), new I2cConnectionSettings(1, 0x48));
        var ads = new Ads1115FrontEnd(i2c);
        i2c.Faults.FailAllTransfers = true; // the binding's own Dispose writes to the chip and fails
        ads.Dispose();
        Assert.IsTrue(i2c.IsDisposed);

        var driver = new SimulatedGpioDriver();
        var gpio = new GpioController(driver);
        var spi2 = new SimulatedMcp3008(AnalogPinWiring.Consecutive(8, src, 0), new SpiConnectionSettings(0, 0) { ClockFrequency = 1_000_000 });
        var fe2 = new Mcp3008FrontEnd(spi2, new Mcp3008FrontEndSettings { DataReadyPin = 4 }, gpio, shouldDispose: false);
        Assert.IsTrue(gpio.IsPinOpen(4));
        fe2.Dispose();
        Assert.IsFalse(gpio.IsPinOpen(4), "pins closed, controller kept");
        gpio.Dispose();
    }

    [TestMethod]
    public void Construction_NullAndBadSettings_ClearErrors()
    {
        var e1 = Assert.ThrowsExactly<ArgumentNullException>(() => new Mcp3008FrontEnd((SpiDevice)null!));
        Assert.AreEqual("spiDevice", e1.ParamName);
        var e2 = Assert.ThrowsExactly<ArgumentNullException>(() => new Ads1115FrontEnd((I2cDevice)null!));
        Assert.AreEqual("i2cDevice", e2.ParamName);
        var e3 = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new Mcp3008FrontEndSettings { Channels = 9 }.Validate());
        StringAssert.Contains(e3.Message, "Channels must be in 1..8");
        var e4 = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new Ads1115FrontEndSettings { Addresses = new[] { 0x50 } }.Validate());
        StringAssert.Contains(e4.Message, "0x50");
        var e5 = Assert.ThrowsExactly<ArgumentException>(() => new Mcp3008FrontEndSettings { ChipSelectLines = new[] { 0, 0 }, Channels = 8 }.Validate());
        StringAssert.Contains(e5.Message, "twice");
        var src = Ramp(8, c => 0);
        var spi = new SimulatedMcp3008(AnalogPinWiring.Consecutive(8, src, 0), new SpiConnectionSettings(0, 0) { ClockFrequency = 1_000_000 });
        var e6 = Assert.ThrowsExactly<ArgumentNullException>(() => new Mcp3008FrontEnd(spi, new Mcp3008FrontEndSettings { DataReadyPin = 5 }));
        Assert.AreEqual("gpioController", e6.ParamName);
        using var fe = new Mcp3008FrontEnd(new SimulatedMcp3008(AnalogPinWiring.Consecutive(8, src, 0), new SpiConnectionSettings(0, 0) { ClockFrequency = 1_000_000 }));
        var e7 = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => fe.TryReadFrame(new short[10], 3, out _));
        StringAssert.Contains(e7.Message, "exceeds length 10");
        var e8 = Assert.ThrowsExactly<ArgumentException>(() => SimulatedBoard.CreateMcp3008(Ramp(4, c => 0), new Mcp3008FrontEndSettings()));
        StringAssert.Contains(e8.Message, "reads 8 channels but the source has 4");
    }

    [TestMethod]
    public void Create_RealBusOpenerIsReplacedOnlyByTheOpenerArgument()
    {
        var src = Ramp(8, c => 0);
        SpiConnectionSettings? asked = null;
        var settings = new Mcp3008FrontEndSettings { SpiBusId = 1, ChipSelectLines = new[] { 2 }, SpiClockFrequency = 500_000, SpiMode = SpiMode.Mode3 };
        using var fe = Mcp3008FrontEnd.Create(settings, cs =>
        {
            asked = cs;
            return new SimulatedMcp3008(AnalogPinWiring.Consecutive(8, src, 0), cs);
        });
        Assert.IsNotNull(asked);
        Assert.AreEqual(1, asked!.BusId);
        Assert.AreEqual(2, asked.ChipSelectLine);
        Assert.AreEqual(500_000, asked.ClockFrequency);
        Assert.AreEqual(SpiMode.Mode3, asked.Mode);
    }

    [TestMethod]
    public void Create_BusThatCannotOpen_NamesTheDeviceAndTheFix()
    {
        var mcp = new Mcp3008FrontEndSettings { SpiBusId = 0, ChipSelectLines = new[] { 0, 1 }, Channels = 16 };
        int opened = 0;
        var spiError = Assert.ThrowsExactly<SensorOpenException>(() => Mcp3008FrontEnd.Create(mcp, cs =>
        {
            if (cs.ChipSelectLine == 1)
            {
                throw new System.IO.IOException("No such file or directory");
            }

            opened++;
            return new SimulatedMcp3008(AnalogPinWiring.Consecutive(8, Ramp(8, c => 0), 0), cs);
        }));
        Assert.AreEqual(1, opened);
        StringAssert.Contains(spiError.Message, "SPI bus 0, chip select 1 (/dev/spidev0.1");
        StringAssert.Contains(spiError.Message, "dtparam=spi=on");
        StringAssert.Contains(spiError.Message, "No such file or directory");

        var ads = new Ads1115FrontEndSettings { I2cBusId = 1, Addresses = new[] { 0x49 } };
        var i2cError = Assert.ThrowsExactly<SensorOpenException>(() => Ads1115FrontEnd.Create(ads, _ => throw new UnauthorizedAccessException("permission denied")));
        StringAssert.Contains(i2cError.Message, "I2C bus 1, address 0x49 (/dev/i2c-1");
        StringAssert.Contains(i2cError.Message, "permission denied");

        var pins = new Mcp3008FrontEndSettings { DataReadyPin = 17, TriggerPin = 27 };
        var gpioError = Assert.ThrowsExactly<SensorOpenException>(() => Mcp3008FrontEnd.Create(
            pins,
            cs => new SimulatedMcp3008(AnalogPinWiring.Consecutive(8, Ramp(8, c => 0), 0), cs),
            () => throw new InvalidOperationException("Exception while calling libgpiod")));
        StringAssert.Contains(gpioError.Message, "data-ready pin BCM 17 and trigger pin BCM 27");
        StringAssert.Contains(gpioError.Message, "/dev/gpiochip0");
    }

    [TestMethod]
    public void FrameHealthMonitor_RailTakesPriorityAndBusErrorsDoNotBreakRuns()
    {
        var m = new FrameHealthMonitor(2, 3, 1, 0, 1023);
        short[] f = { 5, 6 };
        Assert.AreEqual(SensorStatus.Ok, m.Check(f, 0));
        Assert.AreEqual(SensorStatus.Ok, m.Check(f, 0));
        Assert.AreEqual(SensorStatus.Stuck, m.Check(f, 0));
        Assert.AreEqual(3, m.RepeatCount);
        short[] rail = { 0, 1023 };
        Assert.AreEqual(SensorStatus.RailSaturated, m.Check(rail, 0));
        Assert.AreEqual(SensorStatus.RailSaturated, m.Check(rail, 0));
        Assert.AreEqual(SensorStatus.RailSaturated, m.Check(rail, 0));
        var off = new FrameHealthMonitor(2, 0, 0, 0, 1023);
        Assert.AreEqual(SensorStatus.Ok, off.Check(rail, 0));
        Assert.AreEqual(SensorStatus.Ok, off.Check(rail, 0));
    }

    [TestMethod]
    public void SensorCodeConverter_BothFormats_ExactAndChecked()
    {
        short[] codes = { 0, 512, 1023, 256 };
        short[] q = new short[4];
        SensorCodeConverter.ToQ15(SensorCodeFormat.Unsigned10, codes, 0, q, 0, 4);
        CollectionAssert.AreEqual(new short[] { -32768, 0, 32704, -16384 }, q);
        short[] s16 = { -32768, -1, 0, 32767 };
        SensorCodeConverter.ToQ15(SensorCodeFormat.Signed16, s16, 0, q, 0, 4);
        CollectionAssert.AreEqual(s16, q);
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => SensorCodeConverter.ToQ15(SensorCodeFormat.Unsigned10, new short[] { 1024 }, 0, q, 0, 1));
        StringAssert.Contains(e.Message, "was 1024");
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => SensorCodeConverter.ToQ15(SensorCodeFormat.Signed16, s16, 2, q, 0, 3));
    }

    [TestMethod]
    public void GpioController_OverSimulatedDriver_EdgesCallbacksAndOutputs()
    {
        var driver = new SimulatedGpioDriver();
        using var gpio = new GpioController(driver);
        gpio.OpenPin(5, PinMode.Input);
        gpio.OpenPin(6, PinMode.Output);
        int rising = 0;
        gpio.RegisterCallbackForPinValueChangedEvent(5, PinEventTypes.Rising, (_, e) => rising += e.PinNumber == 5 && e.ChangeType == PinEventTypes.Rising ? 1 : 0);
        driver.PulseInput(5);
        driver.PulseInput(5);
        Assert.AreEqual(2, rising);
        Assert.AreEqual(PinValue.Low, gpio.Read(5));
        driver.SetInput(5, PinValue.High);
        Assert.AreEqual(PinValue.High, gpio.Read(5));
        WaitForEventResult r = gpio.WaitForEvent(5, PinEventTypes.Rising, TimeSpan.FromMilliseconds(10));
        Assert.IsTrue(r.TimedOut, "no edge during the wait");
        PinValue written = PinValue.Low;
        driver.OutputWritten += (pin, v) => written = pin == 6 ? v : written;
        gpio.Write(6, PinValue.High);
        Assert.AreEqual(PinValue.High, written);
        Assert.AreEqual(PinValue.High, driver.GetLevel(6));
    }
}
