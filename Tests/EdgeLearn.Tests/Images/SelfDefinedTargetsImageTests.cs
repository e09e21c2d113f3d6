using System;
using System.IO;
using System.Text.Json;
using EdgeLearn.HostSim.Cli;
using EdgeLearn.HostSim.Images;
using EdgeLearn.HostSim.Training;
using EdgeLearn.Kernels;
using EdgeLearn.Runtime.Images;
using EdgeLearn.Runtime.Learners.SelfDefinedTargets;
using EdgeLearn.Tests.Data;
using EdgeLearn.Tests.Learners;
using EdgeLearn.Tests.Support;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace EdgeLearn.Tests.Images;

[TestClass]
public sealed class SelfDefinedTargetsImageTests
{
    private const int Inputs = 24;
    private const int Classes = 4;

    // A 24-12 delta-rule layer (or 24-8 with 2 neurons per class when semi-supervised) and its provider.
    private sealed class Run
    {
        public Run(HomeostasisMode mode, bool semi)
        {
            Semi = semi;
            int outputs = semi ? 2 * Classes : 12;
            var delta = new DeltaRuleSettings { BatchSize = 8, LearningRate = 0.05, BiasLearningRate = 0.04, Seed = 5 };
            var targets = new SelfDefinedTargetSettings
            {
                Winners = semi ? 1 : 2,
                Smoothing = 0.1,
                HomeostasisRate = 0.3,
                Mode = mode,
                BatchSize = 6, // not the learner's 8: the two batches end at different samples
                AverageRate = 0.125,
                LeakShift = mode == HomeostasisMode.Streaming ? 6 : 0,
            };
            Layer = new DeltaRuleLearner(Inputs, outputs, delta, KernelSet.Reference);
            Provider = new SelfDefinedTargetProvider(outputs, targets);
            Association = new DirectAssociation(outputs, Classes);
            Trainer = NewTrainer(Layer, Provider, semi);
        }

        public bool Semi { get; }

        public DeltaRuleLearner Layer { get; }

        public SelfDefinedTargetProvider Provider { get; }

        public DirectAssociation Association { get; }

        public SelfDefinedTargetsTrainer Trainer { get; set; }

        public static SelfDefinedTargetsTrainer NewTrainer(DeltaRuleLearner layer, SelfDefinedTargetProvider provider, bool semi)
            => new(layer, semi ? new SemiSupervisedTargetProvider(new SupervisedTargetProvider(layer.OutputSize, layer.OutputSize / Classes, 0.1), provider) : provider);

        public void Train(SyntheticClusters data, int from, int to) => SelfDefinedTargetsRuns.Train(Trainer, data, from, to, Semi);

        public void Associate(SyntheticClusters data) => SelfDefinedTargetsRuns.Associate(Trainer, Association, data, Semi);

        public byte[] Full() => SelfDefinedTargetsImage.WriteFull(Layer, Provider, Association, Semi, null);
    }

    private static SyntheticClusters Data(int count = 160) => new(Inputs, Classes, count, 0.25, 3);

    private static ImageError Refuse(byte[] image)
    {
        bool ok = ModelImage.TryParse(image, 0, image.Length, ImageLimits.Default, out ModelImage parsed, out ImageError error)
            && SelfDefinedTargetsImage.TryRead(parsed, KernelSet.Reference, out _, out error);
        Assert.IsFalse(ok, "the image was accepted");
        Assert.IsNotNull(error);
        return error;
    }

    private static void SetInt32(byte[] image, int at, int value)
    {
        BitConverter.GetBytes(value).CopyTo(image, at);
    }

    // Offset of the value of record `key` in the records section of `type`.
    private static int RecordValue(byte[] image, int type, string key)
    {
        var parsed = TestImages.Parse(image);
        ImageRecords r = type == ImageSectionTypes.Hyperparameters ? parsed.Hyperparameters : parsed.Counters;
        int i = r.IndexOf(key);
        Assert.IsTrue(i >= 0, key);
        return r.RecordOffset(i) + 4 + key.Length;
    }

