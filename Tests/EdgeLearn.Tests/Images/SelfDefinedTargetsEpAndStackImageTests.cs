using System;
using System.IO;
using System.Text.Json;
using EdgeLearn.HostSim;
using EdgeLearn.HostSim.Cli;
using EdgeLearn.HostSim.Images;
using EdgeLearn.Kernels;
using EdgeLearn.Runtime.Images;
using EdgeLearn.Runtime.Learners.EquilibriumPropagation;
using EdgeLearn.Runtime.Learners.SelfDefinedTargets;
using EdgeLearn.Runtime.Models;
using EdgeLearn.Tests.Data;
using EdgeLearn.Tests.Learners;
using EdgeLearn.Tests.Support;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace EdgeLearn.Tests.Images;

/// <summary>sdt images of rule 2 (self-defined targets driving an EP network) and rule 3 (the delta-rule stack).</summary>
[TestClass]
public sealed class SelfDefinedTargetsEpAndStackImageTests
{
    private const int Inputs = 24;
    private const int Classes = 4;

    private static SyntheticClusters Data(int count = 120) => new(Inputs, Classes, count, 0.25, 3);

    private static ITargetProvider Targets(SelfDefinedTargetProvider provider, bool semi)
        => semi ? new SemiSupervisedTargetProvider(new SupervisedTargetProvider(provider.OutputSize, provider.OutputSize / Classes, provider.Settings.Smoothing), provider) : provider;

    // An EP network driven by self-defined targets: 24-12 unsupervised, or 24-10-8 semi-supervised (2 neurons per class).
    private sealed class EpRun
    {
        public EpRun(WeightFormat weights, ActivationFormat activations, int bits, NudgingMode nudging, HomeostasisMode mode, bool semi, double tau = 1e-5)
        {
            Semi = semi;
            int[] sizes = semi ? new[] { Inputs, 10, 2 * Classes } : new[] { Inputs, 12 };
            int outputs = sizes[^1];
            var settings = new EquilibriumPropagationSettings
            {
                WeightFormat = weights,
                ActivationFormat = activations,
                FreeSteps = 6,
                NudgedSteps = 3,
                Beta = activations == ActivationFormat.Binary ? 2.0 : 0.3,
                Nudging = nudging,
                BatchSize = 5,
                AccumulatorBits = bits,
                Gamma = new[] { 1e-3, 1e-4 },
                Tau = new[] { tau },
                BiasLearningRate = new[] { 0.02 },
                LearningRate = new[] { 0.05 },
                Seed = 7,
            };
            var network = new EquilibriumPropagationNetwork(new NetworkDescription(sizes, semi ? 2 : 1), weights, activations);
            network.Initialize(7);
            Learner = new EquilibriumPropagationLearner(network, settings, KernelSet.Reference);
            var targets = new SelfDefinedTargetSettings
            {
                Winners = semi ? 1 : 2,
                Smoothing = 0.1,
                HomeostasisRate = 0.3,
                Mode = mode,
                BatchSize = 4, // not the learner's 5: the two batches end at different samples
                AverageRate = 0.125,
                LeakShift = mode == HomeostasisMode.Streaming ? 6 : 0,
            };
            Provider = new SelfDefinedTargetProvider(outputs, targets);
            Association = new DirectAssociation(outputs, Classes);
            Trainer = new SelfDefinedTargetsTrainer(new EquilibriumPropagationTargetLearner(Learner), Targets(Provider, semi));
        }

        public bool Semi { get; }

        public EquilibriumPropagationLearner Learner { get; }

        public SelfDefinedTargetProvider Provider { get; }

        public DirectAssociation Association { get; }

        public SelfDefinedTargetsTrainer Trainer { get; }

        public void Train(SyntheticClusters data, int from, int to) => SelfDefinedTargetsRuns.Train(Trainer, data, from, to, Semi);

        public void Associate(SyntheticClusters data) => SelfDefinedTargetsRuns.Associate(Trainer, Association, data, Semi);

        public byte[] Full() => SelfDefinedTargetsImage.WriteFull(Learner, Provider, Association, Semi, null);

        public byte[] Inference(ImageRecords? metadata = null) => SelfDefinedTargetsImage.WriteInference(Learner.Network, Learner.Settings, Provider.Settings, Association, Semi, metadata);
    }

    // A delta-rule stack: a 24-10 feature layer trained without labels, then a 10-8 head (semi-supervised class groups of 2,
    // or unsupervised with a direct association) on its responses.
    private sealed class StackRun
    {
        public StackRun(bool semi, int headBatch = 5)
        {
            Semi = semi;
            var featureTargets = new SelfDefinedTargetSettings { Winners = 2, Smoothing = 0, HomeostasisRate = 0.3, Mode = HomeostasisMode.MiniBatch, BatchSize = 4 };
            Feature = new DeltaRuleLearner(Inputs, 10, new DeltaRuleSettings { BatchSize = 6, LearningRate = 0.05, BiasLearningRate = 0.04, Seed = 5 }, KernelSet.Reference);
            FeatureProvider = new SelfDefinedTargetProvider(10, featureTargets);
            FeatureTrainer = new SelfDefinedTargetsTrainer(Feature, FeatureProvider);
            var targets = new SelfDefinedTargetSettings { Winners = semi ? 1 : 2, Smoothing = 0.1, HomeostasisRate = 0.2, Mode = HomeostasisMode.Streaming, AverageRate = 0.25, LeakShift = 5 };
            Head = new DeltaRuleLearner(10, 2 * Classes, new DeltaRuleSettings { BatchSize = headBatch, LearningRate = 0.1, BiasLearningRate = 0.05, Seed = 6 }, KernelSet.Reference);
            Provider = new SelfDefinedTargetProvider(2 * Classes, targets);
            Association = new DirectAssociation(2 * Classes, Classes);
            Trainer = new SelfDefinedTargetsTrainer(new StackedTargetLearner(Feature, Head), Targets(Provider, semi));
        }

