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

/// <summary>scff inference images: SCFF layers and the fixed-point readout, written, read, refused.</summary>
[TestClass]
public sealed class SelfContrastiveForwardForwardImageTests
{
    private sealed record Trained(SelfContrastiveForwardForwardNetwork Network, SelfContrastiveForwardForwardSettings Settings, FixedPointReadout Readout, bool AllLayers, SyntheticClusters Data);

    // A 16-12-10 SCFF network trained a little on both layers, and a readout trained on its features.
    private static Trained Train(bool allLayers, ContrastiveOptimizer optimizer, bool softmax = false)
    {
        var data = new SyntheticClusters(16, 4, 120, 0.25, 7);
        var settings = new SelfContrastiveForwardForwardSettings
        {
            Optimizer = optimizer,
            AccumulatorBits = optimizer == ContrastiveOptimizer.Signum ? 16 : 32,
            LearningRate = new[] { optimizer == ContrastiveOptimizer.Signum ? 1e-3 : 0.05, 0.02 },
            Threshold1 = new[] { 2.0 },
            Threshold2 = new[] { 3.0, 2.5 },
            BatchSize = 8,
            RingSize = 10,
            ViewShift = 1,
            Seed = 11,
        };
        var network = new SelfContrastiveForwardForwardNetwork(new NetworkDescription(new[] { 16, 12, 10 }, 1));
        network.Initialize(settings.Seed);
        var learner = new SelfContrastiveForwardForwardLearner(network, settings, KernelSet.Reference, 4);
        for (int layer = 0; layer < 2; layer++)
        {
            learner.TrainingLayer = layer;
            for (int i = 0; i < data.Count; i++)
            {
                learner.TrainSample(data.Inputs, i * data.Dimension);
            }
        }

        learner.EndBatch();
        var extractor = new SelfContrastiveFeatureExtractor(network, KernelSet.Reference, allLayers);
        var readout = new FixedPointReadout(extractor.FeatureCount, data.Classes, SelfContrastiveForwardForwardSettings.InputFractionBits, 1.0 / 64, KernelSet.Reference) { Softmax = softmax };
        var f = new short[extractor.FeatureCount];
        for (int e = 0; e < 3; e++)
        {
            for (int i = 0; i < data.Count; i++)
            {
                extractor.Compute(data.Inputs, i * data.Dimension, f, 0);
                readout.TrainSample(f, 0, data.Labels[i]);
            }
        }

        readout.LearningRateShift = readout.LearningRateShift + 2;
        return new Trained(network, settings, readout, allLayers, data);
    }

    private static byte[] Write(Trained t, ImageRecords? metadata = null)
        => SelfContrastiveForwardForwardImage.WriteInference(t.Network, t.Settings, 4, t.Readout, t.AllLayers, metadata);

    private static ImageError Refuse(byte[] image)
    {
        bool ok = SelfContrastiveForwardForwardImage.TryRead(image, 0, image.Length, ImageLimits.Default, out SelfContrastiveForwardForwardModel model, out ImageError error);
        Assert.IsFalse(ok, "the image was accepted");
        Assert.IsNull(model, "a refused image must not yield a model");
        Assert.IsNotNull(error);
        return error;
    }

    // Image offset of the i32 value of record `key` in the HYPERPARAMETERS section.
    private static int Int32Value(byte[] image, string key)
    {
        ImageRecords h = TestImages.Parse(image).Hyperparameters;
        int i = h.IndexOf(key);
        Assert.IsTrue(i >= 0, key);
        Assert.AreEqual(ImageRecords.TypeInt32, h.ValueType(i));
        return h.RecordOffset(i) + 4 + key.Length;
    }

    private static byte[] WithInt32(byte[] image, string key, int value)
        => TestImages.Changed(image, b => BitConverter.TryWriteBytes(b.AsSpan(Int32Value(image, key)), value));

