using System;
using System.IO;
using System.Text.Json;
using EdgeLearn.HostSim;
using EdgeLearn.HostSim.Cli;
using EdgeLearn.HostSim.Images;
using EdgeLearn.Kernels;
using EdgeLearn.Runtime.Images;
using EdgeLearn.Runtime.Learners.Readout;
using EdgeLearn.Runtime.Learners.SelfContrastiveForwardForward;
using EdgeLearn.Runtime.Models;
using EdgeLearn.Tests.Data;
using EdgeLearn.Tests.Learners;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace EdgeLearn.Tests.Images;

/// <summary>scff full images: the SCFF learner and its readout saved with their state and resumed exactly.</summary>
[TestClass]
public sealed class SelfContrastiveForwardForwardFullImageTests
{
    // The schedule every run follows: layer 0 for inputs 0 .. 59, layer 1 from input 60; the readout trains on every
    // third input's features (all layers) and its rate halves at input 90.
    private const int LayerSwitch = 60;
    private const int RateStep = 90;
    private static readonly SyntheticClusters Data = new(16, 4, 120, 0.25, 7);

    private sealed record Pair(SelfContrastiveForwardForwardLearner Learner, FixedPointReadout Readout);

    private static SelfContrastiveForwardForwardSettings Settings(ContrastiveOptimizer optimizer, int bits) => new()
    {
        Optimizer = optimizer,
        AccumulatorBits = bits,
        LearningRate = new[] { optimizer == ContrastiveOptimizer.Signum ? 1e-3 : 0.05, 0.02 },
        Threshold1 = new[] { 2.0 },
        Threshold2 = new[] { 3.0, 2.5 },
        BatchSize = 8,
        RingSize = 10,
        ViewShift = 1,
        Seed = 11,
    };

    private static Pair Fresh(SelfContrastiveForwardForwardSettings settings, int[]? sizes = null, int imageWidth = 4, int classes = 4, bool softmax = false)
    {
        var network = new SelfContrastiveForwardForwardNetwork(new NetworkDescription(sizes ?? new[] { 16, 12, 10 }, 1));
        network.Initialize(settings.Seed);
        var learner = new SelfContrastiveForwardForwardLearner(network, settings, KernelSet.Reference, imageWidth);
        int features = SelfContrastiveForwardForwardImage.FeatureCount(network.Description, true);
        var readout = new FixedPointReadout(features, classes, SelfContrastiveForwardForwardSettings.InputFractionBits, 1.0 / 64, KernelSet.Reference) { Softmax = softmax };
        return new Pair(learner, readout);
    }

    // Inputs from .. to - 1 of the schedule.
    private static void Train(Pair p, int from, int to)
    {
        var extractor = new SelfContrastiveFeatureExtractor(p.Learner.Network, KernelSet.Reference, true);
        var f = new short[extractor.FeatureCount];
        for (int i = from; i < to; i++)
        {
            if (i == LayerSwitch)
            {
                p.Learner.TrainingLayer = 1;
            }

            if (i == RateStep)
            {
                p.Readout.LearningRateShift++;
            }

            p.Learner.TrainSample(Data.Inputs, i * Data.Dimension);
            if (i % 3 == 0)
            {
                extractor.Compute(Data.Inputs, i * Data.Dimension, f, 0);
                p.Readout.TrainSample(f, 0, Data.Labels[i] % p.Readout.ClassCount);
            }
        }
    }

    private static byte[] Full(Pair p) => SelfContrastiveForwardForwardImage.WriteFull(p.Learner, p.Readout, true, null);

    private static Pair Trained(ContrastiveOptimizer optimizer, int bits, int count)
    {
        var p = Fresh(Settings(optimizer, bits));
        Train(p, 0, count);
        return p;
    }

    private static Pair Load(byte[] image)
    {
        Assert.IsTrue(SelfContrastiveForwardForwardImage.TryCreateLearner(TestImages.Parse(image), KernelSet.Reference, out SelfContrastiveForwardForwardModel model, out SelfContrastiveForwardForwardLearner learner, out FixedPointReadout readout, out ImageError error), error?.ToString());
        Assert.IsTrue(model.HasLearnerState);
        Assert.AreSame(model.Network, learner.Network);
        return new Pair(learner, readout);
    }

