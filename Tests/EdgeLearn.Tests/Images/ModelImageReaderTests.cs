using System;
using EdgeLearn.HostSim.Images;
using EdgeLearn.Runtime.Images;
using EdgeLearn.Runtime.Learners.EquilibriumPropagation;
using EdgeLearn.Runtime.Models;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace EdgeLearn.Tests.Images;

[TestClass]
public sealed class ModelImageReaderTests
{
    private static readonly byte[] Image = TestImages.Inference(ModelImageFiles.CreateMetadata(data: "abc"));

    private static void U16(byte[] b, int at, int v) => ImageBytes.WriteUInt16(b, at, v);

    private static void U32(byte[] b, int at, long v) => ImageBytes.WriteUInt32(b, at, (uint)v);

    private static void Expect(byte[] image, ImageErrorCode code, long offset, ImageLimits? limits = null)
    {
        ImageError error = TestImages.Refuse(image, limits);
        Assert.AreEqual(code, error.Code, error.ToString());
        Assert.AreEqual(offset, error.Offset, error.ToString());
        StringAssert.StartsWith(error.ToString(), ImageError.CodeName(code) + " at offset " + offset + ": ");
    }

    private static int E(int type, int index) => TestImages.Entry(Image, type, index);

    private static int P(int type, int index) => TestImages.Payload(Image, type, index);

    [TestMethod]
    public void TryParse_ValidImage_ReportsHeaderArchitectureAndSections()
    {
        var m = TestImages.Parse(Image);

        Assert.AreEqual(ImageFormat.InferenceImage, m.ImageKind);
        Assert.AreEqual(ImageLearnerKinds.Bep, m.LearnerKind);
        Assert.AreEqual("16-12-4", m.Description.ToString());
        Assert.AreEqual(ImageFormat.WeightsB1, m.WeightFormat);
        Assert.AreEqual(8, m.SectionCount);
        Assert.AreEqual(Image.Length, m.Length);
        Assert.IsTrue(m.Metadata.TryGetString("data", out string data));
        Assert.AreEqual("abc", data);
    }

    [TestMethod]
    public void TryParse_HeaderDamage_NamesTheCheckAndOffset()
    {
        int n = Image.Length;
        Expect(Array.Empty<byte>(), ImageErrorCode.Truncated, 0);
        Expect(Image.AsSpan(0, 31).ToArray(), ImageErrorCode.Truncated, 31);
        Expect(Image.AsSpan(0, n - 4).ToArray(), ImageErrorCode.Truncated, n - 4);
        Expect(Image, ImageErrorCode.TooLarge, 0, new ImageLimits { MaxImageBytes = n - 4 });
        Expect(Mutated(b => b[0] = (byte)'X'), ImageErrorCode.BadMagic, 0);
        Expect(Mutated(b => U16(b, 4, 2)), ImageErrorCode.UnsupportedVersion, 4);
        Expect(Mutated(b => b[13] ^= 1), ImageErrorCode.HeaderCrcMismatch, 28);
        Expect(TestImages.Changed(Image, b => U16(b, 18, 36)), ImageErrorCode.BadHeader, 18);
        Expect(TestImages.Changed(Image, b => b[25] = 1), ImageErrorCode.ReservedNotZero, 24);
        byte[] longer = new byte[n + 4];
        Image.CopyTo(longer, 0);
        Expect(longer, ImageErrorCode.TrailingBytes, n);
        Expect(TestImages.Changed(Image.AsSpan(0, n - 2).ToArray(), _ => { }), ImageErrorCode.Misaligned, 8);
        Expect(Mutated(b => b[n - 1] ^= 0x80), ImageErrorCode.ImageCrcMismatch, n - 4);
        Expect(Mutated(b => b[P(ImageSectionTypes.WeightsB1, 1)] ^= 4), ImageErrorCode.ImageCrcMismatch, n - 4);
        Expect(TestImages.Changed(Image, b => U16(b, 12, 3)), ImageErrorCode.UnknownImageKind, 12);
        Expect(TestImages.Changed(Image, b => U16(b, 14, 99)), ImageErrorCode.UnknownLearnerKind, 14);
        Expect(TestImages.Changed(Image, b => U16(b, 16, 0)), ImageErrorCode.BadSectionCount, 16);
        Expect(TestImages.Changed(Image, b => U16(b, 16, 5000)), ImageErrorCode.BadSectionCount, 16);
    }

