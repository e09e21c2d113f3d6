using System;
using EdgeLearn.HostSim.Images;
using EdgeLearn.Kernels;
using EdgeLearn.Runtime.Images;
using EdgeLearn.Runtime.Learners.EquilibriumPropagation;
using EdgeLearn.Runtime.Models;
using EdgeLearn.Tests.Learners;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace EdgeLearn.Tests.Images;

[TestClass]
public sealed class EquilibriumPropagationImageTests
{
    private static EquilibriumPropagationSettings ClusterSettings(WeightFormat weights, ActivationFormat activations, int bits, NudgingMode nudging) => new()
    {
        WeightFormat = weights,
        ActivationFormat = activations,
        FreeSteps = 12,
        NudgedSteps = 4,
        Beta = activations == ActivationFormat.Binary ? 1.0 : 0.3,
        Nudging = nudging,
        BatchSize = 8,
        AccumulatorBits = bits,
        Gamma = new[] { 1e-4 },
        Tau = new[] { activations == ActivationFormat.Binary ? 2e-5 : 5e-6 },
        BiasLearningRate = new[] { 0.02 },
        LearningRate = new[] { 0.05 },
        Seed = 5,
    };

    private static EquilibriumPropagationLearner NewLearner(EquilibriumPropagationSettings settings, int[] sizes, int neuronsPerClass)
    {
        var network = new EquilibriumPropagationNetwork(new NetworkDescription(sizes, neuronsPerClass), settings.WeightFormat, settings.ActivationFormat);
        network.Initialize(settings.Seed);
        return new EquilibriumPropagationLearner(network, settings, KernelSet.Reference);
    }

    private static void Train(EquilibriumPropagationLearner learner, SyntheticClusters data, int from, int to)
    {
        for (int i = from; i < to; i++)
        {
            learner.TrainSample(data.Inputs, i * data.Dimension, data.Labels[i]);
        }
    }

    [TestMethod]
    [DataRow(WeightFormat.B1, ActivationFormat.MultiBit, 16)]
    [DataRow(WeightFormat.B1, ActivationFormat.Binary, 8)]
    [DataRow(WeightFormat.S8, ActivationFormat.MultiBit, 16)]
    public void TrainExportLoad_InferenceImage_SamePredictionsAndSameBytesOnReexport(WeightFormat weights, ActivationFormat activations, int bits)
    {
        var settings = ClusterSettings(weights, activations, bits, NudgingMode.Symmetric);
        var data = new SyntheticClusters(32, 4, 300, 0.25, 3);
        var learner = NewLearner(settings, new[] { 32, 24, 4 }, 1);
        Train(learner, data, 0, 200);
        learner.EndBatch();
        var metadata = ModelImageFiles.CreateMetadata(data: "clusters", trainSamples: 200);

        byte[] image = EquilibriumPropagationImage.WriteInference(learner.Network, settings, metadata);
        Assert.IsTrue(EquilibriumPropagationImage.TryRead(image, 0, image.Length, ImageLimits.Default, out EquilibriumPropagationModel model, out ImageError error), error?.ToString());
        var original = new EquilibriumPropagationInference(learner.Network, settings.FreeSteps, KernelSet.Reference);
        var loaded = new EquilibriumPropagationInference(model.Network, model.Settings.FreeSteps, KernelSet.Reference);

        int agree = 0;
        for (int i = 0; i < data.Count; i++)
        {
            int a = original.Predict(data.Inputs, i * data.Dimension);
            int b = loaded.Predict(data.Inputs, i * data.Dimension);
            Assert.AreEqual(a, b, $"sample {i}");
            CollectionAssert.AreEqual(original.OutputLayer, loaded.OutputLayer, $"output layer of sample {i}");
            agree++;
        }

        Assert.AreEqual(data.Count, agree);
        Assert.IsFalse(model.HasLearnerState);
        CollectionAssert.AreEqual(image, EquilibriumPropagationImage.WriteInference(model.Network, model.Settings, model.Metadata));
    }