    [TestMethod]
    [DataRow(true, ContrastiveOptimizer.SgdMomentum, false)]
    [DataRow(false, ContrastiveOptimizer.SgdMomentum, true)]
    [DataRow(true, ContrastiveOptimizer.Signum, false)]
    public void TrainWriteRead_InferenceImage_SamePredictionsScoresAndBytes(bool allLayers, ContrastiveOptimizer optimizer, bool softmax)
    {
        Trained t = Train(allLayers, optimizer, softmax);
        var metadata = ModelImageFiles.CreateMetadata(data: "clusters", testAccuracy: 0.5);
        byte[] image = Write(t, metadata);

        Assert.IsTrue(SelfContrastiveForwardForwardImage.TryRead(image, 0, image.Length, ImageLimits.Default, out SelfContrastiveForwardForwardModel model, out ImageError error), error?.ToString());
        Assert.AreEqual(ImageLearnerKinds.Scff, model.Image.LearnerKind);
        Assert.IsFalse(model.Image.IsFull);
        Assert.AreEqual(allLayers, model.ReadoutAllLayers);
        Assert.AreEqual(allLayers ? 22 : 10, model.FeatureCount);
        Assert.AreEqual(4, model.ImageWidth);
        Assert.AreEqual(softmax, model.ReadoutSoftmax);
        Assert.AreEqual(t.Readout.LearningRateShift, model.ReadoutRateShift);
        for (int l = 0; l < 2; l++)
        {
            CollectionAssert.AreEqual(t.Network.Weights[l], model.Network.Weights[l]);
            CollectionAssert.AreEqual(t.Network.Biases[l], model.Network.Biases[l]);
        }

        var original = new SelfContrastiveClassifier(new SelfContrastiveFeatureExtractor(t.Network, KernelSet.Reference, allLayers), t.Readout);
        SelfContrastiveClassifier loaded = model.CreateClassifier(KernelSet.Reference);
        int distinct = 0;
        int first = -1;
        for (int i = 0; i < t.Data.Count; i++)
        {
            int a = original.Predict(t.Data.Inputs, i * t.Data.Dimension);
            int[] scores = (int[])original.Readout.Scores.Clone();
            int b = loaded.Predict(t.Data.Inputs, i * t.Data.Dimension);
            Assert.AreEqual(a, b, $"sample {i}");
            CollectionAssert.AreEqual(scores, loaded.Readout.Scores, $"scores of sample {i}");
            first = first < 0 ? a : first;
            distinct += a != first ? 1 : 0;
        }

        Assert.IsTrue(distinct > 0, "every sample got the same class: the comparison would not see a broken readout");
        CollectionAssert.AreEqual(image, SelfContrastiveForwardForwardImage.WriteInference(model, KernelSet.Reference));
        Assert.AreEqual("clusters", model.Metadata.TryGetString("data", out string name) ? name : null);
    }

    [TestMethod]
    public void Read_Corrupted_RefusedWithTheFailedCheck()
    {
        byte[] image = Write(Train(true, ContrastiveOptimizer.SgdMomentum));

        Assert.AreEqual(ImageErrorCode.Truncated, Refuse(image[..^8]).Code);
        var flipped = (byte[])image.Clone();
        flipped[TestImages.Payload(image, ImageSectionTypes.ReadoutWeightsS16, 0) + 3] ^= 0x10;
        Assert.AreEqual(ImageErrorCode.ImageCrcMismatch, Refuse(flipped).Code);
        // Resealed except the section CRCs: the section CRC catches the change.
        flipped = TestImages.Changed(image, b => b[TestImages.Payload(image, ImageSectionTypes.WeightsS16, 1) + 5] ^= 0x01, sections: false);
        Assert.AreEqual(ImageErrorCode.SectionCrcMismatch, Refuse(flipped).Code);
    }

    [TestMethod]
    public void Read_ReadoutShapeOrHyperparametersWrong_RefusedWithSpecificError()
    {
        byte[] image = Write(Train(true, ContrastiveOptimizer.SgdMomentum));
        int readoutEntry = TestImages.Entry(image, ImageSectionTypes.ReadoutWeightsS16, 0);

        // The readout reads all layers (22 features); declaring "last layer" (10) no longer fits its 4 x 22 weights.
        ImageError e = Refuse(WithInt32(image, SelfContrastiveForwardForwardImage.KeyReadoutLayers, SelfContrastiveForwardForwardImage.ReadoutLastLayer));
        Assert.AreEqual(ImageErrorCode.ShapeMismatch, e.Code);
        Assert.AreEqual(readoutEntry + 8, e.Offset);
        StringAssert.Contains(e.Message, "READOUT_WEIGHTS_S16");

        e = Refuse(WithInt32(image, SelfContrastiveForwardForwardImage.KeyClasses, 5));
        Assert.AreEqual(ImageErrorCode.ShapeMismatch, e.Code);

        e = Refuse(WithInt32(image, SelfContrastiveForwardForwardImage.KeyReadoutLayers, 3));
        Assert.AreEqual(ImageErrorCode.BadValue, e.Code);
        Assert.AreEqual(Int32Value(image, SelfContrastiveForwardForwardImage.KeyReadoutLayers) - 4 - SelfContrastiveForwardForwardImage.KeyReadoutLayers.Length, e.Offset);

        e = Refuse(WithInt32(image, SelfContrastiveForwardForwardImage.KeyImageWidth, 5));
        Assert.AreEqual(ImageErrorCode.BadValue, e.Code);
        StringAssert.Contains(e.Message, "image width 5");

        e = Refuse(WithInt32(image, SelfContrastiveForwardForwardImage.KeyBatchSize, 0));
        Assert.AreEqual(ImageErrorCode.BadValue, e.Code);
        StringAssert.Contains(e.Message, "BatchSize");

        int scales = TestImages.Payload(image, ImageSectionTypes.Scales, 0);
        e = Refuse(TestImages.Changed(image, b => b[scales + 4] = 3));
        Assert.AreEqual(ImageErrorCode.BadValue, e.Code);
        Assert.AreEqual(scales + 4, e.Offset);

        // A key renamed (same length, still in order) is unknown, and the original one is then missing.
        int at = Int32Value(image, SelfContrastiveForwardForwardImage.KeyViewShift) - SelfContrastiveForwardForwardImage.KeyViewShift.Length;
        e = Refuse(TestImages.Changed(image, b => b[at] = (byte)'w'));
        Assert.AreEqual(ImageErrorCode.UnknownKey, e.Code);
    }