    private static int CounterInt32(byte[] image, string key)
    {
        Assert.IsTrue(TestImages.Parse(image).Counters!.TryGetInt32(key, out int value), key);
        return value;
    }

    // Image offset of the value of counter `key`.
    private static int CounterValue(byte[] image, string key)
    {
        ImageRecords c = TestImages.Parse(image).Counters!;
        int i = c.IndexOf(key);
        Assert.IsTrue(i >= 0, key);
        return c.RecordOffset(i) + 4 + key.Length;
    }

    private static byte[] WithCounter(byte[] image, string key, int value)
        => TestImages.Changed(image, b => BitConverter.TryWriteBytes(b.AsSpan(CounterValue(image, key)), value));

    // The sections of `image` re-emitted with their types mapped by `retype` (-1 drops a section); same kind.
    private static byte[] Rebuild(byte[] image, Func<int, int> retype)
    {
        ModelImage parsed = TestImages.Parse(image);
        void Emit(ModelImageBuilder b)
        {
            for (int i = 0; i < parsed.SectionCount; i++)
            {
                int t = retype(parsed.SectionType(i));
                if (t >= 0)
                {
                    b.BeginSection(t, parsed.SectionIndex(i));
                    b.WriteBytes(image, parsed.PayloadStart(i), parsed.SectionLength(i));
                    b.EndSection();
                }
            }
        }

        var plan = new ModelImageBuilder(parsed.ImageKind, parsed.LearnerKind);
        Emit(plan);
        ModelImageBuilder writer = plan.CreateWriter();
        Emit(writer);
        return writer.Finish();
    }

    [TestMethod]
    [DataRow(ContrastiveOptimizer.SgdMomentum, 32, 0, 0)] // nothing trained: empty ring
    [DataRow(ContrastiveOptimizer.SgdMomentum, 32, 1, 0)] // one input in the ring, no sample trained yet
    [DataRow(ContrastiveOptimizer.SgdMomentum, 32, 33, 0)] // batch boundary on layer 0 (32 samples)
    [DataRow(ContrastiveOptimizer.SgdMomentum, 32, 45, 4)] // mid-batch on layer 0, then the layer switch after the resume
    [DataRow(ContrastiveOptimizer.SgdMomentum, 32, 85, 1)] // mid-batch on layer 1
    [DataRow(ContrastiveOptimizer.Signum, 16, 45, 4)]
    [DataRow(ContrastiveOptimizer.Signum, 16, 92, 0)] // batch boundary on layer 1, after the readout's rate step
    [DataRow(ContrastiveOptimizer.Signum, 32, 77, 1)]
    public void FullImage_ResumeAnywhere_ContinuesExactlyAsUninterruptedTraining(ContrastiveOptimizer optimizer, int bits, int split, int inBatch)
    {
        Pair uninterrupted = Trained(optimizer, bits, Data.Count);
        Pair interrupted = Trained(optimizer, bits, split);

        byte[] checkpoint = Full(interrupted);
        Assert.AreEqual(inBatch, CounterInt32(checkpoint, SelfContrastiveForwardForwardImage.KeyInBatch), "the split is not where the case says");
        Assert.AreEqual(Math.Min(split, 10), CounterInt32(checkpoint, SelfContrastiveForwardForwardImage.KeyRingCount));
        Pair resumed = Load(checkpoint);
        CollectionAssert.AreEqual(checkpoint, Full(resumed), "re-export of the loaded learner and readout");
        Assert.AreEqual(interrupted.Learner.TrainingLayer, resumed.Learner.TrainingLayer);
        Assert.AreEqual(interrupted.Readout.LearningRateShift, resumed.Readout.LearningRateShift);
        Train(resumed, split, Data.Count);

        Assert.AreEqual(uninterrupted.Learner.SamplesSeen, resumed.Learner.SamplesSeen);
        Assert.AreEqual(Data.Count - 1, resumed.Learner.SamplesSeen, "every input but the first has a negative partner");
        Assert.AreEqual(uninterrupted.Learner.PairCount, resumed.Learner.PairCount);
        Assert.AreEqual(uninterrupted.Learner.PositiveGoodnessSum, resumed.Learner.PositiveGoodnessSum);
        Assert.AreEqual(uninterrupted.Learner.NegativeGoodnessSum, resumed.Learner.NegativeGoodnessSum);
        Assert.AreEqual(uninterrupted.Readout.SamplesSeen, resumed.Readout.SamplesSeen);
        for (int l = 0; l < 2; l++)
        {
            CollectionAssert.AreEqual(uninterrupted.Learner.Network.Weights[l], resumed.Learner.Network.Weights[l], $"weights of layer {l}");
            CollectionAssert.AreEqual(uninterrupted.Learner.Network.Biases[l], resumed.Learner.Network.Biases[l], $"biases of layer {l}");
        }

        CollectionAssert.AreEqual(uninterrupted.Readout.Weights, resumed.Readout.Weights);
        CollectionAssert.AreEqual(uninterrupted.Readout.Biases, resumed.Readout.Biases);
        // Everything else (momentum, latent weights, ring, generators, counters, readout latent) through the full image.
        CollectionAssert.AreEqual(Full(uninterrupted), Full(resumed));

        // The weights did move after the split: the comparison above would see a resume that lost the state.
        var untrained = Fresh(Settings(optimizer, bits));
        CollectionAssert.AreNotEqual(untrained.Learner.Network.Weights[1], resumed.Learner.Network.Weights[1]);
    }