        public bool Semi { get; }

        public DeltaRuleLearner Feature { get; }

        public SelfDefinedTargetProvider FeatureProvider { get; }

        public SelfDefinedTargetsTrainer FeatureTrainer { get; }

        public DeltaRuleLearner Head { get; }

        public SelfDefinedTargetProvider Provider { get; }

        public DirectAssociation Association { get; }

        public SelfDefinedTargetsTrainer Trainer { get; }

        public void TrainFeature(SyntheticClusters data, int from, int to) => SelfDefinedTargetsRuns.Train(FeatureTrainer, data, from, to, false);

        public void TrainHead(SyntheticClusters data, int from, int to) => SelfDefinedTargetsRuns.Train(Trainer, data, from, to, Semi);

        public void Associate(SyntheticClusters data) => SelfDefinedTargetsRuns.Associate(Trainer, Association, data, Semi);

        public byte[] Full() => SelfDefinedTargetsImage.WriteFull(Feature, FeatureProvider, Head, Provider, Association, Semi, null);

        public byte[] Inference(ImageRecords? metadata = null) => SelfDefinedTargetsImage.WriteInference(Feature, FeatureProvider.Settings, Head, Provider.Settings, Association, Semi, metadata);
    }

    private static EpRun TrainedEp(bool semi, int samples = 120)
    {
        var data = Data(samples);
        var run = new EpRun(WeightFormat.B1, ActivationFormat.MultiBit, 16, NudgingMode.Symmetric, HomeostasisMode.MiniBatch, semi);
        run.Train(data, 0, samples - 7); // mid-batch for learner (5) and homeostasis (4)
        run.Associate(data);
        return run;
    }

    private static StackRun TrainedStack(bool semi)
    {
        var data = Data();
        var run = new StackRun(semi);
        run.TrainFeature(data, 0, 100);
        run.TrainHead(data, 0, 113);
        run.Associate(data);
        return run;
    }

    private static ImageError Refuse(byte[] image)
    {
        bool ok = ModelImage.TryParse(image, 0, image.Length, ImageLimits.Default, out ModelImage parsed, out ImageError error)
            && SelfDefinedTargetsImage.TryRead(parsed, KernelSet.Reference, out _, out error);
        Assert.IsFalse(ok, "the image was accepted");
        Assert.IsNotNull(error);
        return error;
    }

    private static void SetInt32(byte[] image, int at, int value) => BitConverter.GetBytes(value).CopyTo(image, at);

    // Offset of the value of record `key` in the records section of `type`.
    private static int RecordValue(byte[] image, int type, string key)
    {
        var parsed = TestImages.Parse(image);
        ImageRecords r = type == ImageSectionTypes.Hyperparameters ? parsed.Hyperparameters : parsed.Counters;
        int i = r.IndexOf(key);
        Assert.IsTrue(i >= 0, key);
        return r.RecordOffset(i) + 4 + key.Length;
    }

    // ------------------------------------------------------------------ rule 2: EP

    [TestMethod]
    [DataRow(false, ActivationFormat.MultiBit)]
    [DataRow(true, ActivationFormat.MultiBit)]
    [DataRow(true, ActivationFormat.Binary)]
    public void WriteInference_EpNetwork_SameResponsesPredictionsAndBytesOnReexport(bool semi, ActivationFormat activations)
    {
        var data = Data();
        var run = new EpRun(WeightFormat.B1, activations, 16, NudgingMode.Symmetric, HomeostasisMode.MiniBatch, semi);
        run.Train(data, 0, data.Count);
        run.Trainer.EndBatch();
        run.Associate(data);
        var metadata = ModelImageFiles.CreateMetadata(data: "clusters", trainSamples: data.Count);

        byte[] image = run.Inference(metadata);
        Assert.IsTrue(SelfDefinedTargetsImage.TryRead(image, 0, image.Length, ImageLimits.Default, KernelSet.Reference, out SelfDefinedTargetsModel model, out ImageError error), error?.ToString());

        Assert.AreEqual(SelfDefinedTargetsImage.RuleEquilibriumPropagation, model.Rule);
        Assert.IsFalse(model.HasLearnerState);
        Assert.IsNull(model.Layer);
        Assert.AreEqual(semi, model.SemiSupervised);
        Assert.IsTrue(run.Learner.Flips > 0, "the network never changed: the test would compare initial weights");
        int correct = 0;
        var distinct = new System.Collections.Generic.HashSet<string>();
        for (int i = 0; i < data.Count; i++)
        {
            short[] original = (short[])run.Trainer.Respond(data.Inputs, i * Inputs).Clone();
            CollectionAssert.AreEqual(original, model.Respond(data.Inputs, i * Inputs), $"response to sample {i}");
            distinct.Add(string.Join(",", original));
            int predicted = model.Predict(data.Inputs, i * Inputs);
            Assert.AreEqual(run.Association.Predict(original, 0), predicted, $"sample {i}");
            correct += predicted == data.Labels[i] ? 1 : 0;
        }

        Console.WriteLine($"{correct} of {data.Count} right, {distinct.Count} distinct responses, {model.Association.AssignedNeurons} neurons assigned");
        // The comparison is only worth something when the responses differ between samples and the map is not empty.
        Assert.IsTrue(distinct.Count >= 4, $"{distinct.Count} distinct responses");
        Assert.IsTrue(model.Association.AssignedNeurons >= 2, $"{model.Association.AssignedNeurons} neurons assigned");
        Assert.IsTrue(!semi || correct > data.Count / Classes, $"{correct} of {data.Count} right: no better than chance");
        CollectionAssert.AreEqual(image, SelfDefinedTargetsImage.WriteInference(model));
        CollectionAssert.AreEqual(image, SelfDefinedTargetsImage.WriteInference(model.Network, model.NetworkSettings, model.Targets, model.Association, model.SemiSupervised, model.Metadata));
        Assert.IsTrue(model.InferenceMemory.Persistent > model.Network.PersistentBytes);
    }

