using System;
using EdgeLearn.HostSim.Images;
using EdgeLearn.Runtime.Images;
using EdgeLearn.Runtime.Learners.EquilibriumPropagation;
using EdgeLearn.Runtime.Models;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace EdgeLearn.Tests.Images;

/// <summary>Small models and byte-level helpers for image tests.</summary>
internal static class TestImages
{
    public static EquilibriumPropagationLearner Learner(WeightFormat weights = WeightFormat.B1, ActivationFormat activations = ActivationFormat.MultiBit, int bits = 16, uint seed = 3, int[]? sizes = null, int neuronsPerClass = 1)
        => ImageFuzzCorpus.Train(sizes ?? new[] { 16, 12, 4 }, neuronsPerClass, weights, activations, bits, seed);

    /// <summary>Inference image of a trained 16-12-4 b1 network (MODEL has 2 padding bytes, layer 0 rows have 16 padding bits).</summary>
    public static byte[] Inference(ImageRecords? metadata = null)
    {
        var learner = Learner();
        return EquilibriumPropagationImage.WriteInference(learner.Network, learner.Settings, metadata);
    }

    public static ModelImage Parse(byte[] image)
    {
        Assert.IsTrue(ModelImage.TryParse(image, ImageLimits.Default, out ModelImage parsed, out ImageError error), error?.ToString());
        return parsed;
    }

    /// <summary>Table position of the entry of (type, index).</summary>
    public static int Entry(byte[] image, int type, int index)
    {
        int i = Parse(image).FindSection(type, index);
        Assert.IsTrue(i >= 0, $"no section {ImageSectionTypes.Name(type)}[{index}]");
        return ImageFormat.HeaderSize + ImageFormat.SectionEntrySize * i;
    }

    /// <summary>Payload offset of (type, index).</summary>
    public static int Payload(byte[] image, int type, int index)
    {
        var parsed = Parse(image);
        return parsed.SectionOffset(parsed.FindSection(type, index));
    }

    /// <summary>
    /// Seeded single-byte mutations of <paramref name="image"/>, alternately left with broken CRCs and fully
    /// resealed. <paramref name="read"/> says whether the reader under test accepts a mutant; an accepted mutant must
    /// be a resealed one, and is then handed to <paramref name="checkAccepted"/> (mutant, parsed container, label for
    /// messages). Returns how many were accepted.
    /// </summary>
    public static int ByteMutations(byte[] image, uint seed, int count, Func<ModelImage, bool> read, Action<byte[], ModelImage, string> checkAccepted)
    {
        var rng = new EdgeLearn.Kernels.Xoshiro128(seed, 0);
        int accepted = 0;
        for (int m = 0; m < count; m++)
        {
            var mutant = (byte[])image.Clone();
            int at = (int)rng.NextBelow((uint)mutant.Length);
            mutant[at] ^= (byte)(1 + rng.NextBelow(255));
            bool reseal = m % 2 == 1;
            if (reseal)
            {
                ImageMutationFuzzer.Reseal(mutant, sections: true);
            }

            if (!ModelImage.TryParse(mutant, ImageLimits.Default, out ModelImage parsed, out _) || !read(parsed))
            {
                continue;
            }

            Assert.IsTrue(reseal, $"raw mutant {m} (byte {at}) was accepted");
            checkAccepted(mutant, parsed, $"mutant {m} (byte {at})");
            accepted++;
        }

        return accepted;
    }

    /// <summary>A copy changed by <paramref name="change"/>, then resealed (length, header CRC, image CRC, and section CRCs when asked).</summary>
    public static byte[] Changed(byte[] image, Action<byte[]> change, bool sections = true)
    {
        var copy = (byte[])image.Clone();
        change(copy);
        ImageMutationFuzzer.Reseal(copy, sections);
        return copy;
    }

    public static ImageError Refuse(byte[] image, ImageLimits? limits = null)
    {
        bool ok = ModelImage.TryParse(image, 0, image.Length, limits ?? ImageLimits.Default, out ModelImage parsed, out ImageError error);
        if (ok)
        {
            ok = EquilibriumPropagationImage.TryRead(parsed, out _, out error);
        }

        Assert.IsFalse(ok, "the image was accepted");
        Assert.IsNotNull(error);
        return error;
    }
}
