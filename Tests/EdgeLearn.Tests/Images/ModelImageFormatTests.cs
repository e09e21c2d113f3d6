using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Text;
using EdgeLearn.HostSim.Images;
using EdgeLearn.Kernels;
using EdgeLearn.Runtime.Images;
using EdgeLearn.Runtime.Learners.EquilibriumPropagation;
using EdgeLearn.Runtime.Models;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace EdgeLearn.Tests.Images;

[TestClass]
public sealed class ModelImageFormatTests
{
    // Table-driven CRC-32 (IEEE, reflected), written independently of Kernels/Crc32.
    private static readonly uint[] CrcTable = BuildCrcTable();

    private static uint[] BuildCrcTable()
    {
        var t = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }

            t[n] = c;
        }

        return t;
    }

    private static uint Crc(ReadOnlySpan<byte> data)
    {
        uint c = 0xFFFFFFFFu;
        foreach (byte b in data)
        {
            c = CrcTable[(c ^ b) & 0xFF] ^ (c >> 8);
        }

        return ~c;
    }

    private static void Pad(List<byte> bytes)
    {
        while (bytes.Count % 4 != 0)
        {
            bytes.Add(0);
        }
    }

    private static void U16(List<byte> b, int v) { b.Add((byte)v); b.Add((byte)(v >> 8)); }

    private static void U32(List<byte> b, uint v) { for (int i = 0; i < 4; i++) b.Add((byte)(v >> (8 * i))); }

    private static void Record(List<byte> b, string key, byte type, byte[] value)
    {
        b.Add((byte)key.Length);
        b.Add(type);
        U16(b, value.Length);
        b.AddRange(Encoding.ASCII.GetBytes(key));
        b.AddRange(value);
        Pad(b);
    }

    private static byte[] I32(int v) => BitConverter.GetBytes(v);

    private static byte[] F64s(params double[] v)
    {
        var r = new byte[8 * v.Length];
        for (int i = 0; i < v.Length; i++)
        {
            BinaryPrimitives.WriteInt64LittleEndian(r.AsSpan(8 * i), BitConverter.DoubleToInt64Bits(v[i]));
        }

        return r;
    }

    /// <summary>Encodes a 40-3-2 b1 inference image straight from docs/MODEL-IMAGE-FORMAT.md, without the runtime's writer.</summary>
    private static byte[] EncodeFromSpec(uint[] signs0, uint[] signs1, int[] bias0, int[] bias1, int alpha0, int alpha1)
    {
        var sections = new List<(int Type, int Index, byte[] Payload)>();
        var model = new List<byte>();
        U16(model, 3); // layer count
        U16(model, 1); // neurons per class
        model.AddRange(new byte[] { 1, 1, 1, 1 }); // b1, q0.15, Q8.24, Q0.15
        U16(model, 40);
        U16(model, 3);
        U16(model, 2);
        sections.Add((0x0001, 0, model.ToArray()));
        var scales = new List<byte>();
        U32(scales, (uint)alpha0);
        U32(scales, (uint)alpha1);
        sections.Add((0x0002, 0, scales.ToArray()));
        var h = new List<byte>();
        Record(h, "accumulator_bits", 1, I32(16));
        Record(h, "batch_size", 1, I32(64));
        Record(h, "beta", 3, F64s(0.3));
        Record(h, "bias_learning_rate", 6, F64s(0.05, 0.025));
        Record(h, "free_steps", 1, I32(30));
        Record(h, "gamma", 6, F64s(1e-4, 1e-5));
        Record(h, "learning_rate", 6, F64s(0.05, 0.025));
        Record(h, "nudge_placement", 1, I32(1));
        Record(h, "nudged_steps", 1, I32(10));
        Record(h, "nudging", 1, I32(1));
        Record(h, "seed", 2, BitConverter.GetBytes(7L));
        Record(h, "tau", 6, F64s(2e-6));
        sections.Add((0x0003, 0, h.ToArray()));
        var w0 = new List<byte>();
        foreach (uint w in signs0) U32(w0, w);
        var w1 = new List<byte>();
        foreach (uint w in signs1) U32(w1, w);
        sections.Add((0x0010, 0, w0.ToArray()));
        sections.Add((0x0010, 1, w1.ToArray()));
        var b0 = new List<byte>();
        foreach (int v in bias0) U32(b0, (uint)v);
        var b1 = new List<byte>();
        foreach (int v in bias1) U32(b1, (uint)v);
        sections.Add((0x0018, 0, b0.ToArray()));
        sections.Add((0x0018, 1, b1.ToArray()));
        var meta = new List<byte>();
        Record(meta, "data", 4, Encoding.ASCII.GetBytes("spec"));
        sections.Add((0x8001, 0, meta.ToArray()));

        int n = sections.Count;
        var body = new List<byte>();
        var table = new List<byte>();
        int at = 32 + 16 * n;
        foreach (var s in sections)
        {
            U16(table, s.Type);
            U16(table, s.Index);
            U32(table, (uint)(at + body.Count));
            U32(table, (uint)s.Payload.Length);
            U32(table, Crc(s.Payload));
            body.AddRange(s.Payload);
            Pad(body);
        }

        int length = 32 + table.Count + body.Count + 4;
        var header = new List<byte>();
        header.AddRange(Encoding.ASCII.GetBytes("ELMI"));
        U16(header, 1);
        U16(header, 0);
        U32(header, (uint)length);
        U16(header, 1); // inference
        U16(header, 1); // bep
        U16(header, n);
        U16(header, 32);
        U32(header, 0);
        U32(header, 0);
        U32(header, Crc(header.ToArray()));
        var image = new List<byte>(header);
        image.AddRange(table);
        image.AddRange(body);
        U32(image, Crc(image.ToArray()));
        return image.ToArray();
    }

    [TestMethod]
    public void Writer_SmallNetwork_MatchesIndependentSpecEncodingByteForByte()
    {
        var settings = new EquilibriumPropagationSettings { Seed = 7 };
        var network = new EquilibriumPropagationNetwork(new NetworkDescription(new[] { 40, 3, 2 }, 1), WeightFormat.B1, ActivationFormat.MultiBit);
        network.Initialize(11);
        network.Biases[0][1] = -123456;
        network.Biases[1][0] = 1 << 24;
        var metadata = new ImageRecords();
        metadata.SetString("data", "spec");

        byte[] written = EquilibriumPropagationImage.WriteInference(network, settings, metadata);
        byte[] expected = EncodeFromSpec(network.Signs[0], network.Signs[1], network.Biases[0], network.Biases[1], network.AlphaQ15[0], network.AlphaQ15[1]);

        CollectionAssert.AreEqual(expected, written);
    }

    [TestMethod]
    public void SpecEncodedImage_NanoSafeReader_LoadsTheSameNetwork()
    {
        var network = new EquilibriumPropagationNetwork(new NetworkDescription(new[] { 40, 3, 2 }, 1), WeightFormat.B1, ActivationFormat.MultiBit);
        network.Initialize(5);
        byte[] image = EncodeFromSpec(network.Signs[0], network.Signs[1], new[] { 1, 2, 3 }, new[] { -4, 5 }, 1234, 4321);

        Assert.IsTrue(EquilibriumPropagationImage.TryRead(image, 0, image.Length, ImageLimits.Default, out EquilibriumPropagationModel model, out ImageError error), error?.ToString());

        CollectionAssert.AreEqual(network.Signs[0], model.Network.Signs[0]);
        CollectionAssert.AreEqual(network.Signs[1], model.Network.Signs[1]);
        CollectionAssert.AreEqual(new[] { 1, 2, 3 }, model.Network.Biases[0]);
        CollectionAssert.AreEqual(new[] { -4, 5 }, model.Network.Biases[1]);
        CollectionAssert.AreEqual(new[] { 1234, 4321 }, model.Network.AlphaQ15);
        Assert.AreEqual(7u, model.Settings.Seed);
        Assert.IsTrue(model.Metadata.TryGetString("data", out string data));
        Assert.AreEqual("spec", data);
    }

    [TestMethod]
    public void Writer_SameModelTwice_GivesIdenticalBytes()
    {
        byte[] a = EquilibriumPropagationImage.WriteFull(TestImages.Learner(seed: 9), ModelImageFiles.CreateMetadata(data: "x", testAccuracy: 0.5));
        byte[] b = EquilibriumPropagationImage.WriteFull(TestImages.Learner(seed: 9), ModelImageFiles.CreateMetadata(testAccuracy: 0.5, data: "x"));
        byte[] c = EquilibriumPropagationImage.WriteFull(TestImages.Learner(seed: 10), ModelImageFiles.CreateMetadata(data: "x", testAccuracy: 0.5));

        CollectionAssert.AreEqual(a, b);
        CollectionAssert.AreNotEqual(a, c);
    }

    [TestMethod]
    public void Writer_GarbageInBinaryPaddingBits_IsClearedSoBytesDependOnWeightsOnly()
    {
        var learner = TestImages.Learner();
        byte[] clean = EquilibriumPropagationImage.WriteInference(learner.Network, learner.Settings, null);
        learner.Network.Signs[0][0] |= 0xFFFF0000u; // 16 columns: the upper half of every row word is padding

        byte[] written = EquilibriumPropagationImage.WriteInference(learner.Network, learner.Settings, null);

        CollectionAssert.AreEqual(clean, written);
    }

    [TestMethod]
    public void InferenceImage_784x256x10BinaryWithMetadata_IsAtMost28KiB()
    {
        byte[] image = ImageFuzzCorpus.LargeInferenceImage(1);
        var parsed = TestImages.Parse(image);

        Assert.AreEqual("784-256-10", parsed.Description.ToString());
        Assert.IsTrue(parsed.Metadata.Count > 0);
        Assert.IsTrue(image.Length <= 28 * 1024, $"{image.Length} bytes");
        // Parameters alone: 256 x 25 + 10 x 8 words, 266 biases, 2 scales; the rest is header, table, records.
        long parameters = 4L * (256 * 25 + 10 * 8) + 4L * 266 + 8;
        Assert.IsTrue(image.Length - parameters < 1024, $"overhead {image.Length - parameters} bytes");
    }

    [TestMethod]
    public void Builder_OutOfOrderSectionsOrDifferentWritingPass_Throws()
    {
        var plan = new ModelImageBuilder(ImageFormat.InferenceImage, ImageLearnerKinds.Bep);
        plan.BeginSection(ImageSectionTypes.Scales, 0);
        plan.WriteInt32(1);
        plan.EndSection();
        Assert.ThrowsExactly<InvalidOperationException>(() => plan.BeginSection(ImageSectionTypes.Model, 0));
        Assert.ThrowsExactly<InvalidOperationException>(() => plan.Finish());

        var writer = plan.CreateWriter();
        writer.BeginSection(ImageSectionTypes.Scales, 0);
        writer.WriteInt32(1);
        Assert.ThrowsExactly<InvalidOperationException>(() => writer.WriteInt32(2));
        writer.EndSection();
        Assert.AreEqual(32 + 16 + 4 + 4, writer.Finish().Length);
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new ModelImageBuilder(3, ImageLearnerKinds.Bep));
    }

    [TestMethod]
    public void Image_EverySection_IsFourByteAlignedAndContiguous()
    {
        byte[] image = EquilibriumPropagationImage.WriteFull(TestImages.Learner(WeightFormat.S8, bits: 16), ModelImageFiles.CreateMetadata(data: "abc"));
        var parsed = TestImages.Parse(image);

        int next = 32 + 16 * parsed.SectionCount;
        for (int i = 0; i < parsed.SectionCount; i++)
        {
            Assert.AreEqual(next, parsed.SectionOffset(i), $"section {i}");
            next = (parsed.SectionOffset(i) + parsed.SectionLength(i) + 3) & ~3;
        }

        Assert.AreEqual(image.Length - 4, next);
        Assert.AreEqual(0, image.Length % 4);
    }
}