    [TestMethod]
    [DataRow(WeightFormat.B1, 16, NudgingMode.Symmetric, HomeostasisMode.MiniBatch, false)]
    [DataRow(WeightFormat.B1, 8, NudgingMode.RandomSign, HomeostasisMode.MiniBatch, true)]
    [DataRow(WeightFormat.B1, 32, NudgingMode.Symmetric, HomeostasisMode.Streaming, true)]
    [DataRow(WeightFormat.S8, 16, NudgingMode.RandomSign, HomeostasisMode.Streaming, false)]
    public void FullImage_EpResumeMidBatch_ContinuesExactlyAsUninterruptedTraining(WeightFormat weights, int bits, NudgingMode nudging, HomeostasisMode mode, bool semi)
    {
        var data = Data();
        var uninterrupted = new EpRun(weights, ActivationFormat.MultiBit, bits, nudging, mode, semi);
        var interrupted = new EpRun(weights, ActivationFormat.MultiBit, bits, nudging, mode, semi);
        uninterrupted.Train(data, 0, 120);
        interrupted.Train(data, 0, 53); // 10 learner batches of 5 and 3 into the 11th; homeostasis 13 of 4 and 1
        interrupted.Associate(data);

        byte[] checkpoint = interrupted.Full();
        Assert.IsTrue(SelfDefinedTargetsImage.TryCreateLearner(TestImages.Parse(checkpoint), KernelSet.Reference, out SelfDefinedTargetsModel model, out ImageError error), error?.ToString());
        Assert.AreEqual(53, model.NetworkLearner.SamplesSeen);
        CollectionAssert.AreEqual(checkpoint, SelfDefinedTargetsImage.WriteFull(model), "re-export of the loaded learner");
        SelfDefinedTargetsTrainer resumed = model.CreateTrainer();
        for (int i = 53; i < 120; i++)
        {
            resumed.TrainSample(data.Inputs, i * Inputs, SelfDefinedTargetsRuns.Label(data, i, semi));
        }

        Assert.AreEqual(120, model.NetworkLearner.SamplesSeen);
        Assert.AreEqual(uninterrupted.Learner.Flips, model.NetworkLearner.Flips);
        CollectionAssert.AreEqual(uninterrupted.Provider.Homeostasis.Values, model.Provider.Homeostasis.Values);
        for (int l = 0; l < model.Network.Description.WeightLayerCount; l++)
        {
            CollectionAssert.AreEqual(uninterrupted.Learner.Network.Biases[l], model.Network.Biases[l], $"biases of layer {l}");
        }

        uninterrupted.Associate(data);
        CollectionAssert.AreEqual(uninterrupted.Full(), SelfDefinedTargetsImage.WriteFull(model.NetworkLearner, model.Provider, uninterrupted.Association, semi, null), "parameters, state, counters and generators after resuming");
    }

    [TestMethod]
    public void FullImage_EpWithHiddenLayer_HiddenHomeostasisSectionsAreZeroAndChecked()
    {
        var run = TrainedEp(semi: true);
        byte[] full = run.Full();
        var parsed = TestImages.Parse(full);
        Assert.AreEqual(3, parsed.Description.LayerCount);

        int hidden = TestImages.Payload(full, ImageSectionTypes.HomeostasisS32, 0);
        Assert.AreEqual(40, parsed.SectionLength(parsed.FindSection(ImageSectionTypes.HomeostasisS32, 0)));
        for (int k = 0; k < 40; k += 4)
        {
            Assert.AreEqual(0, BitConverter.ToInt32(full, hidden + k));
        }

        ImageError e = Refuse(TestImages.Changed(full, b => SetInt32(b, hidden + 8, 1)));
        Assert.AreEqual(ImageErrorCode.BadValue, e.Code);
        Assert.AreEqual(hidden + 8, e.Offset);
        int trace = TestImages.Payload(full, ImageSectionTypes.HomeostasisTraceS32, 0);
        Assert.AreEqual(ImageErrorCode.BadValue, Refuse(TestImages.Changed(full, b => SetInt32(b, trace, -3))).Code);
        int output = TestImages.Payload(full, ImageSectionTypes.HomeostasisS32, 1);
        CollectionAssert.AreEqual(run.Provider.Homeostasis.Values, ReadInts(full, output, 8), "the output layer's thresholds");
    }

    private static int[] ReadInts(byte[] image, int at, int count)
    {
        var r = new int[count];
        for (int i = 0; i < count; i++)
        {
            r[i] = BitConverter.ToInt32(image, at + 4 * i);
        }

        return r;
    }