    [TestMethod]
    public void TryParse_TableDamage_NamesTheCheckAndOffset()
    {
        int w1 = E(ImageSectionTypes.WeightsB1, 1);
        Expect(TestImages.Changed(Image, b => U16(b, w1, ImageSectionTypes.Hyperparameters)), ImageErrorCode.SectionOrder, w1);
        Expect(TestImages.Changed(Image, b => U16(b, w1 + 2, 0)), ImageErrorCode.DuplicateSection, w1);
        Expect(TestImages.Changed(Image, b => U16(b, w1, 0x0200)), ImageErrorCode.UnknownSectionType, w1);
        int meta = E(ImageSectionTypes.Metadata, 0);
        Expect(TestImages.Changed(Image, b => U16(b, meta, 0x7FFF)), ImageErrorCode.UnknownSectionType, meta);
        Expect(TestImages.Changed(Image, b => U32(b, w1 + 4, ImageBytes.ReadUInt32(b, w1 + 4) + 2)), ImageErrorCode.SectionMisaligned, w1 + 4);
        Expect(TestImages.Changed(Image, b => U32(b, w1 + 4, ImageBytes.ReadUInt32(b, w1 + 4) - 4)), ImageErrorCode.SectionOverlap, w1 + 4);
        Expect(TestImages.Changed(Image, b => U32(b, w1 + 4, ImageBytes.ReadUInt32(b, w1 + 4) + 4)), ImageErrorCode.SectionGap, w1 + 4);
        Expect(TestImages.Changed(Image, b => U32(b, meta + 8, 0xFFFFFFF0)), ImageErrorCode.SectionOutOfBounds, meta + 8);
        Expect(TestImages.Changed(Image, b => U32(b, meta + 8, ImageBytes.ReadUInt32(b, meta + 8) - 4)), ImageErrorCode.SectionGap, Image.Length - 8);
        Expect(TestImages.Changed(Image, b => b[P(ImageSectionTypes.WeightsB1, 1)] ^= 4, sections: false), ImageErrorCode.SectionCrcMismatch, w1 + 12);
        int model = P(ImageSectionTypes.Model, 0);
        Expect(TestImages.Changed(Image, b => b[model + 15] = 1), ImageErrorCode.PaddingNotZero, model + 15);
    }