    [TestMethod]
    public void FullImage_LoadedWithoutItsState_WouldDiverge()
    {
        // The control of the resume test: the same parameters restarted from an inference image (fresh momentum, ring,
        // generators) do not give the uninterrupted integers, so the full image's state is what makes the resume exact.
        Pair uninterrupted = Trained(ContrastiveOptimizer.SgdMomentum, 32, Data.Count);
        Pair interrupted = Trained(ContrastiveOptimizer.SgdMomentum, 32, 45);
        byte[] inference = SelfContrastiveForwardForwardImage.WriteInference(interrupted.Learner.Network, interrupted.Learner.Settings, 4, interrupted.Readout, true, null);
        Assert.IsTrue(SelfContrastiveForwardForwardImage.TryRead(inference, 0, inference.Length, ImageLimits.Default, out SelfContrastiveForwardForwardModel model, out ImageError error), error?.ToString());
        var restarted = new Pair(new SelfContrastiveForwardForwardLearner(model.Network, model.Settings, KernelSet.Reference, model.ImageWidth), model.CreateReadout(KernelSet.Reference));

        Train(restarted, 45, Data.Count);

        CollectionAssert.AreNotEqual(uninterrupted.Learner.Network.Weights[0], restarted.Learner.Network.Weights[0]);
    }

    [TestMethod]
    public void TryRestore_IntoExistingLearnerAndReadout_OverwritesEverythingAndResumesExactly()
    {
        Pair source = Trained(ContrastiveOptimizer.SgdMomentum, 32, 85);
        byte[] image = Full(source);
        Pair target = Fresh(Settings(ContrastiveOptimizer.SgdMomentum, 32));
        Train(target, 0, 50); // diverge first: other layer, ring, batch position, readout rate
        target.Readout.LearningRateShift += 3;
        CollectionAssert.AreNotEqual(image, Full(target));

        Assert.IsTrue(SelfContrastiveForwardForwardImage.TryRestore(TestImages.Parse(image), target.Learner, target.Readout, out ImageError error), error?.ToString());

        CollectionAssert.AreEqual(image, Full(target));
        Train(source, 85, Data.Count);
        Train(target, 85, Data.Count);
        CollectionAssert.AreEqual(Full(source), Full(target));
    }

