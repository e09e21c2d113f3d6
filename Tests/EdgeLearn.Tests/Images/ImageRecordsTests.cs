using System;
using System.Collections.Generic;
using System.Text;
using EdgeLearn.Runtime.Images;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace EdgeLearn.Tests.Images;

[TestClass]
public sealed class ImageRecordsTests
{
    private static byte[] Encode(ImageRecords r)
    {
        var plan = new ModelImageBuilder(ImageFormat.InferenceImage, ImageLearnerKinds.Bep);
        plan.BeginSection(ImageSectionTypes.Metadata, 0);
        r.WriteTo(plan);
        plan.EndSection();
        var writer = plan.CreateWriter();
        writer.BeginSection(ImageSectionTypes.Metadata, 0);
        r.WriteTo(writer);
        writer.EndSection();
        byte[] image = writer.Finish();
        int length = ImageBytes.ReadInt32(image, 32 + 8);
        return image.AsSpan(48, length).ToArray();
    }

    private static byte[] Raw(string key, byte type, byte[] value)
    {
        var b = new List<byte> { (byte)key.Length, type, (byte)value.Length, (byte)(value.Length >> 8) };
        b.AddRange(Encoding.ASCII.GetBytes(key));
        b.AddRange(value);
        while (b.Count % 4 != 0)
        {
            b.Add(0);
        }

        return b.ToArray();
    }

    private static ImageError Refuse(byte[] bytes)
    {
        Assert.IsFalse(ImageRecords.TryParse(bytes, 0, bytes.Length, 0, ImageLimits.Default, out _, out ImageError error));
        return error;
    }

    [TestMethod]
    public void Records_EveryValueType_RoundTripsInKeyOrder()
    {
        var r = new ImageRecords();
        r.SetString("zeta", "hello, world");
        r.SetInt32("alpha", -7);
        r.SetInt64("big", long.MinValue);
        r.SetFloat64("pi", Math.PI);
        r.SetFloat64("negative_zero", -0.0);
        r.SetInt32Array("ints", new[] { 1, -2, int.MaxValue });
        r.SetFloat64Array("reals", new[] { 1e-300, -2.5 });

        byte[] bytes = Encode(r);
        Assert.IsTrue(ImageRecords.TryParse(bytes, 0, bytes.Length, 0, ImageLimits.Default, out ImageRecords back, out ImageError error), error?.ToString());

        Assert.IsTrue(r.ContentEquals(back));
        CollectionAssert.AreEqual(new[] { "alpha", "big", "ints", "negative_zero", "pi", "reals", "zeta" }, new[] { back.Key(0), back.Key(1), back.Key(2), back.Key(3), back.Key(4), back.Key(5), back.Key(6) });
        Assert.IsTrue(back.TryGetFloat64("negative_zero", out double z));
        Assert.AreEqual(BitConverter.DoubleToInt64Bits(-0.0), BitConverter.DoubleToInt64Bits(z));
        Assert.AreEqual(bytes.Length, r.EncodedLength);
        CollectionAssert.AreEqual(bytes, Encode(back));
    }

    [TestMethod]
    public void Setters_InvalidKeysAndValues_Throw()
    {
        var r = new ImageRecords();
        Assert.ThrowsExactly<ArgumentException>(() => r.SetInt32("Upper", 1));
        Assert.ThrowsExactly<ArgumentException>(() => r.SetInt32("1st", 1));
        Assert.ThrowsExactly<ArgumentException>(() => r.SetInt32(new string('a', 33), 1));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => r.SetFloat64("x", double.NaN));
        Assert.ThrowsExactly<ArgumentException>(() => r.SetString("x", "caf\u00e9"));
        Assert.ThrowsExactly<ArgumentException>(() => r.SetInt32Array("x", Array.Empty<int>()));
        Assert.AreEqual(0, r.Count);
    }

    [TestMethod]
    public void TryParse_MalformedRecords_NameTheCheckAndOffset()
    {
        byte[] one = Raw("b", 1, BitConverter.GetBytes(5));
        byte[] a = Raw("a", 1, BitConverter.GetBytes(5));
        var cases = new (byte[] Bytes, ImageErrorCode Code, long Offset)[]
        {
            (new byte[] { 1, 1, 4 }, ImageErrorCode.BadRecord, 0),
            (Raw("", 1, BitConverter.GetBytes(5)), ImageErrorCode.BadRecord, 0),
            (Raw("Ab", 1, BitConverter.GetBytes(5)), ImageErrorCode.BadRecord, 4),
            (Raw("a", 1, new byte[8]), ImageErrorCode.BadRecord, 2),
            (Raw("a", 9, new byte[4]), ImageErrorCode.BadRecord, 1),
            (Raw("a", 3, BitConverter.GetBytes(double.PositiveInfinity)), ImageErrorCode.BadValue, 5),
            (Raw("a", 4, new byte[] { 65, 10 }), ImageErrorCode.BadValue, 6),
            (Raw("a", 5, new byte[6]), ImageErrorCode.BadRecord, 2),
            ([.. one, .. a], ImageErrorCode.RecordOrder, 12),
            ([.. one, .. one], ImageErrorCode.DuplicateKey, 12),
            (Raw("a", 1, BitConverter.GetBytes(5))[..7], ImageErrorCode.BadRecord, 0),
        };
        foreach (var (bytes, code, offset) in cases)
        {
            ImageError error = Refuse(bytes);
            Assert.AreEqual(code, error.Code, error.ToString());
            Assert.AreEqual(offset, error.Offset, error.ToString());
        }

        byte[] padded = Raw("ab", 4, new byte[] { 65 });
        padded[^1] = 1;
        Assert.AreEqual(ImageErrorCode.PaddingNotZero, Refuse(padded).Code);
    }
}