    [TestMethod]
    [DataRow(false)]
    [DataRow(true)]
    public void WriteInference_TrainedLayer_SamePredictionsAndSameBytesOnReexport(bool semi)
    {
        var data = Data();
        var run = new Run(HomeostasisMode.MiniBatch, semi);
        run.Train(data, 0, data.Count);
        run.Trainer.EndBatch();
        run.Associate(data);
        var metadata = ModelImageFiles.CreateMetadata(data: "clusters", trainSamples: data.Count);

        byte[] image = SelfDefinedTargetsImage.WriteInference(run.Layer, run.Provider.Settings, run.Association, semi, metadata);
        Assert.IsTrue(SelfDefinedTargetsImage.TryRead(image, 0, image.Length, ImageLimits.Default, KernelSet.Reference, out SelfDefinedTargetsModel model, out ImageError error), error?.ToString());

        Assert.IsFalse(model.HasLearnerState);
        Assert.AreEqual(semi, model.SemiSupervised);
        Assert.IsTrue(model.Association.AssignedNeurons > 0);
        int correct = 0;
        for (int i = 0; i < data.Count; i++)
        {
            short[] original = (short[])run.Layer.Respond(data.Inputs, i * Inputs).Clone();
            int expected = run.Association.Predict(original, 0);
            int predicted = model.Predict(data.Inputs, i * Inputs);
            Assert.AreEqual(expected, predicted, $"sample {i}");
            CollectionAssert.AreEqual(original, model.Layer.Respond(data.Inputs, i * Inputs), $"response to sample {i}");
            correct += predicted == data.Labels[i] ? 1 : 0;
        }

        Assert.IsTrue(correct > data.Count / Classes, $"{correct} of {data.Count} right: the layer did not learn the clusters");
        CollectionAssert.AreEqual(image, SelfDefinedTargetsImage.WriteInference(model.Layer, model.Targets, model.Association, model.SemiSupervised, model.Metadata));
    }

    [TestMethod]
    [DataRow(HomeostasisMode.MiniBatch, false)]
    [DataRow(HomeostasisMode.Streaming, false)]
    [DataRow(HomeostasisMode.MiniBatch, true)]
    public void FullImage_ResumeMidBatch_ContinuesExactlyAsUninterruptedTraining(HomeostasisMode mode, bool semi)
    {
        var data = Data(120);
        var uninterrupted = new Run(mode, semi);
        var interrupted = new Run(mode, semi);
        uninterrupted.Train(data, 0, 120);
        interrupted.Train(data, 0, 53); // 6 learner batches of 8 and 5 samples into the 7th; homeostasis 8 of 6 and 5
        interrupted.Associate(data);
        Assert.AreEqual(5, interrupted.Layer.SamplesInBatch);

        byte[] checkpoint = interrupted.Full();
        Assert.IsTrue(SelfDefinedTargetsImage.TryCreateLearner(TestImages.Parse(checkpoint), KernelSet.Reference, out SelfDefinedTargetsModel model, out SelfDefinedTargetProvider provider, out ImageError error), error?.ToString());
        CollectionAssert.AreEqual(checkpoint, SelfDefinedTargetsImage.WriteFull(model.Layer, provider, model.Association, semi, null), "re-export of the loaded learner");
        var resumed = Run.NewTrainer(model.Layer, provider, semi);
        for (int i = 53; i < 120; i++)
        {
            resumed.TrainSample(data.Inputs, i * Inputs, SelfDefinedTargetsRuns.Label(data, i, semi));
        }

        Assert.AreEqual(120, model.Layer.SamplesSeen);
        CollectionAssert.AreEqual(uninterrupted.Layer.Weights, model.Layer.Weights);
        CollectionAssert.AreEqual(uninterrupted.Provider.Homeostasis.Values, provider.Homeostasis.Values);
        uninterrupted.Associate(data);
        CollectionAssert.AreEqual(uninterrupted.Full(), SelfDefinedTargetsImage.WriteFull(model.Layer, provider, uninterrupted.Association, semi, null));
    }