    [TestMethod]
    public void TryRestore_DamagedOrMismatchedImage_RefusedWithTheSpecificErrorAndNothingTouched()
    {
        byte[] image = Full(Trained(ContrastiveOptimizer.SgdMomentum, 32, 85));
        int latentAt = TestImages.Payload(image, ImageSectionTypes.LayerLatentS32, 0);
        int readoutLatentAt = TestImages.Payload(image, ImageSectionTypes.ReadoutLatentS32, 0);
        int momentumEntry = TestImages.Entry(image, ImageSectionTypes.MomentumS32, 0);
        var otherTh1 = Settings(ContrastiveOptimizer.SgdMomentum, 32);
        otherTh1.Threshold1 = new[] { 2.5 };

        Pair Same() => Fresh(Settings(ContrastiveOptimizer.SgdMomentum, 32));
        Pair other = Same();
        byte[] inference = SelfContrastiveForwardForwardImage.WriteInference(other.Learner.Network, other.Learner.Settings, 4, other.Readout, true, null);
        var cases = new (string Name, byte[] Image, Pair Target, ImageErrorCode Code, long Offset)[]
        {
            ("other architecture", image, Fresh(Settings(ContrastiveOptimizer.SgdMomentum, 32), new[] { 16, 12, 8 }), ImageErrorCode.IncompatibleModel, ImageFormat.HeaderSize),
            ("other thresholds", image, Fresh(otherTh1), ImageErrorCode.IncompatibleModel, ImageFormat.HeaderSize),
            ("other image width", image, Fresh(Settings(ContrastiveOptimizer.SgdMomentum, 32), imageWidth: 0), ImageErrorCode.IncompatibleModel, ImageFormat.HeaderSize),
            ("other readout loss", image, Fresh(Settings(ContrastiveOptimizer.SgdMomentum, 32), softmax: true), ImageErrorCode.IncompatibleModel, ImageFormat.HeaderSize),
            ("other readout classes", image, Fresh(Settings(ContrastiveOptimizer.SgdMomentum, 32), classes: 5), ImageErrorCode.IncompatibleModel, ImageFormat.HeaderSize),
            ("inference image", inference, Same(), ImageErrorCode.NotFullImage, ImageFormat.ImageKindOffset),
            ("in_batch = batch size", WithCounter(image, SelfContrastiveForwardForwardImage.KeyInBatch, 8), Same(), ImageErrorCode.BadValue, CounterValue(image, SelfContrastiveForwardForwardImage.KeyInBatch) - 4 - SelfContrastiveForwardForwardImage.KeyInBatch.Length),
            ("training layer 2 of 2", WithCounter(image, SelfContrastiveForwardForwardImage.KeyTrainingLayer, 2), Same(), ImageErrorCode.BadValue, CounterValue(image, SelfContrastiveForwardForwardImage.KeyTrainingLayer) - 4 - SelfContrastiveForwardForwardImage.KeyTrainingLayer.Length),
            ("ring slot past the ring", WithCounter(image, SelfContrastiveForwardForwardImage.KeyRingNext, 10), Same(), ImageErrorCode.BadValue, CounterValue(image, SelfContrastiveForwardForwardImage.KeyRingNext) - 4 - SelfContrastiveForwardForwardImage.KeyRingNext.Length),
            ("all-zero view generator", TestImages.Changed(image, b => b.AsSpan(CounterValue(image, SelfContrastiveForwardForwardImage.KeyViewRngState), 16).Clear()), Same(), ImageErrorCode.BadValue, CounterValue(image, SelfContrastiveForwardForwardImage.KeyViewRngState) - 4 - SelfContrastiveForwardForwardImage.KeyViewRngState.Length),
            ("training layer 0: state of another shape", WithCounter(image, SelfContrastiveForwardForwardImage.KeyTrainingLayer, 0), Same(), ImageErrorCode.ShapeMismatch, momentumEntry + 8),
            ("latent weight off by one weight LSB", TestImages.Changed(image, b => b[latentAt + 4 * 7 + 2] ^= 1), Same(), ImageErrorCode.BadValue, latentAt + 4 * 7),
            ("readout latent off by one weight LSB", TestImages.Changed(image, b => b[readoutLatentAt + 4 * 3 + 2] ^= 1), Same(), ImageErrorCode.BadValue, readoutLatentAt + 4 * 3),
            ("no bias momentum", Rebuild(image, t => t == ImageSectionTypes.BiasMomentumS32 ? -1 : t), Same(), ImageErrorCode.MissingSection, ImageFormat.HeaderSize),
            ("16-bit momentum in a 32-bit image", Rebuild(image, t => t == ImageSectionTypes.MomentumS32 ? ImageSectionTypes.MomentumS16 : t), Same(), ImageErrorCode.UnexpectedSection, momentumEntry),
            ("section CRC", TestImages.Changed(image, b => b[latentAt] ^= 0x40, sections: false), Same(), ImageErrorCode.SectionCrcMismatch, -1),
        };

        foreach (var (name, bad, target, code, offset) in cases)
        {
            Train(target, 0, 30);
            byte[] before = Full(target);
            Assert.IsTrue(ModelImage.TryParse(bad, ImageLimits.Default, out ModelImage candidate, out ImageError parseError) || parseError.Code == code, $"{name}: {parseError}");
            ImageError error;
            if (candidate is null)
            {
                error = parseError;
            }
            else
            {
                Assert.IsFalse(SelfContrastiveForwardForwardImage.TryRestore(candidate, target.Learner, target.Readout, out error), $"{name}: accepted");
                if (code != ImageErrorCode.IncompatibleModel)
                {
                    // The image itself is refused, so no learner can be built from it either.
                    Assert.IsFalse(SelfContrastiveForwardForwardImage.TryCreateLearner(candidate, KernelSet.Reference, out _, out _, out _, out ImageError created), $"{name}: a learner was created");
                    Assert.AreEqual(code, created.Code, $"{name}: TryCreateLearner: {created}");
                }
            }

            Assert.AreEqual(code, error.Code, $"{name}: {error}");
            if (offset >= 0)
            {
                Assert.AreEqual(offset, error.Offset, $"{name}: {error}");
            }

            CollectionAssert.AreEqual(before, Full(target), $"{name}: the learner or readout changed");
        }
    }

