using System;
using System.IO;
using EdgeLearn.HostSim.Buses;
using EdgeLearn.HostSim.Field;
using EdgeLearn.HostSim.Scenes;
using EdgeLearn.Runtime.Checkpoints;
using EdgeLearn.Runtime.Learners.EquilibriumPropagation;
using EdgeLearn.Runtime.Streaming;
using EdgeLearn.Tests.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace EdgeLearn.Tests.Streaming;

/// <summary>
/// Sensor faults injected into the simulated buses and lines, read through the real Iot.Device bindings by the
/// board front-ends: learning pauses, learned state stays byte-identical, learning resumes when the sensor is back.
/// </summary>
[TestClass]
public sealed class FieldFaultInjectionTests
{
    public enum Fault
    {
        BusException,
        StuckCodes,
        RailCodes,
        MissingDataReady,
        ConversionNeverCompletes,
    }

    [TestMethod]
    [DataRow(FieldAdc.Mcp3008, Fault.BusException)]
    [DataRow(FieldAdc.Mcp3008, Fault.StuckCodes)]
    [DataRow(FieldAdc.Mcp3008, Fault.RailCodes)]
    [DataRow(FieldAdc.Mcp3008, Fault.MissingDataReady)]
    [DataRow(FieldAdc.Ads1115, Fault.BusException)]
    [DataRow(FieldAdc.Ads1115, Fault.StuckCodes)]
    [DataRow(FieldAdc.Ads1115, Fault.RailCodes)]
    [DataRow(FieldAdc.Ads1115, Fault.MissingDataReady)]
    [DataRow(FieldAdc.Ads1115, Fault.ConversionNeverCompletes)]
    public void FieldLearner_SensorFault_PausedStateByteIdenticalThenRecovers(FieldAdc adc, Fault fault)
    {
        RfFingerprintScene scene = FieldTestKit.Scene(4, 21);
        using RfSensorRig rig = adc == FieldAdc.Mcp3008 ? FieldTestKit.Mcp3008Rig(scene, 6, 22) : FieldTestKit.Ads1115Rig(scene, 22);
        EquilibriumPropagationLearner learner = FieldTestKit.Learner(6, 16, 4);
        var normalizer = new RunningNormalizer(6, 6);
        var field = new FieldLearner(rig.FrontEnd, learner, normalizer, 4, 0, null);
        for (int i = 0; i < 120; i++)
        {
            Assert.IsTrue(rig.Advance());
            Assert.IsTrue(field.Acquire(rig.Current.Label), $"warm-up frame {i}: {field.LastStatus}");
            Assert.IsTrue(field.LearnNext(out _));
        }

        byte[] before = FieldTestKit.Snapshot(learner, normalizer);
        long learnedBefore = field.SamplesLearned;
        Inject(rig, fault, true);

        // Frames read before the front-end can tell: none, except for stuck codes, which look like a good frame
        // until StuckFrameCount identical frames were seen (the detection latency of FrameHealthMonitor).
        int acceptedBeforeDetection = 0;
        while (true)
        {
            Assert.IsTrue(rig.Advance());
            if (!field.Acquire(rig.Current.Label))
            {
                break;
            }

            acceptedBeforeDetection++;
            Assert.IsTrue(field.LearnNext(out _));
            Assert.IsTrue(acceptedBeforeDetection < 20, "the fault was never detected");
        }

        SensorStatus expected = Expected(fault);
        Assert.AreEqual(expected, field.LastStatus);
        Assert.IsTrue(field.Paused);
        int stuckFrames = rig.Board.Mcp3008FrontEnd?.Settings.StuckFrameCount ?? rig.Board.Ads1115FrontEnd!.Settings.StuckFrameCount;
        int latency = fault == Fault.StuckCodes ? stuckFrames - 1 : 0;
        Assert.AreEqual(latency, acceptedBeforeDetection);
        Assert.IsFalse(field.LearnNext(out _), "learning must pause at the first faulty read");
        byte[] atDetection = FieldTestKit.Snapshot(learner, normalizer);
        if (latency == 0)
        {
            CollectionAssert.AreEqual(before, atDetection, "a fault detected on its first read must leave the learned state untouched");
        }

        long learnedAtDetection = field.SamplesLearned;
        long normalizedAtDetection = normalizer.Frames;
        // The binding's own conversion timeout is wall-clock time: fewer reads for that fault keep the test fast.
        int faulty = fault == Fault.ConversionNeverCompletes ? 3 : 30;
        for (int i = 0; i < faulty; i++)
        {
            Assert.IsTrue(rig.Advance());
            Assert.IsFalse(field.Acquire(rig.Current.Label));
            Assert.AreEqual(expected, field.LastStatus);
            Assert.IsFalse(field.LearnNext(out _));
        }

        CollectionAssert.AreEqual(atDetection, FieldTestKit.Snapshot(learner, normalizer), "weights, learner state and normaliser statistics must be byte-identical across the fault");
        Assert.AreEqual(faulty + 1, field.Faults(expected));
        Assert.AreEqual(learnedAtDetection, field.SamplesLearned);
        Assert.AreEqual(normalizedAtDetection, normalizer.Frames);
        Assert.AreEqual(learnedBefore + latency, learnedAtDetection);
        Assert.AreEqual(0, field.Recoveries);

        Inject(rig, fault, false);
        Assert.IsTrue(rig.Advance());
        Assert.IsTrue(field.Acquire(rig.Current.Label), $"recovery read: {field.LastStatus}");
        Assert.IsFalse(field.Paused);
        Assert.AreEqual(1, field.Recoveries);
        Assert.IsTrue(field.LearnNext(out _));
        Assert.AreEqual(learnedAtDetection + 1, field.SamplesLearned);
        Assert.AreEqual(normalizedAtDetection + 1, normalizer.Frames);
        for (int i = 0; i < 8; i++)
        {
            Assert.IsTrue(rig.Advance());
            Assert.IsTrue(field.Acquire(rig.Current.Label));
            Assert.IsTrue(field.LearnNext(out _));
        }

        CollectionAssert.AreNotEqual(atDetection, FieldTestKit.Snapshot(learner, normalizer), "learning must resume after the fault");
    }