    [TestMethod]
    public void TryParse_ContentAgainstArchitecture_NamesTheCheckAndOffset()
    {
        int model = P(ImageSectionTypes.Model, 0);
        int modelEntry = E(ImageSectionTypes.Model, 0);
        Expect(TestImages.Changed(Image, b => U16(b, model, 1)), ImageErrorCode.BadArchitecture, model);
        Expect(TestImages.Changed(Image, b => U16(b, model, 4)), ImageErrorCode.BadSectionLength, modelEntry + 8);
        Expect(TestImages.Changed(Image, b => U16(b, model + 10, 0)), ImageErrorCode.BadArchitecture, model + 10);
        Expect(TestImages.Changed(Image, b => U16(b, model + 2, 3)), ImageErrorCode.BadArchitecture, model + 2);
        Expect(TestImages.Changed(Image, b => b[model + 4] = 9), ImageErrorCode.UnsupportedFormat, model + 4);
        Expect(TestImages.Changed(Image, b => b[model + 5] = 0), ImageErrorCode.UnsupportedFormat, model + 5);
        Expect(TestImages.Changed(Image, b => b[model + 6] = 2), ImageErrorCode.UnsupportedFormat, model + 6);
        Expect(TestImages.Changed(Image, b => b[model + 7] = 2), ImageErrorCode.UnsupportedFormat, model + 7);
        // Widths 16-13-4: layer 0 now needs 13 rows, the section holds 12.
        Expect(TestImages.Changed(Image, b => U16(b, model + 10, 13)), ImageErrorCode.ShapeMismatch, E(ImageSectionTypes.WeightsB1, 0) + 8);
        // s8 weights declared, b1 sections present.
        Expect(TestImages.Changed(Image, b => b[model + 4] = 2), ImageErrorCode.UnexpectedSection, E(ImageSectionTypes.WeightsB1, 0));
        int w0 = P(ImageSectionTypes.WeightsB1, 0);
        Expect(TestImages.Changed(Image, b => b[w0 + 4 + 2] |= 1), ImageErrorCode.PaddingBitsSet, w0 + 4);
        int scales = P(ImageSectionTypes.Scales, 0);
        Expect(TestImages.Changed(Image, b => U32(b, scales + 4, 0)), ImageErrorCode.BadValue, scales + 4);
        int b1 = E(ImageSectionTypes.BiasesS32, 1);
        Expect(TestImages.Changed(Image, b => U16(b, b1 + 2, 2)), ImageErrorCode.BadSectionIndex, b1 + 2);
        int hyper = E(ImageSectionTypes.Hyperparameters, 0);
        Expect(TestImages.Changed(Image, b => U16(b, hyper + 2, 1)), ImageErrorCode.BadSectionIndex, hyper + 2);
    }

    [TestMethod]
    public void TryParse_MissingOrUnexpectedSections_Refused()
    {
        var learner = TestImages.Learner();
        var settings = learner.Settings;
        var network = learner.Network;

        Expect(Build(ImageFormat.InferenceImage, b => Emit(b, network, settings, skipType: ImageSectionTypes.BiasesS32)), ImageErrorCode.MissingSection, 32);
        Expect(Build(ImageFormat.InferenceImage, b => Emit(b, network, settings, skipType: ImageSectionTypes.Model)), ImageErrorCode.MissingSection, 32);
        Expect(Build(ImageFormat.InferenceImage, b => Emit(b, network, settings, skipLayer1Of: ImageSectionTypes.WeightsB1)), ImageErrorCode.MissingSection, 32 + 16 * 3);
        Expect(Build(ImageFormat.InferenceImage, b => Emit(b, network, settings, extraType: ImageSectionTypes.BopAccumulatorsS16)), ImageErrorCode.UnexpectedSection, 32 + 16 * 7);
        Expect(Build(ImageFormat.FullImage, b => Emit(b, network, settings, extraType: ImageSectionTypes.BopAccumulatorsS16)), ImageErrorCode.MissingSection, 32);
        // A full image of 16-bit accumulator settings carrying 8-bit accumulators.
        Expect(Build(ImageFormat.FullImage, b => Emit(b, network, settings, extraType: ImageSectionTypes.BopAccumulatorsS8, counters: true)), ImageErrorCode.UnexpectedSection, 32 + 16 * 7);
    }

