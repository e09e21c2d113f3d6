using System;
using System.Collections.Generic;
using System.Device.Gpio;
using System.IO;
using EdgeLearn.HostSim.Buses;
using EdgeLearn.HostSim.Devices;
using EdgeLearn.HostSim.Field;
using EdgeLearn.Runtime.Checkpoints;
using EdgeLearn.Tests.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace EdgeLearn.Tests.Streaming;

/// <summary>
/// The field session without --simulate: the board front-end opens its buses through the factory (here handed
/// simulated SPI devices and a simulated GPIO driver instead of the kernel's), labels come from a label source.
/// </summary>
[TestClass]
public sealed class FieldBoardPathTests
{
    /// <summary>Sensor voltages around V_mid that depend on the class the test presents, with a little deterministic wobble.</summary>
    private sealed class PresentedClassSource : IVoltageSource
    {
        private long reads;

        public PresentedClassSource(int channels) => ChannelCount = channels;

        public int ChannelCount { get; }

        public int Presented { get; set; }

        public long SampleNanovolts(int channel)
        {
            reads++;
            long signal = ((channel + Presented) % 4) * 300_000_000L;
            return 1_000_000_000L + signal + ((reads * 7919) % 20) * 1_000_000L;
        }
    }

    private static FieldHardware Hardware(PresentedClassSource source, List<SimulatedMcp3008> opened, SimulatedGpioDriver gpio) => new()
    {
        OpenSpi = cs =>
        {
            var device = new SimulatedMcp3008(AnalogPinWiring.Consecutive(SimulatedMcp3008.PinCount, source, cs.ChipSelectLine * SimulatedMcp3008.PinCount), cs);
            opened.Add(device);
            return device;
        },
        OpenGpio = () => new GpioController(gpio),
    };

    [TestMethod]
    public void FieldSession_RealBoardPath_FileLabels_LearnOnlyLabelledFrames()
    {
        using var dir = new TempDirectory();
        FieldConfig c = FieldTestKit.SimConfig(dir.Path, channels: 12, hidden: 16, classes: 4);
        c.Labels.Source = FieldLabelSourceKind.File;
        c.Labels.File = "label.txt";
        c.Labels.PollMs = 0;
        c.Checkpoint.EverySamples = 0;
        var source = new PresentedClassSource(12);
        var opened = new List<SimulatedMcp3008>();
        var warnings = new List<string>();
        using var gpio = new SimulatedGpioDriver();
        using FieldSession s = FieldSession.Open(c, simulate: false, Hardware(source, opened, gpio), warnings.Add, new FlashBlockStore(1024, 16));
        Assert.IsNull(s.Rig);
        Assert.AreEqual(2, opened.Count, "12 channels open CE0 and CE1 through the front-end's factory");
        CollectionAssert.AreEqual(new[] { 0, 1 }, new[] { opened[0].ConnectionSettings.ChipSelectLine, opened[1].ConnectionSettings.ChipSelectLine });

        // No label file yet: frames are normalised and predicted, nothing is learned.
        c.Stream.MaxFrames = 40;
        s.Run(default);
        Assert.AreEqual(40, s.Field.FramesProcessed);
        Assert.AreEqual(0, s.Field.SamplesLearned);

        // The operator presents the classes one after the other and writes their labels.
        long correctBefore = 0;
        for (int round = 0; round < 80; round++)
        {
            int presented = round % 4;
            source.Presented = presented;
            File.WriteAllText(dir.Combine("label.txt"), presented + "\n");
            c.Stream.MaxFrames = 10;
            if (round == 60)
            {
                correctBefore = s.Field.CorrectPredictions;
            }

            s.Run(default);
        }

        Assert.AreEqual(800, s.Field.SamplesLearned);
        double late = (s.Field.CorrectPredictions - correctBefore) / 200.0;
        Assert.IsTrue(late >= 0.9, $"the presented classes are learned: {late:P1} over the last 200 labelled frames");
        File.WriteAllText(dir.Combine("label.txt"), "-");
        s.Run(default);
        Assert.AreEqual(800, s.Field.SamplesLearned, "'-' means no label");
        File.WriteAllText(dir.Combine("label.txt"), "7");
        s.Run(default);
        Assert.AreEqual(800, s.Field.SamplesLearned, "a class the learner does not have is not learned");
        Assert.AreEqual(1, warnings.Count, string.Join("\n", warnings));
        StringAssert.Contains(warnings[0], "holds '7', not a class in 0 .. 3");
        Assert.AreEqual(0, s.Field.Faults(Runtime.Streaming.SensorStatus.BusError) + s.Field.Faults(Runtime.Streaming.SensorStatus.Stuck) + s.Field.Faults(Runtime.Streaming.SensorStatus.RailSaturated));
    }

    [TestMethod]
    public void GpioButtonLabelSource_OneButtonHeld_ItsClass_NoneOrSeveral_NoLabel()
    {
        using var driver = new SimulatedGpioDriver();
        foreach (int pin in new[] { 5, 6, 13 })
        {
            driver.SetInput(pin, PinValue.High); // released (pull-up)
        }

        using var labels = new GpioButtonLabelSource(new GpioController(driver), new[] { 5, 6, 13 }, activeLow: true);
        Assert.AreEqual(-1, labels.NextLabel());
        driver.SetInput(6, PinValue.Low);
        Assert.AreEqual(1, labels.NextLabel());
        driver.SetInput(13, PinValue.Low);
        Assert.AreEqual(-1, labels.NextLabel(), "two buttons held: ambiguous, no label");
        driver.SetInput(6, PinValue.High);
        Assert.AreEqual(2, labels.NextLabel());
        Assert.ThrowsExactly<ArgumentException>(() => new GpioButtonLabelSource(new GpioController(driver), Array.Empty<int>(), true));
    }

    [TestMethod]
    public void FileLabelSource_ContentsAndChanges()
    {
        using var dir = new TempDirectory();
        string path = dir.Combine("label");
        var warnings = new List<string>();
        var labels = new FileLabelSource(path, 3, 0, warnings.Add);
        Assert.AreEqual(-1, labels.NextLabel(), "no file: no label");
        File.WriteAllText(path, " 2 \n");
        Assert.AreEqual(2, labels.NextLabel());
        File.WriteAllText(path, "none");
        Assert.AreEqual(-1, labels.NextLabel());
        File.WriteAllText(path, "x1");
        Assert.AreEqual(-1, labels.NextLabel());
        Assert.AreEqual(-1, labels.NextLabel());
        Assert.AreEqual(1, warnings.Count, "one warning per bad content");
        File.WriteAllText(path, "0");
        Assert.AreEqual(0, labels.NextLabel());
    }
}