    [TestMethod]
    public void TryCreateLearner_InferenceImage_RefusedWithNotFullImage()
    {
        Pair p = Trained(ContrastiveOptimizer.Signum, 16, 20);
        byte[] image = SelfContrastiveForwardForwardImage.WriteInference(p.Learner.Network, p.Learner.Settings, 4, p.Readout, true, null);

        Assert.IsFalse(SelfContrastiveForwardForwardImage.TryCreateLearner(TestImages.Parse(image), KernelSet.Reference, out SelfContrastiveForwardForwardModel model, out SelfContrastiveForwardForwardLearner learner, out FixedPointReadout readout, out ImageError error));

        Assert.AreEqual(ImageErrorCode.NotFullImage, error.Code);
        Assert.AreEqual(ImageFormat.ImageKindOffset, error.Offset);
        Assert.IsNull(model);
        Assert.IsNull(learner);
        Assert.IsNull(readout);
    }

    [TestMethod]
    public void TryRead_FullImage_PredictsAsTheInferenceImageAndStripsToItByteForByte()
    {
        Pair p = Trained(ContrastiveOptimizer.SgdMomentum, 32, 100);
        var metadata = ModelImageFiles.CreateMetadata(data: "clusters", testAccuracy: 0.5);
        byte[] full = SelfContrastiveForwardForwardImage.WriteFull(p.Learner, p.Readout, true, metadata);
        byte[] inference = SelfContrastiveForwardForwardImage.WriteInference(p.Learner.Network, p.Learner.Settings, 4, p.Readout, true, metadata);

        Assert.IsTrue(SelfContrastiveForwardForwardImage.TryRead(full, 0, full.Length, ImageLimits.Default, out SelfContrastiveForwardForwardModel model, out ImageError error), error?.ToString());

        Assert.IsTrue(model.HasLearnerState);
        Assert.AreEqual(p.Readout.SamplesSeen, model.ReadoutSamplesSeen);
        CollectionAssert.AreEqual(inference, SelfContrastiveForwardForwardImage.WriteInference(model, KernelSet.Reference));
        Assert.IsTrue(full.Length > inference.Length);
        SelfContrastiveClassifier classifier = model.CreateClassifier(KernelSet.Reference);
        var original = new SelfContrastiveClassifier(new SelfContrastiveFeatureExtractor(p.Learner.Network, KernelSet.Reference, true), p.Readout);
        for (int i = 0; i < Data.Count; i++)
        {
            Assert.AreEqual(original.Predict(Data.Inputs, i * Data.Dimension), classifier.Predict(Data.Inputs, i * Data.Dimension), $"sample {i}");
            CollectionAssert.AreEqual(original.Readout.Scores, classifier.Readout.Scores, $"scores of sample {i}");
        }
    }