    [TestMethod]
    public void Read_OtherLearnerKindOrWrongReader_RefusedWithWrongLearnerKind()
    {
        byte[] scff = Write(Train(false, ContrastiveOptimizer.SgdMomentum));
        byte[] bep = TestImages.Inference();

        Assert.AreEqual(ImageErrorCode.WrongLearnerKind, Refuse(bep).Code);
        Assert.IsFalse(EquilibriumPropagationImage.TryRead(scff, 0, scff.Length, ImageLimits.Default, out _, out ImageError error));
        Assert.AreEqual(ImageErrorCode.WrongLearnerKind, error.Code);

        // A bep image relabelled as scff: b1 weights are not SCFF's.
        byte[] relabelled = TestImages.Changed(bep, b => b[ImageFormat.LearnerKindOffset] = (byte)ImageLearnerKinds.Scff);
        Assert.AreEqual(ImageErrorCode.UnsupportedFormat, Refuse(relabelled).Code);

        // A full image kind is not defined for scff.
        byte[] full = TestImages.Changed(scff, b => b[ImageFormat.ImageKindOffset] = ImageFormat.FullImage);
        Assert.AreEqual(ImageErrorCode.MissingSection, Refuse(full).Code); // the container wants LEARNER_COUNTERS first
    }

    // The sections of `image` that `keep` accepts, plus the LEARNER_COUNTERS `counters` (if any), as an image of `kind`.
    private static byte[] Rebuild(byte[] image, int kind, Func<int, bool> keep, ImageRecords? counters = null)
    {
        ModelImage parsed = TestImages.Parse(image);
        void Emit(ModelImageBuilder b)
        {
            for (int i = 0; i < parsed.SectionCount; i++)
            {
                int t = parsed.SectionType(i);
                if (counters is not null && t > ImageSectionTypes.LearnerCounters && (i == 0 || parsed.SectionType(i - 1) <= ImageSectionTypes.LearnerCounters))
                {
                    b.BeginSection(ImageSectionTypes.LearnerCounters, 0);
                    counters.WriteTo(b);
                    b.EndSection();
                }

                if (keep(t))
                {
                    b.BeginSection(t, parsed.SectionIndex(i));
                    b.WriteBytes(image, parsed.PayloadStart(i), parsed.SectionLength(i));
                    b.EndSection();
                }
            }
        }

        var plan = new ModelImageBuilder(kind, ImageLearnerKinds.Scff);
        Emit(plan);
        ModelImageBuilder writer = plan.CreateWriter();
        Emit(writer);
        return writer.Finish();
    }

    [TestMethod]
    public void Read_ReadoutMissingOrFullImage_RefusedByTheScffRules()
    {
        byte[] image = Write(Train(false, ContrastiveOptimizer.SgdMomentum));
        CollectionAssert.AreEqual(image, Rebuild(image, ImageFormat.InferenceImage, _ => true), "rebuilding every section must give the same image");

        ImageError e = Refuse(Rebuild(image, ImageFormat.InferenceImage, t => t != ImageSectionTypes.ReadoutBiasesS32));
        Assert.AreEqual(ImageErrorCode.MissingSection, e.Code);
        StringAssert.Contains(e.Message, "READOUT_BIASES_S32");

        // A full image needs the learner state, not just counters: the first state section missing is named.
        var counters = new ImageRecords();
        counters.SetInt64("samples_seen", 1);
        e = Refuse(Rebuild(image, ImageFormat.FullImage, _ => true, counters));
        Assert.AreEqual(ImageErrorCode.MissingSection, e.Code);
        Assert.AreEqual(ImageFormat.HeaderSize, e.Offset);
        StringAssert.Contains(e.Message, "MOMENTUM_S32");
    }