    [TestMethod]
    public void TryRead_DamagedOrMismatchedEpImages_RefusedWithTheSpecificError()
    {
        var run = TrainedEp(semi: true);
        byte[] full = run.Full();
        byte[] inference = run.Inference();

        Assert.AreEqual(ImageErrorCode.Truncated, Refuse(full.AsSpan(0, full.Length - 8).ToArray()).Code);
        var flipped = (byte[])full.Clone();
        flipped[TestImages.Payload(full, ImageSectionTypes.WeightsB1, 1) + 2] ^= 0x04;
        Assert.AreEqual(ImageErrorCode.SectionCrcMismatch, Refuse(TestImages.Changed(flipped, _ => { }, sections: false)).Code);

        // The rule must match MODEL: rule 1 holds 2 widths, rule 3 s16 weights; 4 is not a rule.
        int rule = RecordValue(full, ImageSectionTypes.Hyperparameters, SelfDefinedTargetsImage.KeyRule);
        Assert.AreEqual(ImageErrorCode.BadArchitecture, Refuse(TestImages.Changed(full, b => SetInt32(b, rule, 1))).Code);
        Assert.AreEqual(ImageErrorCode.UnsupportedFormat, Refuse(TestImages.Changed(full, b => SetInt32(b, rule, 3))).Code);
        Assert.AreEqual(ImageErrorCode.BadValue, Refuse(TestImages.Changed(full, b => SetInt32(b, rule, 4))).Code);

        // EP values checked by the bep code, sdt values by the sdt code.
        int sign = RecordValue(full, ImageSectionTypes.LearnerCounters, EquilibriumPropagationImage.KeyBatchSign);
        Assert.AreEqual(ImageErrorCode.BadValue, Refuse(TestImages.Changed(full, b => SetInt32(b, sign, 0))).Code);
        int accumulators = RecordValue(full, ImageSectionTypes.Hyperparameters, EquilibriumPropagationImage.KeyAccumulatorBits);
        Assert.AreEqual(ImageErrorCode.BadValue, Refuse(TestImages.Changed(full, b => SetInt32(b, accumulators, 12))).Code);
        int pending = RecordValue(full, ImageSectionTypes.LearnerCounters, SelfDefinedTargetsImage.KeyHomeostasisPending);
        Assert.AreEqual(ImageErrorCode.BadValue, Refuse(TestImages.Changed(full, b => SetInt32(b, pending, 4))).Code);
        int inBatch = RecordValue(full, ImageSectionTypes.LearnerCounters, SelfDefinedTargetsImage.KeyInBatch);
        Assert.AreEqual(ImageErrorCode.BadValue, Refuse(TestImages.Changed(full, b => SetInt32(b, inBatch, 5))).Code);
        int map = TestImages.Payload(full, ImageSectionTypes.ClassMapS32, 0);
        ImageError e = Refuse(TestImages.Changed(full, b => SetInt32(b, map + 8, 0)));
        Assert.AreEqual(ImageErrorCode.BadValue, e.Code);
        Assert.AreEqual(map + 8, e.Offset);
        int model = TestImages.Payload(full, ImageSectionTypes.Model, 0);
        Assert.AreEqual(ImageErrorCode.BadArchitecture, Refuse(TestImages.Changed(full, b => b[model + 2] = 1)).Code);

        // The bep reader refuses the sdt image, the sdt reader a bep image; a bep image relabelled sdt has no rule.
        Assert.IsFalse(EquilibriumPropagationImage.TryRead(TestImages.Parse(full), out _, out ImageError epError));
        Assert.AreEqual(ImageErrorCode.WrongLearnerKind, epError.Code);
        byte[] bep = EquilibriumPropagationImage.WriteFull(run.Learner, null);
        Assert.AreEqual(ImageErrorCode.WrongLearnerKind, Refuse(bep).Code);
        e = Refuse(TestImages.Changed(bep, b => b[ImageFormat.LearnerKindOffset] = ImageLearnerKinds.Sdt));
        Assert.AreEqual(ImageErrorCode.MissingKey, e.Code);
        StringAssert.Contains(e.Message, "rule");
        Assert.IsFalse(SelfDefinedTargetsImage.TryCreateLearner(TestImages.Parse(inference), KernelSet.Reference, out _, out ImageError notFull));
        Assert.AreEqual(ImageErrorCode.NotFullImage, notFull.Code);
    }

    [TestMethod]
    public void TryRestore_Ep_MatchingLearnerResumesAndMismatchedOrDamagedImagesLeaveItUntouched()
    {
        var data = Data();
        var run = TrainedEp(semi: false);
        byte[] checkpoint = run.Full();

        var fresh = new EpRun(WeightFormat.B1, ActivationFormat.MultiBit, 16, NudgingMode.Symmetric, HomeostasisMode.MiniBatch, false);
        Assert.IsTrue(SelfDefinedTargetsImage.TryRestore(TestImages.Parse(checkpoint), fresh.Learner, fresh.Provider, fresh.Association, out ImageError error), error?.ToString());
        CollectionAssert.AreEqual(checkpoint, fresh.Full());

        // Other settings (tau), another architecture, another rule: IncompatibleModel, nothing touched.
        var otherTau = new EpRun(WeightFormat.B1, ActivationFormat.MultiBit, 16, NudgingMode.Symmetric, HomeostasisMode.MiniBatch, false, tau: 2e-5);
        otherTau.Train(data, 0, 11);
        byte[] before = otherTau.Full();
        Assert.IsFalse(SelfDefinedTargetsImage.TryRestore(TestImages.Parse(checkpoint), otherTau.Learner, otherTau.Provider, otherTau.Association, out error));
        Assert.AreEqual(ImageErrorCode.IncompatibleModel, error.Code);
        CollectionAssert.AreEqual(before, otherTau.Full());

        var semi = new EpRun(WeightFormat.B1, ActivationFormat.MultiBit, 16, NudgingMode.Symmetric, HomeostasisMode.MiniBatch, true);
        semi.Associate(data);
        before = semi.Full();
        Assert.IsFalse(SelfDefinedTargetsImage.TryRestore(TestImages.Parse(checkpoint), semi.Learner, semi.Provider, semi.Association, out error));
        Assert.AreEqual(ImageErrorCode.IncompatibleModel, error.Code);
        CollectionAssert.AreEqual(before, semi.Full());

        var delta = new DeltaRuleLearner(Inputs, 12, new DeltaRuleSettings(), KernelSet.Reference);
        Assert.IsFalse(SelfDefinedTargetsImage.TryRestore(TestImages.Parse(checkpoint), delta, run.Provider, run.Association, out error));
        Assert.AreEqual(ImageErrorCode.IncompatibleModel, error.Code);
        StringAssert.Contains(error.Message, "rule 2");

        // A damaged (resealed) image is refused by validation before anything is written.
        before = otherTau.Full();
        int rng = RecordValue(checkpoint, ImageSectionTypes.LearnerCounters, EquilibriumPropagationImage.KeyRngState);
        byte[] zeroRng = TestImages.Changed(checkpoint, b => Array.Clear(b, rng, 16));
        Assert.IsFalse(SelfDefinedTargetsImage.TryRestore(TestImages.Parse(zeroRng), otherTau.Learner, otherTau.Provider, otherTau.Association, out error));
        Assert.AreEqual(ImageErrorCode.BadValue, error.Code);
        CollectionAssert.AreEqual(before, otherTau.Full());
    }