    [TestMethod]
    public void FieldSession_ScheduledFaults_EachCountedStateUntouchedLearningGoesOn()
    {
        using var dir = new TempDirectory();
        FieldConfig c = FieldTestKit.SimConfig(dir.Path, channels: 8, hidden: 24, classes: 4);
        c.Sensor.DataReadyPin = 17;
        c.Sensor.DataReadyTimeoutMs = 1;
        c.Checkpoint.EverySamples = 0;
        // Frames 0..399 good, then one window per fault kind with good frames between them.
        c.Simulation.Faults.Add(new FieldFaultConfig { Kind = FieldFaultKind.Bus, FromFrame = 400, Frames = 50 });
        c.Simulation.Faults.Add(new FieldFaultConfig { Kind = FieldFaultKind.Rail, FromFrame = 500, Frames = 50 });
        c.Simulation.Faults.Add(new FieldFaultConfig { Kind = FieldFaultKind.NotReady, FromFrame = 600, Frames = 20 });
        c.Simulation.Faults.Add(new FieldFaultConfig { Kind = FieldFaultKind.Stuck, FromFrame = 700, Frames = 50 });
        var flash = new FlashBlockStore(1024, 16);
        using FieldSession s = FieldSession.Open(c, simulate: true, store: flash);
        s.Config.Stream.MaxFrames = 400;
        s.Run(default);
        byte[] beforeBus = FieldTestKit.Snapshot(s.Learner, s.Normalizer);
        s.Config.Stream.MaxFrames = 50;
        s.Run(default);
        Assert.IsTrue(s.Field.Paused);
        CollectionAssert.AreEqual(beforeBus, FieldTestKit.Snapshot(s.Learner, s.Normalizer), "bus fault window");
        s.Run(default); // 450..499 good again
        Assert.IsFalse(s.Field.Paused);
        byte[] beforeRail = FieldTestKit.Snapshot(s.Learner, s.Normalizer);
        s.Run(default); // 500..549 rail
        CollectionAssert.AreEqual(beforeRail, FieldTestKit.Snapshot(s.Learner, s.Normalizer), "rail fault window");
        s.Run(default); // 550..599 good
        byte[] beforeNotReady = FieldTestKit.Snapshot(s.Learner, s.Normalizer);
        s.Config.Stream.MaxFrames = 20;
        s.Run(default); // 600..619 data-ready missing
        CollectionAssert.AreEqual(beforeNotReady, FieldTestKit.Snapshot(s.Learner, s.Normalizer), "data-ready window");
        s.Config.Stream.MaxFrames = 1000;
        FieldRunResult end = s.Run(default); // 620..1619, with the stuck window at 700..749

        Assert.AreEqual(50, s.Field.Faults(SensorStatus.BusError));
        Assert.AreEqual(50, s.Field.Faults(SensorStatus.RailSaturated));
        Assert.AreEqual(20, s.Field.Faults(SensorStatus.NotReady));
        Assert.AreEqual(50 - 7, s.Field.Faults(SensorStatus.Stuck), "stuck is reported from the 8th identical frame on");
        Assert.AreEqual(4, s.Field.Recoveries);
        Assert.AreEqual(1620 - 50 - 50 - 20 - 43, s.Field.FramesRead);
        Assert.AreEqual(s.Field.FramesRead, s.Field.SamplesLearned);
        Assert.AreEqual(163, end.Final.Totals.FaultyFrames);
        Assert.IsTrue(s.Field.RecentAccuracy > 0.8, $"learning went on after the faults: recent accuracy {s.Field.RecentAccuracy:P1}");
    }

    private static SensorStatus Expected(Fault fault) => fault switch
    {
        Fault.BusException => SensorStatus.BusError,
        Fault.StuckCodes => SensorStatus.Stuck,
        Fault.RailCodes => SensorStatus.RailSaturated,
        _ => SensorStatus.NotReady,
    };

    private static void Inject(RfSensorRig rig, Fault fault, bool on)
    {
        SimulatedBoard b = rig.Board;
        foreach (SimulatedMcp3008 chip in b.Mcp3008Chips)
        {
            Set(chip.Faults, fault, on, 600);
        }

        foreach (SimulatedAds1115 chip in b.Ads1115Chips)
        {
            Set(chip.Faults, fault, on, 1234);
        }

        if (fault == Fault.MissingDataReady)
        {
            b.SetDataReadyMissing(on);
        }
    }

    private static void Set(AdcFaults f, Fault fault, bool on, int stuckCode)
    {
        switch (fault)
        {
            case Fault.BusException: f.FailAllTransfers = on; break;
            case Fault.StuckCodes: f.StuckCode = on ? stuckCode : null; break;
            case Fault.RailCodes: f.Rail = on ? RailFault.Low : RailFault.None; break;
            case Fault.ConversionNeverCompletes: f.ConversionNeverCompletes = on; break;
        }
    }
}
