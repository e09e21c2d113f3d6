// Unlabelled frames in the field loop: learned from when the learner can (IUnlabelledLearner), predicted otherwise;
// checkpoints count every learned frame.
using System.Collections.Generic;
using EdgeLearn.Runtime.Learners;
using EdgeLearn.Runtime.Streaming;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace EdgeLearn.Tests.Streaming;

[TestClass]
public sealed class UnlabelledFieldLearningTests
{
    [TestMethod]
    public void FieldLearner_UnlabelledLearner_LearnsUnlabelledFramesAndCheckpointsOnEveryLearnedFrame()
    {
        var source = new CountingSource(3);
        var learner = new SelfLearningRecorder(3, 4) { ReadyAfterLabels = 1 };
        var checkpoints = new CountingCheckpoints();
        var field = new FieldLearner(source, learner, new RunningNormalizer(3, 4), 4, 3, checkpoints);
        Assert.IsTrue(field.LearnsFromUnlabelled);
        int[] labels = { -1, 0, -1, 1, -1, -1, 2, -1, -1 };
        foreach (int label in labels)
        {
            Assert.IsTrue(field.Acquire(label));
            Assert.IsTrue(field.LearnNext(out int _));
        }

        // Frame 0 comes before the warm-up (predicted only); frames 2, 4, 5, 7, 8 are learned unlabelled.
        CollectionAssert.AreEqual(new[] { 0, 1, 2 }, learner.Labels);
        Assert.AreEqual(5, learner.Unlabelled);
        Assert.AreEqual(1, learner.Predictions, "the unlabelled frame before the warm-up");
        Assert.AreEqual(3L, field.SamplesLearned);
        Assert.AreEqual(5L, field.SamplesSelfLearned);
        Assert.AreEqual(9L, field.FramesProcessed);
        CollectionAssert.AreEqual(new long[] { 3, 6 }, checkpoints.Calls, "every 3 learned frames, labelled or not");
        Assert.AreEqual(2L, field.CheckpointsWritten);
    }

    [TestMethod]
    public void FieldLearner_SupervisedOnlyLearner_PredictsUnlabelledFrames()
    {
        var source = new CountingSource(3);
        var learner = new RecordingLearner(3, 4);
        var field = new FieldLearner(source, learner, new RunningNormalizer(3, 4), 4, 0, null);
        Assert.IsFalse(field.LearnsFromUnlabelled);
        foreach (int label in new[] { -1, 2, -1 })
        {
            field.Acquire(label);
            field.LearnNext(out int _);
        }

        CollectionAssert.AreEqual(new[] { 2 }, learner.Labels);
        Assert.AreEqual(0L, field.SamplesSelfLearned);
        Assert.AreEqual(1L, field.SamplesLearned);
    }

    private sealed class CountingCheckpoints : ICheckpointWriter
    {
        public List<long> Calls { get; } = new();

        public void WriteCheckpoint(long samplesLearned) => Calls.Add(samplesLearned);
    }

    private sealed class SelfLearningRecorder : ISupervisedLearner, IUnlabelledLearner
    {
        public SelfLearningRecorder(int inputs, int classes)
        {
            InputSize = inputs;
            ClassCount = classes;
        }

        public int InputSize { get; }

        public int ClassCount { get; }

        public int ReadyAfterLabels { get; init; }

        public List<int> Labels { get; } = new();

        public int Unlabelled { get; private set; }

        public int Predictions { get; private set; }

        public int TrainSample(short[] x, int offset, int label)
        {
            Labels.Add(label);
            return 0;
        }

        public bool LearnUnlabelled(short[] x, int offset, out int prediction)
        {
            prediction = 0;
            if (Labels.Count < ReadyAfterLabels)
            {
                Predictions++;
                return false;
            }

            Unlabelled++;
            return true;
        }

        public void EndBatch()
        {
        }

        public int Predict(short[] x, int offset)
        {
            Predictions++;
            return 0;
        }
    }
}