    // ------------------------------------------------------------------ rule 3: the delta-rule stack

    [TestMethod]
    [DataRow(true)]
    [DataRow(false)]
    public void WriteInference_Stack_SameResponsesPredictionsAndBytesOnReexport(bool semi)
    {
        var data = Data();
        var run = new StackRun(semi);
        run.TrainFeature(data, 0, data.Count);
        run.FeatureTrainer.EndBatch();
        run.TrainHead(data, 0, data.Count);
        run.Trainer.EndBatch();
        run.Associate(data);

        byte[] image = run.Inference(ModelImageFiles.CreateMetadata(data: "clusters"));
        Assert.IsTrue(SelfDefinedTargetsImage.TryRead(image, 0, image.Length, ImageLimits.Default, KernelSet.Reference, out SelfDefinedTargetsModel model, out ImageError error), error?.ToString());

        Assert.AreEqual(SelfDefinedTargetsImage.RuleDeltaStack, model.Rule);
        Assert.AreEqual("24-10-8", model.Image.Description.ToString());
        CollectionAssert.AreEqual(run.Feature.Weights, model.FeatureLayer.Weights);
        CollectionAssert.AreEqual(run.Head.Weights, model.Layer.Weights);
        Assert.AreEqual(run.FeatureProvider.Settings.Winners, model.FeatureTargets.Winners);
        int correct = 0;
        for (int i = 0; i < data.Count; i++)
        {
            short[] original = (short[])run.Trainer.Respond(data.Inputs, i * Inputs).Clone();
            CollectionAssert.AreEqual(original, model.Respond(data.Inputs, i * Inputs), $"response to sample {i}");
            int predicted = model.Predict(data.Inputs, i * Inputs);
            Assert.AreEqual(run.Association.Predict(original, 0), predicted, $"sample {i}");
            correct += predicted == data.Labels[i] ? 1 : 0;
        }

        Assert.IsTrue(correct > data.Count / Classes, $"{correct} of {data.Count} right: no better than chance");
        CollectionAssert.AreEqual(image, SelfDefinedTargetsImage.WriteInference(model));
        MemoryPlan m = model.InferenceMemory;
        Assert.AreEqual(run.Feature.Memory.Persistent + run.Head.Memory.Persistent + 4L * 8, m.Persistent);
    }

    [TestMethod]
    [DataRow(true, 5)]
    [DataRow(false, 1)]
    public void FullImage_StackResumeMidBatch_BothLayersContinueExactlyAsUninterruptedTraining(bool semi, int headBatch)
    {
        var data = Data();
        var uninterrupted = new StackRun(semi, headBatch);
        var interrupted = new StackRun(semi, headBatch);
        uninterrupted.TrainFeature(data, 0, 40);
        uninterrupted.TrainHead(data, 0, 120);
        uninterrupted.TrainFeature(data, 40, 70);
        interrupted.TrainFeature(data, 0, 40); // feature: 6 batches of 6 and 4 into the 7th; homeostasis 10 of 4
        interrupted.TrainHead(data, 0, 53);
        interrupted.Associate(data);
        Assert.AreEqual(4, interrupted.Feature.SamplesInBatch);

        byte[] checkpoint = interrupted.Full();
        Assert.IsTrue(SelfDefinedTargetsImage.TryCreateLearner(TestImages.Parse(checkpoint), KernelSet.Reference, out SelfDefinedTargetsModel model, out ImageError error), error?.ToString());
        CollectionAssert.AreEqual(checkpoint, SelfDefinedTargetsImage.WriteFull(model), "re-export of the loaded stack");
        Assert.IsInstanceOfType<StackedTargetLearner>(model.Learner);
        SelfDefinedTargetsTrainer head = model.CreateTrainer();
        for (int i = 53; i < 120; i++)
        {
            head.TrainSample(data.Inputs, i * Inputs, SelfDefinedTargetsRuns.Label(data, i, semi));
        }

        var feature = new SelfDefinedTargetsTrainer(model.FeatureLayer, model.FeatureProvider);
        for (int i = 40; i < 70; i++)
        {
            feature.TrainSample(data.Inputs, i * Inputs, -1);
        }

        Assert.AreEqual(70, model.FeatureLayer.SamplesSeen);
        Assert.AreEqual(120, model.Layer.SamplesSeen);
        CollectionAssert.AreEqual(uninterrupted.Head.Weights, model.Layer.Weights);
        CollectionAssert.AreEqual(uninterrupted.Feature.LatentWeights, model.FeatureLayer.LatentWeights);
        CollectionAssert.AreEqual(uninterrupted.FeatureProvider.Homeostasis.Values, model.FeatureProvider.Homeostasis.Values);
        uninterrupted.Associate(data);
        CollectionAssert.AreEqual(uninterrupted.Full(), SelfDefinedTargetsImage.WriteFull(model.FeatureLayer, model.FeatureProvider, model.Layer, model.Provider, uninterrupted.Association, semi, null));
    }