    [TestMethod]
    public void TryRead_DamagedTruncatedOrMismatchedImages_RefusedWithTheSpecificError()
    {
        var data = Data(60);
        var run = new Run(HomeostasisMode.MiniBatch, false);
        run.Train(data, 0, 45);
        run.Associate(data);
        byte[] full = run.Full();
        byte[] inference = SelfDefinedTargetsImage.WriteInference(run.Layer, run.Provider.Settings, run.Association, false, null);

        Assert.AreEqual(ImageErrorCode.Truncated, Refuse(full.AsSpan(0, full.Length - 8).ToArray()).Code);
        var flipped = (byte[])full.Clone();
        flipped[TestImages.Payload(full, ImageSectionTypes.WeightsS16, 0) + 5] ^= 0x10;
        Assert.AreEqual(ImageErrorCode.SectionCrcMismatch, Refuse(TestImages.Changed(flipped, _ => { }, sections: false)).Code);

        // Shape: the MODEL says 23 inputs, the weights hold 24 per row.
        int model = TestImages.Payload(full, ImageSectionTypes.Model, 0);
        Assert.AreEqual(ImageErrorCode.ShapeMismatch, Refuse(TestImages.Changed(full, b => b[model + 8] = Inputs - 1)).Code);

        // Mapping rules, each on an otherwise valid (resealed) image.
        int map = TestImages.Payload(full, ImageSectionTypes.ClassMapS32, 0);
        ImageError e = Refuse(TestImages.Changed(full, b => SetInt32(b, map + 12, Classes)));
        Assert.AreEqual(ImageErrorCode.BadValue, e.Code);
        Assert.AreEqual(map + 12, e.Offset);
        int scale = TestImages.Payload(full, ImageSectionTypes.Scales, 0);
        Assert.AreEqual(ImageErrorCode.BadValue, Refuse(TestImages.Changed(full, b => SetInt32(b, scale, 16))).Code);
        int rule = RecordValue(full, ImageSectionTypes.Hyperparameters, SelfDefinedTargetsImage.KeyRule);
        Assert.AreEqual(ImageErrorCode.BadValue, Refuse(TestImages.Changed(full, b => SetInt32(b, rule, 4))).Code);
        Assert.AreEqual(ImageErrorCode.UnsupportedFormat, Refuse(TestImages.Changed(full, b => SetInt32(b, rule, 2))).Code); // EP needs b1 or s8 weights
        Assert.AreEqual(ImageErrorCode.BadArchitecture, Refuse(TestImages.Changed(full, b => SetInt32(b, rule, 3))).Code); // a stack has 3 widths
        int winners = RecordValue(full, ImageSectionTypes.Hyperparameters, SelfDefinedTargetsImage.KeyWinners);
        Assert.AreEqual(ImageErrorCode.BadValue, Refuse(TestImages.Changed(full, b => SetInt32(b, winners, 13))).Code);
        int pending = RecordValue(full, ImageSectionTypes.LearnerCounters, SelfDefinedTargetsImage.KeyHomeostasisPending);
        Assert.AreEqual(ImageErrorCode.BadValue, Refuse(TestImages.Changed(full, b => SetInt32(b, pending, 6))).Code);
        int inBatch = RecordValue(full, ImageSectionTypes.LearnerCounters, SelfDefinedTargetsImage.KeyInBatch);
        Assert.AreEqual(ImageErrorCode.BadValue, Refuse(TestImages.Changed(full, b => SetInt32(b, inBatch, -1))).Code);
        int sums = TestImages.Payload(full, ImageSectionTypes.HomeostasisTraceS32, 0);
        Assert.AreEqual(ImageErrorCode.BadValue, Refuse(TestImages.Changed(full, b => SetInt32(b, sums, -1))).Code);

        // Wrong learner, wrong image kind, and the class map in an EP image.
        Assert.AreEqual(ImageErrorCode.WrongLearnerKind, Refuse(TestImages.Inference()).Code);
        Assert.IsFalse(EquilibriumPropagationImage.TryRead(TestImages.Parse(full), out _, out ImageError epError));
        Assert.AreEqual(ImageErrorCode.WrongLearnerKind, epError.Code);
        Assert.IsFalse(SelfDefinedTargetsImage.TryCreateLearner(TestImages.Parse(inference), KernelSet.Reference, out _, out _, out ImageError notFull));
        Assert.AreEqual(ImageErrorCode.NotFullImage, notFull.Code);
    }