    [TestMethod]
    public void TryRead_HyperparameterProblems_Refused()
    {
        var learner = TestImages.Learner();
        var network = learner.Network;
        ImageRecords Without(string key)
        {
            var r = EquilibriumPropagationImage.SettingsRecords(learner.Settings);
            r.Remove(key);
            return r;
        }

        var extra = EquilibriumPropagationImage.SettingsRecords(learner.Settings);
        extra.SetInt32("momentum", 1);
        var wrongType = EquilibriumPropagationImage.SettingsRecords(learner.Settings);
        wrongType.SetFloat64("free_steps", 30);
        var outOfRange = EquilibriumPropagationImage.SettingsRecords(learner.Settings);
        outOfRange.SetInt32("free_steps", 0);
        var badSeed = EquilibriumPropagationImage.SettingsRecords(learner.Settings);
        badSeed.SetInt64("seed", -1);

        Assert.AreEqual(ImageErrorCode.MissingKey, TestImages.Refuse(Build(ImageFormat.InferenceImage, b => Emit(b, network, learner.Settings, hyper: Without("tau")))).Code);
        Assert.AreEqual(ImageErrorCode.UnknownKey, TestImages.Refuse(Build(ImageFormat.InferenceImage, b => Emit(b, network, learner.Settings, hyper: extra))).Code);
        Assert.AreEqual(ImageErrorCode.WrongValueType, TestImages.Refuse(Build(ImageFormat.InferenceImage, b => Emit(b, network, learner.Settings, hyper: wrongType))).Code);
        ImageError range = TestImages.Refuse(Build(ImageFormat.InferenceImage, b => Emit(b, network, learner.Settings, hyper: outOfRange)));
        Assert.AreEqual(ImageErrorCode.BadValue, range.Code);
        StringAssert.Contains(range.Message, "FreeSteps");
        Assert.AreEqual(ImageErrorCode.BadValue, TestImages.Refuse(Build(ImageFormat.InferenceImage, b => Emit(b, network, learner.Settings, hyper: badSeed))).Code);
    }

    [TestMethod]
    public void TryRead_OtherLearnerKind_ContainerValidButEpRefusesWithWrongLearnerKind()
    {
        byte[] image = TestImages.Changed(Image, b => U16(b, 14, ImageLearnerKinds.Scff));

        Assert.IsTrue(ModelImage.TryParse(image, ImageLimits.Default, out ModelImage parsed, out _));
        Assert.IsFalse(EquilibriumPropagationImage.TryRead(parsed, out _, out ImageError error));
        Assert.AreEqual(ImageErrorCode.WrongLearnerKind, error.Code);
        Assert.AreEqual(14, error.Offset);
    }

    [TestMethod]
    public void TryParse_UnknownOptionalSection_CheckedAndSkipped()
    {
        var learner = TestImages.Learner();
        byte[] image = Build(ImageFormat.InferenceImage, b =>
        {
            Emit(b, learner.Network, learner.Settings);
            b.BeginSection(0x9000, 0);
            b.WriteInt32(42);
            b.EndSection();
        });

        Assert.IsTrue(EquilibriumPropagationImage.TryRead(image, 0, image.Length, ImageLimits.Default, out EquilibriumPropagationModel model, out ImageError error), error?.ToString());
        Assert.AreEqual(1, model.Image.SkippedSectionCount);
        int entry = 32 + 16 * (model.Image.SectionCount - 1);
        Expect(TestImages.Changed(image, b => b[image.Length - 8] ^= 1, sections: false), ImageErrorCode.SectionCrcMismatch, entry + 12);
    }

    [TestMethod]
    public void TryParse_Limits_RefuseBeforeUse()
    {
        Expect(Image, ImageErrorCode.BadSectionCount, 16, new ImageLimits { MaxSections = 7 });
        Expect(Image, ImageErrorCode.BadArchitecture, P(ImageSectionTypes.Model, 0), new ImageLimits { MaxWeightLayers = 1 });
        Expect(Image, ImageErrorCode.BadRecord, TestImages.Parse(Image).Hyperparameters.RecordOffset(4), new ImageLimits { MaxRecords = 4 });
    }