    [TestMethod]
    public void TryRead_DamagedOrMismatchedStackImages_RefusedWithTheSpecificError()
    {
        var run = TrainedStack(semi: true);
        byte[] full = run.Full();

        // Per-layer sections: the feature layer's are index 0, the head's index 1.
        var parsed = TestImages.Parse(full);
        Assert.AreEqual(4 * 10 * Inputs, parsed.SectionLength(parsed.FindSection(ImageSectionTypes.LatentWeightsS32, 0)));
        Assert.AreEqual(4 * 8 * 10, parsed.SectionLength(parsed.FindSection(ImageSectionTypes.LatentWeightsS32, 1)));

        int rule = RecordValue(full, ImageSectionTypes.Hyperparameters, SelfDefinedTargetsImage.KeyRule);
        Assert.AreEqual(ImageErrorCode.BadArchitecture, Refuse(TestImages.Changed(full, b => SetInt32(b, rule, 1))).Code);
        Assert.AreEqual(ImageErrorCode.UnsupportedFormat, Refuse(TestImages.Changed(full, b => SetInt32(b, rule, 2))).Code);
        int scales = TestImages.Payload(full, ImageSectionTypes.Scales, 0);
        ImageError e = Refuse(TestImages.Changed(full, b => SetInt32(b, scales + 4, 16)));
        Assert.AreEqual(ImageErrorCode.BadValue, e.Code);
        Assert.AreEqual(scales + 4, e.Offset);

        int winners = RecordValue(full, ImageSectionTypes.Hyperparameters, SelfDefinedTargetsImage.FeaturePrefix + SelfDefinedTargetsImage.KeyWinners);
        e = Refuse(TestImages.Changed(full, b => SetInt32(b, winners, 11)));
        Assert.AreEqual(ImageErrorCode.BadValue, e.Code);
        StringAssert.Contains(e.Message, "feature layer");
        int featureInBatch = RecordValue(full, ImageSectionTypes.LearnerCounters, SelfDefinedTargetsImage.FeaturePrefix + SelfDefinedTargetsImage.KeyInBatch);
        Assert.AreEqual(ImageErrorCode.BadValue, Refuse(TestImages.Changed(full, b => SetInt32(b, featureInBatch, 6))).Code);
        int featurePending = RecordValue(full, ImageSectionTypes.LearnerCounters, SelfDefinedTargetsImage.FeaturePrefix + SelfDefinedTargetsImage.KeyHomeostasisPending);
        Assert.AreEqual(ImageErrorCode.BadValue, Refuse(TestImages.Changed(full, b => SetInt32(b, featurePending, 4))).Code);
        int featureSums = TestImages.Payload(full, ImageSectionTypes.HomeostasisTraceS32, 0);
        Assert.AreEqual(ImageErrorCode.BadValue, Refuse(TestImages.Changed(full, b => SetInt32(b, featureSums + 4, -1))).Code);
        int headPending = RecordValue(full, ImageSectionTypes.LearnerCounters, SelfDefinedTargetsImage.KeyHomeostasisPending);
        Assert.AreEqual(ImageErrorCode.BadValue, Refuse(TestImages.Changed(full, b => SetInt32(b, headPending, 1))).Code); // streaming: no batch
        int model = TestImages.Payload(full, ImageSectionTypes.Model, 0);
        Assert.AreEqual(ImageErrorCode.ShapeMismatch, Refuse(TestImages.Changed(full, b => b[model + 10] = 9)).Code);

        // A rule-1 image relabelled rule 3 is refused for its architecture (2 widths, not 3).
        var single = new DeltaRuleLearner(Inputs, 8, new DeltaRuleSettings(), KernelSet.Reference);
        var association = new DirectAssociation(8, Classes);
        association.AssignGroups();
        byte[] rule1 = SelfDefinedTargetsImage.WriteInference(single, run.Provider.Settings, association, true, null);
        int rule1Rule = RecordValue(rule1, ImageSectionTypes.Hyperparameters, SelfDefinedTargetsImage.KeyRule);
        Assert.AreEqual(ImageErrorCode.BadArchitecture, Refuse(TestImages.Changed(rule1, b => SetInt32(b, rule1Rule, 3))).Code);
        Assert.IsFalse(SelfDefinedTargetsImage.TryCreateLearner(TestImages.Parse(run.Inference()), KernelSet.Reference, out _, out ImageError notFull));
        Assert.AreEqual(ImageErrorCode.NotFullImage, notFull.Code);
    }