    [TestMethod]
    [DataRow(WeightFormat.B1, ActivationFormat.MultiBit, 8, NudgingMode.Symmetric)]
    [DataRow(WeightFormat.B1, ActivationFormat.MultiBit, 16, NudgingMode.RandomSign)]
    [DataRow(WeightFormat.B1, ActivationFormat.Binary, 32, NudgingMode.Symmetric)]
    [DataRow(WeightFormat.S8, ActivationFormat.MultiBit, 16, NudgingMode.RandomSign)]
    public void FullImage_ResumeMidBatch_ContinuesExactlyAsUninterruptedTraining(WeightFormat weights, ActivationFormat activations, int bits, NudgingMode nudging)
    {
        var settings = ClusterSettings(weights, activations, bits, nudging);
        var data = new SyntheticClusters(32, 4, 120, 0.25, 3);
        var uninterrupted = NewLearner(settings, new[] { 32, 24, 8 }, 2);
        var interrupted = NewLearner(settings, new[] { 32, 24, 8 }, 2);
        Train(uninterrupted, data, 0, 120);
        Train(interrupted, data, 0, 53); // 53 = 6 batches of 8 and 5 samples into the 7th

        byte[] checkpoint = EquilibriumPropagationImage.WriteFull(interrupted, null);
        var parsed = TestImages.Parse(checkpoint);
        Assert.IsTrue(EquilibriumPropagationImage.TryCreateLearner(parsed, KernelSet.Reference, out EquilibriumPropagationLearner resumed, out ImageError error), error?.ToString());
        CollectionAssert.AreEqual(checkpoint, EquilibriumPropagationImage.WriteFull(resumed, null), "re-export of the loaded learner");
        Train(resumed, data, 53, 120);

        Assert.AreEqual(uninterrupted.SamplesSeen, resumed.SamplesSeen);
        Assert.AreEqual(uninterrupted.Flips, resumed.Flips);
        CollectionAssert.AreEqual(EquilibriumPropagationImage.WriteFull(uninterrupted, null), EquilibriumPropagationImage.WriteFull(resumed, null));
    }

    [TestMethod]
    public void TryRestore_IntoExistingLearner_OverwritesEverythingAndResumesExactly()
    {
        var source = TestImages.Learner(seed: 4);
        byte[] image = EquilibriumPropagationImage.WriteFull(source, null);
        var target = TestImages.Learner(seed: 4);
        var rng = new Xoshiro128(1, 2);
        var x = new short[16];
        for (int s = 0; s < 9; s++)
        {
            for (int i = 0; i < x.Length; i++)
            {
                x[i] = (short)rng.NextBelow(32768);
            }

            target.TrainSample(x, 0, s % 4); // diverge from the source first
        }

        Assert.IsTrue(EquilibriumPropagationImage.TryRestore(TestImages.Parse(image), target, out ImageError error), error?.ToString());

        CollectionAssert.AreEqual(image, EquilibriumPropagationImage.WriteFull(target, null));
    }

    [TestMethod]
    public void TryRestore_CorruptOrIncompatibleImage_LeavesLearnerUntouched()
    {
        var learner = TestImages.Learner(seed: 4);
        byte[] before = EquilibriumPropagationImage.WriteFull(learner, null);
        var other = TestImages.Learner(seed: 4, sizes: new[] { 16, 10, 4 });
        var otherSettings = TestImages.Learner(seed: 4, bits: 32);
        byte[] badCounters = TestImages.Changed(before, b =>
        {
            // in_batch = batch size (4): structurally fine, semantically impossible; found after the state sections.
            var parsed = TestImages.Parse(before);
            var counters = parsed.Counters!;
            int at = counters.RecordOffset(counters.IndexOf(EquilibriumPropagationImage.KeyInBatch));
            b[at + 4 + "in_batch".Length] = 4;
        });

        var cases = new (byte[] Image, ImageErrorCode Code)[]
        {
            (EquilibriumPropagationImage.WriteFull(other, null), ImageErrorCode.IncompatibleModel),
            (EquilibriumPropagationImage.WriteFull(otherSettings, null), ImageErrorCode.IncompatibleModel),
            (EquilibriumPropagationImage.WriteInference(learner.Network, learner.Settings, null), ImageErrorCode.NotFullImage),
            (badCounters, ImageErrorCode.BadValue),
        };
        foreach (var (image, code) in cases)
        {
            Assert.IsTrue(ModelImage.TryParse(image, ImageLimits.Default, out ModelImage parsed, out ImageError parseError), parseError?.ToString());
            Assert.IsFalse(EquilibriumPropagationImage.TryRestore(parsed, learner, out ImageError error));
            Assert.AreEqual(code, error.Code, error.ToString());
            CollectionAssert.AreEqual(before, EquilibriumPropagationImage.WriteFull(learner, null), $"learner changed by a refused {code} image");
        }
    }

    [TestMethod]
    public void TryCreateLearner_InferenceImage_RefusedWithNotFullImage()
    {
        byte[] image = TestImages.Inference();

        Assert.IsFalse(EquilibriumPropagationImage.TryCreateLearner(TestImages.Parse(image), KernelSet.Reference, out _, out ImageError error));

        Assert.AreEqual(ImageErrorCode.NotFullImage, error.Code);
        Assert.AreEqual(ImageFormat.ImageKindOffset, error.Offset);
    }

    [TestMethod]
    public void WriteInference_SettingsOfAnotherFormat_Throws()
    {
        var learner = TestImages.Learner();
        var s8 = ImageFuzzCorpus.Settings(WeightFormat.S8, ActivationFormat.MultiBit, 16);

        Assert.ThrowsExactly<ArgumentException>(() => EquilibriumPropagationImage.WriteInference(learner.Network, s8, null));
    }
}