    [TestMethod]
    public void WriteFull_WeightsOrSettingsChangedOutsideTheLearnerOrReadout_Throws()
    {
        Pair p = Trained(ContrastiveOptimizer.SgdMomentum, 32, 70);
        p.Learner.Network.Weights[1][5]++;
        var e = Assert.ThrowsExactly<ArgumentException>(() => Full(p));
        StringAssert.Contains(e.Message, "latent weight 5 of training layer 1");

        p.Learner.Network.Weights[1][5]--;
        p.Readout.Weights[2]++;
        e = Assert.ThrowsExactly<ArgumentException>(() => Full(p));
        StringAssert.Contains(e.Message, "readout latent weight 2");

        p.Readout.Weights[2]--;
        Full(p); // consistent again
        p.Learner.Settings.RingSize = 11;
        e = Assert.ThrowsExactly<ArgumentException>(() => Full(p));
        StringAssert.Contains(e.Message, "settings were changed");
    }

    [TestMethod]
    [DataRow(ContrastiveOptimizer.SgdMomentum, 32, 85)]
    [DataRow(ContrastiveOptimizer.Signum, 16, 45)]
    public void TryCreateLearner_SeededResealedMutations_NeverThrowAndAcceptedOnesReexportCanonically(ContrastiveOptimizer optimizer, int bits, int split)
    {
        byte[] image = Full(Trained(optimizer, bits, split));
        int payloadStart = ImageFormat.HeaderSize + ImageFormat.SectionEntrySize * TestImages.Parse(image).SectionCount;
        var rng = new Random(17);
        int refused = 0;
        int accepted = 0;
        for (int k = 0; k < 500; k++)
        {
            int at = rng.Next(payloadStart, image.Length - 4);
            byte value = (byte)(rng.Next(256) | 1);
            byte[] mutant = TestImages.Changed(image, b => b[at] ^= value);
            if (ModelImage.TryParse(mutant, ImageLimits.Default, out ModelImage parsed, out ImageError error)
                && SelfContrastiveForwardForwardImage.TryCreateLearner(parsed, KernelSet.Reference, out SelfContrastiveForwardForwardModel model, out SelfContrastiveForwardForwardLearner learner, out FixedPointReadout readout, out error))
            {
                CollectionAssert.AreEqual(mutant, SelfContrastiveForwardForwardImage.WriteFull(learner, readout, model.ReadoutAllLayers, model.Metadata), $"mutant {k} (byte {at}) was accepted but is not canonical");
                accepted++;
            }
            else
            {
                Assert.AreNotEqual(ImageErrorCode.None, error.Code);
                refused++;
            }
        }

        Assert.IsTrue(refused > 0, "no mutant was refused");
        Assert.IsTrue(accepted > 0, "no mutant was accepted: the payload mutations never reached momentum, ring or weights");
    }