    [TestMethod]
    public void TryRestore_Stack_MatchingLearnersResumeAndMismatchedImagesLeaveThemUntouched()
    {
        var run = TrainedStack(semi: true);
        byte[] checkpoint = run.Full();

        var fresh = new StackRun(true);
        Assert.IsTrue(SelfDefinedTargetsImage.TryRestore(TestImages.Parse(checkpoint), fresh.Feature, fresh.FeatureProvider, fresh.Head, fresh.Provider, fresh.Association, out ImageError error), error?.ToString());
        CollectionAssert.AreEqual(checkpoint, fresh.Full());

        var otherBatch = new StackRun(true, headBatch: 3);
        otherBatch.TrainFeature(Data(), 0, 9);
        otherBatch.Associate(Data());
        byte[] before = otherBatch.Full();
        Assert.IsFalse(SelfDefinedTargetsImage.TryRestore(TestImages.Parse(checkpoint), otherBatch.Feature, otherBatch.FeatureProvider, otherBatch.Head, otherBatch.Provider, otherBatch.Association, out error));
        Assert.AreEqual(ImageErrorCode.IncompatibleModel, error.Code);
        CollectionAssert.AreEqual(before, otherBatch.Full());

        // The layers swapped (a 10-8 head given as the feature layer): the architecture differs.
        Assert.IsFalse(SelfDefinedTargetsImage.TryRestore(TestImages.Parse(checkpoint), otherBatch.Head, otherBatch.Provider, otherBatch.Feature, otherBatch.FeatureProvider, otherBatch.Association, out error));
        Assert.AreEqual(ImageErrorCode.IncompatibleModel, error.Code);
        CollectionAssert.AreEqual(before, otherBatch.Full());

        // A rule-1 restore of the stack image, and a stack restore of an inference image.
        Assert.IsFalse(SelfDefinedTargetsImage.TryRestore(TestImages.Parse(checkpoint), otherBatch.Head, otherBatch.Provider, otherBatch.Association, out error));
        Assert.AreEqual(ImageErrorCode.IncompatibleModel, error.Code);
        Assert.IsFalse(SelfDefinedTargetsImage.TryRestore(TestImages.Parse(run.Inference()), otherBatch.Feature, otherBatch.FeatureProvider, otherBatch.Head, otherBatch.Provider, otherBatch.Association, out error));
        Assert.AreEqual(ImageErrorCode.NotFullImage, error.Code);
        CollectionAssert.AreEqual(before, otherBatch.Full());
    }

    [TestMethod]
    public void WriteFull_StackWithMismatchedWidthsOrNonGroupClassMap_Throws()
    {
        var run = new StackRun(true);
        var narrow = new DeltaRuleLearner(9, 8, new DeltaRuleSettings(), KernelSet.Reference);
        Assert.ThrowsExactly<ArgumentException>(() => SelfDefinedTargetsImage.WriteFull(run.Feature, run.FeatureProvider, narrow, run.Provider, run.Association, true, null));
        run.Association.SetAssignment(new[] { 0, 0, 1, 1, 2, 2, 3, -1 }, 0);
        Assert.ThrowsExactly<ArgumentException>(() => SelfDefinedTargetsImage.WriteFull(run.Feature, run.FeatureProvider, run.Head, run.Provider, run.Association, true, null));
        var ep = new EpRun(WeightFormat.B1, ActivationFormat.MultiBit, 16, NudgingMode.Symmetric, HomeostasisMode.MiniBatch, false);
        Assert.ThrowsExactly<ArgumentException>(() => SelfDefinedTargetsImage.WriteFull(ep.Learner, ep.Provider, new DirectAssociation(12, 4), true, null), "an unsupervised network (G 1) written as semi-supervised");
    }

    // ------------------------------------------------------------------ both

    [TestMethod]
    [DataRow(2)]
    [DataRow(3)]
    public void TryRead_SeededByteMutations_NeverThrowAndAcceptedOnesReexportCanonically(int rule)
    {
        byte[] full = rule == 2 ? TrainedEp(semi: true, samples: 40).Full() : TrainedStack(semi: true).Full();
        int accepted = TestImages.ByteMutations(
            full,
            (uint)(20 + rule),
            300,
            parsed => SelfDefinedTargetsImage.TryRead(parsed, KernelSet.Reference, out _, out _),
            (mutant, parsed, label) =>
            {
                Assert.IsTrue(SelfDefinedTargetsImage.TryCreateLearner(parsed, KernelSet.Reference, out SelfDefinedTargetsModel model, out ImageError error), error?.ToString());
                if (parsed.MinorVersion == ImageFormat.MinorVersion && parsed.SkippedSectionCount == 0)
                {
                    CollectionAssert.AreEqual(mutant, SelfDefinedTargetsImage.WriteFull(model), label);
                }
            });
        Assert.IsTrue(accepted > 0, "no resealed mutant was accepted: the mutations never reached the payload values");
    }

    // ------------------------------------------------------------------ command line

    private static TempDirectory WriteClusters() => SyntheticClusters.WriteIdxSet(500, 400, 51); // 400 train, 100 test

    private static double Accuracy(string report) => JsonDocument.Parse(File.ReadAllText(report)).RootElement.GetProperty("test_accuracy").GetDouble();