    [TestMethod]
    public void TryParse_NullBufferOrRangeOutsideIt_ThrowsArgumentExceptions()
    {
        Assert.ThrowsExactly<ArgumentNullException>(() => ModelImage.TryParse(null!, 0, 0, ImageLimits.Default, out _, out _));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ModelImage.TryParse(Image, 8, Image.Length, ImageLimits.Default, out _, out _));
    }

    [TestMethod]
    public void TryParse_ImageAtOffsetInLargerBuffer_ReadsIt()
    {
        var buffer = new byte[Image.Length + 100];
        Image.CopyTo(buffer, 37);

        Assert.IsTrue(ModelImage.TryParse(buffer, 37, Image.Length, ImageLimits.Default, out ModelImage parsed, out ImageError error), error?.ToString());
        Assert.IsTrue(EquilibriumPropagationImage.TryRead(parsed, out EquilibriumPropagationModel model, out error), error?.ToString());
        CollectionAssert.AreEqual(Image, EquilibriumPropagationImage.WriteInference(model.Network, model.Settings, model.Metadata));
    }

    private static byte[] Mutated(Action<byte[]> change)
    {
        var copy = (byte[])Image.Clone();
        change(copy);
        return copy;
    }

    private static byte[] Build(int kind, Action<ModelImageBuilder> emit)
    {
        var plan = new ModelImageBuilder(kind, ImageLearnerKinds.Bep);
        emit(plan);
        var writer = plan.CreateWriter();
        emit(writer);
        return writer.Finish();
    }

    // A hand-assembled EP image with optional omissions and additions (in type order).
    private static void Emit(ModelImageBuilder b, EquilibriumPropagationNetwork network, EquilibriumPropagationSettings settings, int skipType = 0, int skipLayer1Of = 0, int extraType = 0, bool counters = false, ImageRecords? hyper = null)
    {
        NetworkDescription d = network.Description;
        int layers = d.WeightLayerCount;
        if (skipType != ImageSectionTypes.Model)
        {
            b.BeginSection(ImageSectionTypes.Model, 0);
            b.WriteUInt16(d.LayerCount);
            b.WriteUInt16(d.NeuronsPerClass);
            b.WriteByte(1);
            b.WriteByte(1);
            b.WriteByte(1);
            b.WriteByte(1);
            for (int l = 0; l < d.LayerCount; l++)
            {
                b.WriteUInt16(d.Size(l));
            }

            b.EndSection();
        }

        b.BeginSection(ImageSectionTypes.Scales, 0);
        b.WriteInt32s(network.AlphaQ15, 0, layers);
        b.EndSection();
        b.BeginSection(ImageSectionTypes.Hyperparameters, 0);
        (hyper ?? EquilibriumPropagationImage.SettingsRecords(settings)).WriteTo(b);
        b.EndSection();
        for (int l = 0; l < layers; l++)
        {
            if (skipLayer1Of == ImageSectionTypes.WeightsB1 && l == 1)
            {
                continue;
            }

            b.BeginSection(ImageSectionTypes.WeightsB1, l);
            b.WriteUInt32s(network.Signs[l], 0, network.Signs[l].Length);
            b.EndSection();
        }

        for (int l = 0; l < layers && skipType != ImageSectionTypes.BiasesS32; l++)
        {
            b.BeginSection(ImageSectionTypes.BiasesS32, l);
            b.WriteInt32s(network.Biases[l], 0, network.Biases[l].Length);
            b.EndSection();
        }

        if (extraType != 0)
        {
            for (int l = 0; l < layers; l++)
            {
                b.BeginSection(extraType, l);
                int bytes = extraType == ImageSectionTypes.BopAccumulatorsS8 ? 1 : extraType == ImageSectionTypes.BopAccumulatorsS16 ? 2 : 4;
                b.WriteZeros(bytes * d.WeightCount(l));
                b.EndSection();
            }

            for (int l = 0; l < layers; l++)
            {
                b.BeginSection(ImageSectionTypes.BiasPendingS32, l);
                b.WriteZeros(4 * d.Size(l + 1));
                b.EndSection();
            }
        }

        if (counters)
        {
            var c = new ImageRecords();
            c.SetInt32("batch_sign", 1);
            c.SetInt64("flips", 0);
            c.SetInt32("in_batch", 0);
            c.SetInt32Array("rng_state", new[] { 1, 2, 3, 4 });
            c.SetInt32Array("rounding_rng_state", new[] { 5, 6, 7, 8 });
            c.SetInt64("samples_seen", 0);
            b.BeginSection(ImageSectionTypes.LearnerCounters, 0);
            c.WriteTo(b);
            b.EndSection();
        }
    }
}
