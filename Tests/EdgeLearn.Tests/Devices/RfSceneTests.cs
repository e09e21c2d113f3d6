using System;
using System.Collections.Generic;
using System.Linq;
using EdgeLearn.HostSim.Scenes;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace EdgeLearn.Tests.Devices;

[TestClass]
public sealed class RfSceneTests
{
    private static List<(int label, long[] f, long[] p)> Take(IRfScene scene, int n)
    {
        var s = new RfSample();
        var list = new List<(int, long[], long[])>();
        for (int i = 0; i < n && scene.TryNext(s); i++)
        {
            list.Add((s.Label, s.FrequenciesHz.Take(s.ToneCount).ToArray(), s.PowersPicowatts.Take(s.ToneCount).ToArray()));
        }

        return list;
    }

    [TestMethod]
    public void Fingerprint_SameSeed_SameStream_OtherSeed_Differs()
    {
        var a = Take(new RfFingerprintScene(new RfFingerprintSceneSettings(), 3), 200);
        var b = Take(new RfFingerprintScene(new RfFingerprintSceneSettings(), 3), 200);
        var c = Take(new RfFingerprintScene(new RfFingerprintSceneSettings(), 4), 200);
        for (int i = 0; i < a.Count; i++)
        {
            Assert.AreEqual(a[i].label, b[i].label);
            CollectionAssert.AreEqual(a[i].f, b[i].f);
            CollectionAssert.AreEqual(a[i].p, b[i].p);
        }

        Assert.IsTrue(Enumerable.Range(0, 200).Any(i => !a[i].f.SequenceEqual(c[i].f)));
    }

    [TestMethod]
    public void Fingerprint_NovelClass_AppearsOnlyFromItsStart()
    {
        var settings = new RfFingerprintSceneSettings { NovelClassStart = 500, Length = 1500 };
        var scene = new RfFingerprintScene(settings, 9);
        var s = new RfSample();
        int novelBefore = 0, novelAfter = 0;
        var seen = new HashSet<int>();
        while (scene.TryNext(s))
        {
            seen.Add(s.Label);
            Assert.AreEqual(s.Label >= 4, s.IsNovel);
            if (s.Index < 500)
            {
                novelBefore += s.IsNovel ? 1 : 0;
            }
            else
            {
                novelAfter += s.IsNovel ? 1 : 0;
            }
        }

        Assert.AreEqual(0, novelBefore);
        Assert.AreEqual(1000 / 5.0, novelAfter, 45); // one class in five after the start
        Assert.AreEqual(5, seen.Count);
        Assert.AreEqual(1500, scene.Position);
        Assert.IsFalse(scene.TryNext(s), "stream ends after Length samples");
    }

    [TestMethod]
    public void Fingerprint_Drift_MovesTonesByTheConfiguredRate()
    {
        // At sample 10 000 each tone is 10 x 50 kHz away from its signature and its power 10 x 1% away.
        AssertToneOffsetsAt(10_000, new RfFingerprintSceneSettings(), 500_000, 0.1);
    }

    // Runs a scene without jitter or interferers to sample n, then checks that every tone of that sample is
    // frequencyOffsetHz and the fraction powerOffset of its power away from its class signature.
    private static void AssertToneOffsetsAt(int n, RfFingerprintSceneSettings settings, long frequencyOffsetHz, double powerOffset)
    {
        settings.NovelClassCount = 0;
        settings.InterfererProbabilityPpm = 0;
        settings.FrequencyJitterHz = 0;
        settings.PowerJitterPpm = 0;
        var scene = new RfFingerprintScene(settings, 12);
        var s = new RfSample();
        for (int i = 0; i <= n; i++)
        {
            scene.TryNext(s);
        }

        for (int k = 0; k < 3; k++)
        {
            long f0 = scene.SignatureFrequencyHz(s.Label, k);
            long p0 = scene.SignaturePowerPicowatts(s.Label, k);
            Assert.AreEqual(frequencyOffsetHz, Math.Abs(s.FrequenciesHz[k] - f0));
            Assert.AreEqual(p0 * powerOffset, Math.Abs(s.PowersPicowatts[k] - p0), 1.0);
        }
    }