    [TestMethod]
    [DataRow("--rule,ep,--arch,64-16,--winners,2,--free-steps,4,--nudged-steps,4", "rule 2, EP network", "BOP_ACCUMULATORS_S16")]
    [DataRow("--rule,ep,--arch,64-12-8,--labels,40,--neurons-per-class,2,--pre-epochs,2,--free-steps,4,--nudged-steps,4", "rule 2, EP network", "HOMEOSTASIS_TRACE_S32")]
    [DataRow("--arch,64-16-4,--labels,40,--feature-epochs,2,--pre-epochs,3", "rule 3, delta-rule stack", "LATENT_WEIGHTS_S32")]
    public void TrainOut_FullImage_ThenEvalVerifyInspectExport_EvalReproducesTheRunsAccuracy(string options, string rule, string stateSection)
    {
        using var dir = WriteClusters();
        string image = dir.Combine("sdt.elmi");
        string stripped = dir.Combine("sdt-inference.elmi");
        var output = new StringWriter();
        var errors = new StringWriter();
        var args = new System.Collections.Generic.List<string> { "train", "--algo", "sdt", "--data", "idx", "--data-dir", dir.Path, "--epochs", "2", "--out", image, "--full-image", "--report", dir.Combine("train.json"), "--quiet" };
        args.AddRange(options.Split(','));

        int code = EdgeLearnCli.Run(args.ToArray(), Program.CreateRegistry(), output, errors);
        Assert.AreEqual(ExitCodes.Success, code, errors.ToString());
        Assert.AreEqual(ExitCodes.Success, EdgeLearnCli.Run(new[] { "verify", image }, new AlgorithmRegistry(), output, errors), errors.ToString());
        var inspect = new StringWriter();
        Assert.AreEqual(ExitCodes.Success, EdgeLearnCli.Run(new[] { "inspect", image }, new AlgorithmRegistry(), inspect, errors));
        Assert.AreEqual(ExitCodes.Success, EdgeLearnCli.Run(new[] { "export", image, "--inference", "--out", stripped }, new AlgorithmRegistry(), output, errors), errors.ToString());
        Assert.AreEqual(ExitCodes.Success, EdgeLearnCli.Run(new[] { "eval", "--model", image, "--data", "idx", "--data-dir", dir.Path, "--report", dir.Combine("eval-full.json"), "--quiet" }, new AlgorithmRegistry(), output, errors), errors.ToString());
        Assert.AreEqual(ExitCodes.Success, EdgeLearnCli.Run(new[] { "eval", "--model", stripped, "--data", "idx", "--data-dir", dir.Path, "--report", dir.Combine("eval.json"), "--quiet" }, new AlgorithmRegistry(), output, errors), errors.ToString());

        double trained = Accuracy(dir.Combine("train.json"));
        Assert.IsTrue(trained > 0.25, $"training accuracy {trained}: no better than chance, the comparison would be weak");
        Assert.AreEqual(trained, Accuracy(dir.Combine("eval-full.json")), 0.0, "eval of the full image");
        Assert.AreEqual(trained, Accuracy(dir.Combine("eval.json")), 0.0, "eval of the exported inference image");
        StringAssert.Contains(inspect.ToString(), rule);
        StringAssert.Contains(inspect.ToString(), stateSection);
        StringAssert.Contains(inspect.ToString(), "4 classes through the class map");
        Assert.IsTrue(ModelImage.TryParse(File.ReadAllBytes(stripped), ImageLimits.Default, out ModelImage inference, out _));
        Assert.IsFalse(inference.IsFull);
        Assert.IsTrue(File.ReadAllBytes(stripped).Length < File.ReadAllBytes(image).Length);
    }

    [TestMethod]
    public void TrainOut_RuleEpInferenceImage_MatchesTheExportOfTheFullImage()
    {
        using var dir = WriteClusters();
        string[] common = { "train", "--algo", "sdt", "--rule", "ep", "--data", "idx", "--data-dir", dir.Path, "--arch", "64-12", "--winners", "2", "--epochs", "1", "--free-steps", "4", "--nudged-steps", "4", "--quiet", "--out" };
        var errors = new StringWriter();

        Assert.AreEqual(ExitCodes.Success, EdgeLearnCli.Run([.. common, dir.Combine("inference.elmi")], Program.CreateRegistry(), new StringWriter(), errors), errors.ToString());
        Assert.AreEqual(ExitCodes.Success, EdgeLearnCli.Run([.. common, dir.Combine("full.elmi"), "--full-image"], Program.CreateRegistry(), new StringWriter(), errors), errors.ToString());
        Assert.AreEqual(ExitCodes.Success, EdgeLearnCli.Run(new[] { "export", dir.Combine("full.elmi"), "--inference", "--out", dir.Combine("stripped.elmi") }, new AlgorithmRegistry(), new StringWriter(), errors), errors.ToString());

        byte[] inference = File.ReadAllBytes(dir.Combine("inference.elmi"));
        byte[] stripped = File.ReadAllBytes(dir.Combine("stripped.elmi"));
        // The same run (same seed) gives the same model; only the training time in the metadata may differ.
        Assert.IsTrue(SelfDefinedTargetsImage.TryRead(inference, 0, inference.Length, ImageLimits.Default, KernelSet.Reference, out SelfDefinedTargetsModel a, out _));
        Assert.IsTrue(SelfDefinedTargetsImage.TryRead(stripped, 0, stripped.Length, ImageLimits.Default, KernelSet.Reference, out SelfDefinedTargetsModel b, out _));
        CollectionAssert.AreEqual(SelfDefinedTargetsImage.WriteInference(a.Network, a.NetworkSettings, a.Targets, a.Association, a.SemiSupervised, null), SelfDefinedTargetsImage.WriteInference(b.Network, b.NetworkSettings, b.Targets, b.Association, b.SemiSupervised, null));

        // sdt's EP keeps the paper's scale 1 / (2 sqrt(64)) = 2048 in Q0.15 unless --alpha-scale is given.
        Assert.AreEqual(2048, a.Network.AlphaQ15[0]);
        Assert.AreEqual(ExitCodes.Success, EdgeLearnCli.Run([.. common, dir.Combine("scaled.elmi"), "--alpha-scale", "2"], Program.CreateRegistry(), new StringWriter(), errors), errors.ToString());
        byte[] scaled = File.ReadAllBytes(dir.Combine("scaled.elmi"));
        Assert.IsTrue(SelfDefinedTargetsImage.TryRead(scaled, 0, scaled.Length, ImageLimits.Default, KernelSet.Reference, out SelfDefinedTargetsModel c, out _));
        Assert.AreEqual(4096, c.Network.AlphaQ15[0]);
    }
}