    [TestMethod]
    public void TryRead_SeededByteMutations_NeverThrowAndAcceptedOnesReexportCanonically()
    {
        var data = Data(40);
        var run = new Run(HomeostasisMode.Streaming, false);
        run.Train(data, 0, 29);
        run.Associate(data);
        byte[] full = run.Full();
        int accepted = TestImages.ByteMutations(
            full,
            11,
            400,
            parsed => SelfDefinedTargetsImage.TryRead(parsed, KernelSet.Reference, out _, out _),
            (mutant, parsed, label) =>
            {
                Assert.IsTrue(SelfDefinedTargetsImage.TryCreateLearner(parsed, KernelSet.Reference, out SelfDefinedTargetsModel model, out SelfDefinedTargetProvider provider, out ImageError error), error?.ToString());
                if (parsed.MinorVersion == ImageFormat.MinorVersion && parsed.SkippedSectionCount == 0)
                {
                    CollectionAssert.AreEqual(mutant, SelfDefinedTargetsImage.WriteFull(model.Layer, provider, model.Association, model.SemiSupervised, model.Metadata), label);
                }
            });
        Assert.IsTrue(accepted > 0, "no resealed mutant was accepted: the mutations never reached the payload values");
    }

    [TestMethod]
    public void WriteInference_SemiSupervisedWithoutClassGroups_Throws()
    {
        var run = new Run(HomeostasisMode.MiniBatch, true);
        run.Association.SetAssignment(new[] { 0, 0, 1, 1, 2, 2, 3, -1 }, 0);

        Assert.ThrowsExactly<ArgumentException>(() => SelfDefinedTargetsImage.WriteInference(run.Layer, run.Provider.Settings, run.Association, true, null));
    }

    [TestMethod]
    public void TrainOut_ThenEvalVerifyInspect_EvalReproducesTheRunsAccuracy()
    {
        using var dir = new TempDirectory();
        IdxFiles.WriteSet(dir.Path, gzip: false);
        string image = dir.Combine("sdt.elmi");
        string trainReport = dir.Combine("train.json");
        string evalReport = dir.Combine("eval.json");
        var registry = new AlgorithmRegistry().Register(new SelfDefinedTargetsAlgorithm());
        var output = new StringWriter();
        var errors = new StringWriter();

        int code = EdgeLearnCli.Run(new[] { "train", "--algo", "sdt", "--data", "idx", "--data-dir", dir.Path, "--arch", "6-8", "--winners", "2", "--epochs", "3", "--out", image, "--full-image", "--report", trainReport, "--quiet" }, registry, output, errors);
        Assert.AreEqual(ExitCodes.Success, code, errors.ToString());
        code = EdgeLearnCli.Run(new[] { "eval", "--model", image, "--data", "idx", "--data-dir", dir.Path, "--report", evalReport, "--quiet" }, new AlgorithmRegistry(), output, errors);
        Assert.AreEqual(ExitCodes.Success, code, errors.ToString());
        Assert.AreEqual(ExitCodes.Success, EdgeLearnCli.Run(new[] { "verify", image }, new AlgorithmRegistry(), output, errors));
        var inspect = new StringWriter();
        Assert.AreEqual(ExitCodes.Success, EdgeLearnCli.Run(new[] { "inspect", image }, new AlgorithmRegistry(), inspect, errors));

        using var trained = JsonDocument.Parse(File.ReadAllText(trainReport));
        using var evaluated = JsonDocument.Parse(File.ReadAllText(evalReport));
        Assert.AreEqual(trained.RootElement.GetProperty("test_accuracy").GetDouble(), evaluated.RootElement.GetProperty("test_accuracy").GetDouble(), 0.0);
        Assert.AreEqual("sdt", evaluated.RootElement.GetProperty("algo").GetString());
        Assert.AreEqual(File.ReadAllBytes(image).Length, trained.RootElement.GetProperty("model_image_bytes").GetInt32());
        StringAssert.Contains(inspect.ToString(), "learner     sdt");
        StringAssert.Contains(inspect.ToString(), "CLASS_MAP_S32");
        StringAssert.Contains(inspect.ToString(), "4 classes through the class map");
    }
}
