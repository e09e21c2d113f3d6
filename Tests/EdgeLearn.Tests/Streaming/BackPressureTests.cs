using System.Collections.Generic;
using EdgeLearn.HostSim.Field;
using EdgeLearn.Runtime.Checkpoints;
using EdgeLearn.Runtime.Streaming;
using EdgeLearn.Tests.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace EdgeLearn.Tests.Streaming;

/// <summary>Frames arriving faster than learning: the queue keeps the newest, drops the oldest and counts it.</summary>
[TestClass]
public sealed class BackPressureTests
{
    // The inputs a fresh normaliser of time constant 2^shift produces for the given frames of CountingSource, in order.
    private static List<short[]> ExpectedInputs(int channels, int shift, params int[] frames)
    {
        var reference = new RunningNormalizer(channels, shift);
        var values = new short[channels];
        var result = new List<short[]>();
        foreach (int f in frames)
        {
            for (int c = 0; c < channels; c++)
            {
                values[c] = CountingSource.Code(f, c);
            }

            var inputs = new short[channels];
            reference.Update(values, 0, inputs, 0);
            result.Add(inputs);
        }

        return result;
    }

    [TestMethod]
    public void FieldLearner_QueueFull_OldestDroppedAndCounted()
    {
        var source = new CountingSource(3);
        var learner = new RecordingLearner(3, 16);
        var field = new FieldLearner(source, learner, new RunningNormalizer(3, 4), 3, 0, null);
        for (int k = 0; k < 10; k++)
        {
            Assert.IsTrue(field.Acquire(k));
        }

        Assert.AreEqual(10, field.FramesRead);
        Assert.AreEqual(7, field.FramesDropped);
        Assert.AreEqual(3, field.Queued);
        for (int i = 0; i < 3; i++)
        {
            Assert.IsTrue(field.LearnNext(out _));
        }

        Assert.IsFalse(field.LearnNext(out _), "the queue is empty");
        CollectionAssert.AreEqual(new[] { 7, 8, 9 }, learner.Labels, "the three newest frames are learned, oldest first");
        List<short[]> expected = ExpectedInputs(3, 4, 7, 8, 9);
        for (int i = 0; i < 3; i++)
        {
            CollectionAssert.AreEqual(expected[i], learner.Inputs[i], $"inputs of frame {7 + i}");
        }

        Assert.AreEqual(7, field.FramesDropped, "processing drops nothing");
        Assert.AreEqual(field.FramesRead, field.FramesProcessed + field.FramesDropped + field.Queued);
    }

    [TestMethod]
    public void FieldLearner_FailedReadIntoFullQueue_QueuedFramesIntact()
    {
        var source = new CountingSource(2);
        var learner = new RecordingLearner(2, 16);
        var field = new FieldLearner(source, learner, new RunningNormalizer(2, 4), 2, 0, null);
        Assert.IsTrue(field.Acquire(0));
        Assert.IsTrue(field.Acquire(1));
        source.FailNext = true;
        Assert.IsFalse(field.Acquire(2), "bus error while the queue is full");
        Assert.AreEqual(0, field.FramesDropped, "a failed read drops nothing");
        Assert.AreEqual(2, field.Queued);
        Assert.IsTrue(field.Paused);
        Assert.IsTrue(field.Acquire(3)); // frame 2 of the source: learning resumes, the full queue drops frame 0
        Assert.AreEqual(1, field.Recoveries);
        Assert.AreEqual(1, field.FramesDropped);
        Assert.IsTrue(field.LearnNext(out _));
        Assert.IsTrue(field.LearnNext(out _));
        Assert.IsFalse(field.LearnNext(out _));
        CollectionAssert.AreEqual(new[] { 1, 3 }, learner.Labels);
        List<short[]> expected = ExpectedInputs(2, 4, 1, 2);
        CollectionAssert.AreEqual(expected[0], learner.Inputs[0], "the failed read went to the spare slot, not into a queued frame");
        CollectionAssert.AreEqual(expected[1], learner.Inputs[1]);
    }