    [TestMethod]
    public void Fingerprint_Drift_TurnsBackAfterItsHalfPeriodSoItStaysBounded()
    {
        CollectionAssert.AreEqual(
            new long[] { 0, 1, 999, 1000, 999, 1, 0, 1, 1000, 0 },
            Array.ConvertAll(new long[] { 0, 1, 999, 1000, 1001, 1999, 2000, 2001, 3000, 4000 }, n => RfFingerprintScene.DriftPosition(n, 1000)));
        Assert.AreEqual(123_456_789L, RfFingerprintScene.DriftPosition(123_456_789, 0), "0: linear for ever");

        // Half-period 4 000 samples: at sample 6 000 each tone is back where it was at 2 000 (2 x 50 kHz, 2 x 1%).
        AssertToneOffsetsAt(6_000, new RfFingerprintSceneSettings { DriftHalfPeriod = 4_000 }, 100_000, 0.02);

        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new RfFingerprintSceneSettings { DriftHalfPeriod = -1 }.Validate());
    }

    [TestMethod]
    public void Fingerprint_Interferers_AboutFivePercentOfSamples()
    {
        var scene = new RfFingerprintScene(new RfFingerprintSceneSettings(), 1);
        var s = new RfSample();
        int extra = 0;
        for (int i = 0; i < 10_000; i++)
        {
            scene.TryNext(s);
            extra += s.ToneCount == 4 ? 1 : 0;
            Assert.IsTrue(s.ToneCount == 3 || s.ToneCount == 4);
        }

        Assert.AreEqual(500, extra, 70);
    }

    [TestMethod]
    public void Image_NoNoise_PowerIsPixelOverFullScaleAndGridIsLinear()
    {
        byte[] pixels = { 0, 255, 128, 10, 20, 30 };
        var scene = new RfImageScene(pixels, 2, 3, new[] { 1, 0 }, 2, new RfImageSceneSettings { Shuffle = false }, 1);
        var s = new RfSample();
        Assert.IsTrue(scene.TryNext(s));
        Assert.AreEqual(1, s.Label);
        CollectionAssert.AreEqual(new long[] { 20_000_000, 70_000_000, 120_000_000 }, s.FrequenciesHz.Take(3).ToArray());
        CollectionAssert.AreEqual(new long[] { 0, 4_000, 2_008 }, s.PowersPicowatts.Take(3).ToArray());
        Assert.IsTrue(scene.TryNext(s));
        Assert.AreEqual(0, s.Label);
        Assert.IsFalse(scene.TryNext(s), "one epoch by default");
    }

    [TestMethod]
    public void Image_Shuffle_EachEpochIsAPermutationAndSeedsDiffer()
    {
        int n = 50;
        byte[] pixels = new byte[n];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++)
        {
            pixels[i] = (byte)i;
            labels[i] = i % 10;
        }

        int[] Order(uint seed)
        {
            var scene = new RfImageScene(pixels, n, 1, labels, 10, new RfImageSceneSettings { Epochs = 2 }, seed);
            var s = new RfSample();
            var order = new List<int>();
            while (scene.TryNext(s))
            {
                order.Add(scene.LastImage);
            }

            return order.ToArray();
        }

        int[] o = Order(3);
        Assert.AreEqual(2 * n, o.Length);
        CollectionAssert.AreEquivalent(Enumerable.Range(0, n).ToArray(), o.Take(n).ToArray());
        CollectionAssert.AreEquivalent(Enumerable.Range(0, n).ToArray(), o.Skip(n).ToArray());
        CollectionAssert.AreNotEqual(o.Take(n).ToArray(), o.Skip(n).ToArray());
        CollectionAssert.AreEqual(o, Order(3));
        CollectionAssert.AreNotEqual(o, Order(4));
    }

    [TestMethod]
    public void Image_AdditiveNoise_MeanPreservedSpreadAsConfigured()
    {
        byte[] pixels = Enumerable.Repeat((byte)128, 400).ToArray();
        var scene = new RfImageScene(pixels, 1, 400, new[] { 0 }, 1, new RfImageSceneSettings { AdditiveNoisePicowatts = 100, Epochs = -1 }, 2);
        var s = new RfSample();
        var all = new List<double>();
        for (int i = 0; i < 20; i++)
        {
            scene.TryNext(s);
            all.AddRange(s.PowersPicowatts.Take(400).Select(v => (double)v));
        }

        Assert.AreEqual(2008, all.Average(), 3);
        Assert.AreEqual(100, SpinDiodeArrayTests.Std(all), 5);
    }

    [TestMethod]
    public void Image_BadLabels_ClearError()
    {
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new RfImageScene(new byte[4], 2, 2, new[] { 0, 7 }, 3, new RfImageSceneSettings(), 1));
        StringAssert.Contains(e.Message, "label of image 1 must be in 0..2, was 7");
        Assert.ThrowsExactly<ArgumentException>(() => new RfImageScene(new byte[3], 2, 2, new[] { 0, 1 }, 3, new RfImageSceneSettings(), 1));
    }
}
