// SemiSupervisedClassifier: labelled steps are exactly supervised EP, unlabelled steps learn with self-defined
// targets after the warm-up, and the homeostasis state can be saved and restored.
using System;
using EdgeLearn.Kernels;
using EdgeLearn.Runtime.Images;
using EdgeLearn.Runtime.Learners.EquilibriumPropagation;
using EdgeLearn.Runtime.Learners.SelfDefinedTargets;
using EdgeLearn.Tests.Streaming;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace EdgeLearn.Tests.Learners;

[TestClass]
public sealed class SemiSupervisedClassifierTests
{
    private static SelfDefinedTargetSettings Streaming(int winners = 1) => new()
    {
        Winners = winners,
        Smoothing = 0,
        HomeostasisRate = 0.05,
        Mode = HomeostasisMode.Streaming,
        BatchSize = 4,
        AverageRate = 1.0 / 16,
    };

    [TestMethod]
    public void LabelledSamples_BitForBitSupervisedEquilibriumPropagation()
    {
        var data = new SyntheticClusters(16, 4, 120, 0.2, 3);
        EquilibriumPropagationLearner plain = FieldTestKit.Learner(16, 12, 4);
        EquilibriumPropagationLearner wrapped = FieldTestKit.Learner(16, 12, 4);
        var classifier = new SemiSupervisedClassifier(new EquilibriumPropagationTargetLearner(wrapped), 4, Streaming());
        for (int i = 0; i < data.Count; i++)
        {
            int expected = plain.TrainSample(data.Inputs, i * 16, data.Labels[i]);
            Assert.AreEqual(expected, classifier.TrainSample(data.Inputs, i * 16, data.Labels[i]), $"prediction before learning, sample {i}");
        }

        plain.EndBatch();
        classifier.EndBatch();
        Assert.IsGreaterThan(0L, plain.Flips, "the run must learn something for the comparison to mean anything");
        CollectionAssert.AreEqual(EquilibriumPropagationImage.WriteFull(plain, null), EquilibriumPropagationImage.WriteFull(wrapped, null));
        Assert.AreEqual(data.Count, classifier.LabelledSamples);
        Assert.AreEqual(0L, classifier.UnlabelledSamples);
        for (int i = 0; i < data.Count; i++)
        {
            Assert.AreEqual(plain.Predict(data.Inputs, i * 16), classifier.Predict(data.Inputs, i * 16));
        }
    }

    [TestMethod]
    public void UnlabelledSamples_OnlyPredictedDuringWarmUp_LearnedAfter()
    {
        var data = new SyntheticClusters(16, 4, 60, 0.2, 4);
        EquilibriumPropagationLearner ep = FieldTestKit.Learner(16, 12, 4);
        var classifier = new SemiSupervisedClassifier(new EquilibriumPropagationTargetLearner(ep), 4, Streaming()) { WarmUpLabelledSamples = 8 };
        Homeostasis h = classifier.Provider.SelfDefined.Homeostasis;
        byte[] before = EquilibriumPropagationImage.WriteFull(ep, null);
        for (int i = 0; i < 10; i++)
        {
            Assert.IsFalse(classifier.LearnUnlabelled(data.Inputs, i * 16, out int p));
            Assert.AreEqual(ep.Predict(data.Inputs, i * 16), p);
        }

        CollectionAssert.AreEqual(before, EquilibriumPropagationImage.WriteFull(ep, null), "nothing learned during the warm-up");
        Assert.AreEqual(0L, h.Updates);
        for (int i = 0; i < 8; i++)
        {
            classifier.TrainSample(data.Inputs, i * 16, data.Labels[i]);
        }

        Assert.AreEqual(0L, h.Updates, "labelled targets never reach the homeostasis");
        long seen = ep.SamplesSeen;
        for (int i = 8; i < data.Count; i++)
        {
            Assert.IsTrue(classifier.LearnUnlabelled(data.Inputs, i * 16, out int _));
        }

        Assert.AreEqual(data.Count - 8L, classifier.UnlabelledSamples);
        Assert.AreEqual(data.Count - 8L, h.Updates, "streaming homeostasis moves after every self-defined target");
        Assert.AreEqual(seen + data.Count - 8, ep.SamplesSeen);
        Assert.IsFalse(Array.TrueForAll(h.Values, v => v == 0), "H moved");
    }

    [TestMethod]
    public void BadArguments_ClearErrors()
    {
        EquilibriumPropagationLearner ep = FieldTestKit.Learner(16, 12, 4);
        var target = new EquilibriumPropagationTargetLearner(ep);
        Assert.ThrowsExactly<ArgumentNullException>(() => new SemiSupervisedClassifier(null!, 4, Streaming()));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new SemiSupervisedClassifier(target, 3, Streaming()));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new SemiSupervisedClassifier(target, 4, Streaming(winners: 5)));
        var classifier = new SemiSupervisedClassifier(target, 4, Streaming());
        var x = new short[16];
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => classifier.TrainSample(x, 0, 4));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => classifier.TrainSample(x, 0, -1));
    }

    [TestMethod]
    public void Homeostasis_RestoreSavedState_ContinuesIdentically_MismatchChangesNothing()
    {
        var a = new SelfDefinedTargetProvider(6, Streaming(2));
        var b = new SelfDefinedTargetProvider(6, Streaming(2));
        var rng = new Xoshiro128(9, 0);
        var y = new short[6];
        var t = new short[6];
        void Step(SelfDefinedTargetProvider p, short[] output)
        {
            p.FillTarget(output, 0, -1, t, 0);
        }

        for (int s = 0; s < 50; s++)
        {
            for (int j = 0; j < 6; j++)
            {
                y[j] = (short)rng.NextBelow(32768);
            }

            Step(a, y);
        }

        Homeostasis ha = a.Homeostasis;
        Homeostasis hb = b.Homeostasis;
        int[] badValues = new int[5];
        Assert.ThrowsExactly<ArgumentException>(() => hb.Restore(badValues, (int[])ha.Averages.Clone(), 1));
        Assert.ThrowsExactly<ArgumentException>(() => hb.Restore((int[])ha.Values.Clone(), null!, 1));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => hb.Restore((int[])ha.Values.Clone(), (int[])ha.Averages.Clone(), -1));
        CollectionAssert.AreEqual(new int[6], hb.Values, "a refused restore changes nothing");

        hb.Restore((int[])ha.Values.Clone(), (int[])ha.Averages.Clone(), ha.Updates);
        for (int s = 0; s < 30; s++)
        {
            for (int j = 0; j < 6; j++)
            {
                y[j] = (short)rng.NextBelow(32768);
            }

            a.FillTarget(y, 0, -1, t, 0);
            var tb = new short[6];
            b.FillTarget(y, 0, -1, tb, 0);
            CollectionAssert.AreEqual(t, tb, $"target {s} after the restore");
        }

        CollectionAssert.AreEqual(ha.Values, hb.Values);
        CollectionAssert.AreEqual(ha.Averages, hb.Averages);
        Assert.AreEqual(ha.Updates, hb.Updates);
    }
}