    [TestMethod]
    public void FieldLearner_FailedReadThenRecovery_QueuedFramesLearnedIntact()
    {
        var source = new CountingSource(2);
        var learner = new RecordingLearner(2, 16);
        var field = new FieldLearner(source, learner, new RunningNormalizer(2, 4), 3, 0, null);
        Assert.IsTrue(field.Acquire(0));
        Assert.IsTrue(field.Acquire(1));
        source.FailNext = true;
        Assert.IsFalse(field.Acquire(5));
        Assert.IsFalse(field.LearnNext(out _), "paused: queued frames wait for the sensor");
        Assert.IsTrue(field.Acquire(2)); // source frame 2
        for (int i = 0; i < 3; i++)
        {
            Assert.IsTrue(field.LearnNext(out _));
        }

        CollectionAssert.AreEqual(new[] { 0, 1, 2 }, learner.Labels, "the label of the failed read is never learned");
        List<short[]> expected = ExpectedInputs(2, 4, 0, 1, 2);
        for (int i = 0; i < 3; i++)
        {
            CollectionAssert.AreEqual(expected[i], learner.Inputs[i], $"frame {i}");
        }

        Assert.AreEqual(0, field.FramesDropped);
    }

    [TestMethod]
    public void FieldSession_SensorFasterThanLearning_DropsCountedAndConserved()
    {
        using var dir = new TempDirectory();
        FieldConfig c = FieldTestKit.SimConfig(dir.Path);
        c.Sensor.FrameRateHz = 200_000; // far faster than a learning step (tens of microseconds at best)
        c.Stream.Queue = 4;
        c.Stream.MaxFrames = 3000;
        c.Checkpoint.EverySamples = 0;
        using FieldSession s = FieldSession.Open(c, simulate: true, store: new FlashBlockStore(1024, 16));
        FieldRunResult r = s.Run(default);

        Assert.AreEqual(FieldStopReason.MaxFrames, r.StopReason);
        Assert.AreEqual(3000, s.Field.FramesRead);
        Assert.IsTrue(s.Field.FramesDropped > 1000, $"dropped {s.Field.FramesDropped} of 3000");
        Assert.AreEqual(s.Field.FramesRead, s.Field.FramesProcessed + s.Field.FramesDropped + s.Field.Queued, "every good frame is learned, dropped or still queued");
        Assert.IsTrue(s.Field.Queued <= 4);
        Assert.AreEqual(s.Field.FramesDropped, r.Final.Totals.FramesDropped);
    }

    [TestMethod]
    public void FieldSession_SensorSlowerThanLearning_NothingDropped()
    {
        using var dir = new TempDirectory();
        FieldConfig c = FieldTestKit.SimConfig(dir.Path);
        c.Sensor.FrameRateHz = 2000;
        c.Stream.Queue = 4096; // a stall of 2 s would be needed to drop a frame (test machines are busy)
        c.Checkpoint.EverySamples = 0;
        using FieldSession s = FieldSession.Open(c, simulate: true, store: new FlashBlockStore(1024, 16));
        c.Stream.MaxFrames = 100;
        s.Run(default); // the first steps compile the code (a stall that may overflow the queue); not measured
        long droppedAfterWarmUp = s.Field.FramesDropped;
        long processedAfterWarmUp = s.Field.FramesProcessed;
        c.Stream.MaxFrames = 200;
        FieldRunResult r = s.Run(default);

        Assert.AreEqual(300, s.Field.FramesRead);
        Assert.AreEqual(droppedAfterWarmUp, s.Field.FramesDropped);
        Assert.AreEqual(processedAfterWarmUp + 200, s.Field.FramesProcessed);
        Assert.IsTrue(r.Final.Seconds >= 0.09, $"paced at 2000 frames/s, 200 frames took {r.Final.Seconds:F3} s");
    }
}