    [TestMethod]
    public void TrainOutFullImage_ThenVerifyInspectEvalExport_SameAccuracyAndResumableState()
    {
        using var dir = new TempDirectory();
        WriteBars(dir.Path);
        string full = dir.Combine("full.elmi");
        string stripped = dir.Combine("inference.elmi");
        string trainReport = dir.Combine("train.json");
        string evalReport = dir.Combine("eval.json");
        string[] train = { "train", "--algo", "scff", "--data", "idx", "--data-dir", dir.Path, "--arch", "64-24-16", "--epochs", "1", "--batch", "10",
            "--layer-lr", "0.01", "--th1", "2", "--th2", "3", "--readout-epochs", "4", "--quiet" };

        Assert.AreEqual(ExitCodes.Usage, Run([.. train, "--full-image"]).Code, "--full-image without --out");
        var (code, output, error) = Run([.. train, "--out", full, "--full-image", "--report", trainReport]);
        Assert.AreEqual(ExitCodes.Success, code, error + output);
        Assert.AreEqual(ExitCodes.Success, Run("verify", full).Code);
        (code, output, error) = Run("inspect", full);
        Assert.AreEqual(ExitCodes.Success, code, error);
        StringAssert.Contains(output, "learner     scff");
        StringAssert.Contains(output, "(learner state: training can resume)");
        StringAssert.Contains(output, "MOMENTUM_S32");
        StringAssert.Contains(output, "INPUT_RING_S16");
        StringAssert.Contains(output, "training_layer");

        (code, output, error) = Run("eval", "--model", full, "--data", "idx", "--data-dir", dir.Path, "--report", evalReport, "--quiet");
        Assert.AreEqual(ExitCodes.Success, code, error + output);
        using (JsonDocument trained = JsonDocument.Parse(File.ReadAllText(trainReport)))
        using (JsonDocument evaluated = JsonDocument.Parse(File.ReadAllText(evalReport)))
        {
            Assert.AreEqual(trained.RootElement.GetProperty("test_accuracy").GetDouble(), evaluated.RootElement.GetProperty("test_accuracy").GetDouble());
            Assert.AreEqual(trained.RootElement.GetProperty("model_sha256").GetString(), evaluated.RootElement.GetProperty("model_sha256").GetString());
            Assert.AreEqual(new FileInfo(full).Length, trained.RootElement.GetProperty("model_image_bytes").GetInt64());
        }

        // The state of the end of the run: 2 layers x 90 inputs, the first without a partner; 4 readout epochs x 90 labels.
        byte[] bytes = File.ReadAllBytes(full);
        Pair resumed = Load(bytes);
        Assert.AreEqual(179, resumed.Learner.SamplesSeen);
        Assert.AreEqual(1, resumed.Learner.TrainingLayer);
        Assert.AreEqual(360, resumed.Readout.SamplesSeen);
        Assert.AreEqual(new SelfContrastiveForwardForwardSettings().RingSize, resumed.Learner.Pairs.Count, "180 inputs filled the default ring");

        Assert.AreEqual(ExitCodes.Success, Run("export", full, "--inference", "--out", stripped, "--quiet").Code);
        byte[] inference = File.ReadAllBytes(stripped);
        Assert.IsFalse(TestImages.Parse(inference).IsFull);
        Assert.IsTrue(SelfContrastiveForwardForwardImage.TryRead(bytes, 0, bytes.Length, ImageLimits.Default, out SelfContrastiveForwardForwardModel model, out ImageError readError), readError?.ToString());
        CollectionAssert.AreEqual(SelfContrastiveForwardForwardImage.WriteInference(model, KernelSet.Reference), inference);
        (code, output, error) = Run("eval", "--model", stripped, "--data", "idx", "--data-dir", dir.Path, "--quiet");
        Assert.AreEqual(ExitCodes.Success, code, error + output);
    }

    // 8x8 bars: class 0 horizontal, 1 vertical, 2 diagonal, at positions 1 .. 6, faint noise; 90 train, 45 test.
    private static void WriteBars(string directory)
    {
        static byte Pixel(int i, int p, int salt)
        {
            int label = i % 3;
            int offset = 1 + (i / 3 + salt) % 6;
            int r = p / 8;
            int c = p % 8;
            bool on = label == 0 ? r == offset : label == 1 ? c == offset : (r + offset) % 8 == c;
            return (byte)((on ? 200 : 0) + (i * 7 + p * 13 + salt) % 31);
        }

        static byte[] Labels(int n)
        {
            var l = new byte[n];
            for (int i = 0; i < n; i++)
            {
                l[i] = (byte)(i % 3);
            }

            return IdxFiles.Labels(l);
        }

        IdxFiles.WriteSet(directory, false, IdxFiles.Images(90, 8, 8, (i, p) => Pixel(i, p, 0)), Labels(90), IdxFiles.Images(45, 8, 8, (i, p) => Pixel(i, p, 3)), Labels(45));
    }

    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = EdgeLearnCli.Run(args, Program.CreateRegistry(), output, error);
        return (code, output.ToString(), error.ToString());
    }
}