    [TestMethod]
    public void Read_RandomResealedPayloadMutations_RefusedOrCanonical()
    {
        byte[] image = Write(Train(true, ContrastiveOptimizer.Signum), ModelImageFiles.CreateMetadata(data: "clusters"));
        int payloadStart = ImageFormat.HeaderSize + ImageFormat.SectionEntrySize * TestImages.Parse(image).SectionCount;
        var rng = new Random(3);
        int refused = 0;
        for (int k = 0; k < 400; k++)
        {
            int at = rng.Next(payloadStart, image.Length - 4);
            byte value = (byte)rng.Next(256);
            byte[] mutant = TestImages.Changed(image, b => b[at] ^= (byte)(value | 1));
            if (SelfContrastiveForwardForwardImage.TryRead(mutant, 0, mutant.Length, ImageLimits.Default, out SelfContrastiveForwardForwardModel model, out ImageError error))
            {
                CollectionAssert.AreEqual(mutant, SelfContrastiveForwardForwardImage.WriteInference(model, KernelSet.Reference), $"mutant {k} (byte {at}) was accepted but is not canonical");
            }
            else
            {
                Assert.IsNull(model);
                Assert.AreNotEqual(ImageErrorCode.None, error.Code);
                refused++;
            }
        }

        Assert.IsTrue(refused > 0, "no mutant was refused");
    }

    [TestMethod]
    public void TrainOutThenEval_ScffImage_SameAccuracyAsTheTrainingRun()
    {
        using var dir = new TempDirectory();
        // 8x8 bars: class 0 horizontal, 1 vertical, 2 diagonal, at positions 1 .. 6, faint noise.
        byte Pixel(int i, int p, int salt)
        {
            int label = i % 3;
            int offset = 1 + (i / 3 + salt) % 6;
            int r = p / 8;
            int c = p % 8;
            bool on = label == 0 ? r == offset : label == 1 ? c == offset : (r + offset) % 8 == c;
            return (byte)((on ? 200 : 0) + (i * 7 + p * 13 + salt) % 31);
        }

        byte[] Labels(int n)
        {
            var l = new byte[n];
            for (int i = 0; i < n; i++)
            {
                l[i] = (byte)(i % 3);
            }

            return IdxFiles.Labels(l);
        }

        IdxFiles.WriteSet(dir.Path, false, IdxFiles.Images(90, 8, 8, (i, p) => Pixel(i, p, 0)), Labels(90), IdxFiles.Images(45, 8, 8, (i, p) => Pixel(i, p, 3)), Labels(45));
        string image = dir.Combine("scff.elmi");
        string trainReport = dir.Combine("train.json");
        string evalReport = dir.Combine("eval.json");

        var (code, output, error) = Run("train", "--algo", "scff", "--data", "idx", "--data-dir", dir.Path, "--arch", "64-24-16", "--epochs", "1", "--batch", "10",
            "--layer-lr", "0.01", "--th1", "2", "--th2", "3", "--readout-epochs", "4", "--out", image, "--report", trainReport, "--quiet");
        Assert.AreEqual(ExitCodes.Success, code, error + output);
        Assert.AreEqual(ExitCodes.Success, Run("verify", image).Code);
        (code, output, error) = Run("inspect", image);
        Assert.AreEqual(ExitCodes.Success, code, error);
        StringAssert.Contains(output, "learner     scff");
        StringAssert.Contains(output, "readout 40 features (all layers) -> 3 classes");
        StringAssert.Contains(output, "READOUT_WEIGHTS_S16");

        (code, output, error) = Run("eval", "--model", image, "--data", "idx", "--data-dir", dir.Path, "--report", evalReport, "--quiet");

        Assert.AreEqual(ExitCodes.Success, code, error + output);
        using JsonDocument trained = JsonDocument.Parse(File.ReadAllText(trainReport));
        using JsonDocument evaluated = JsonDocument.Parse(File.ReadAllText(evalReport));
        double expected = trained.RootElement.GetProperty("test_accuracy").GetDouble();
        Assert.AreEqual(expected, evaluated.RootElement.GetProperty("test_accuracy").GetDouble());
        Assert.AreEqual("scff", evaluated.RootElement.GetProperty("algo").GetString());
        Assert.AreEqual(trained.RootElement.GetProperty("model_sha256").GetString(), evaluated.RootElement.GetProperty("model_sha256").GetString());
        StringAssert.Contains(output, $"({Math.Round(expected * 45)} / 45)");
    }

    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = EdgeLearnCli.Run(args, Program.CreateRegistry(), output, error);
        return (code, output.ToString(), error.ToString());
    }
}
