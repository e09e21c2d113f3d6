using System;
using EdgeLearn.HostSim.Images;
using EdgeLearn.Runtime.Images;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace EdgeLearn.Tests.Images;

[TestClass]
public sealed class ImageFuzzTests
{
    [TestMethod]
    public void Fuzzer_SeededSampleOf6000Mutants_NoCrashNoCorruptOrIllFormedImageAccepted()
    {
        byte[][] seeds = ImageFuzzCorpus.Create(includeLarge: false);
        var kinds = new System.Collections.Generic.HashSet<int>();
        foreach (byte[] seedImage in seeds)
        {
            Assert.IsTrue(ModelImage.TryParse(seedImage, 0, seedImage.Length, ImageLimits.Default, out ModelImage parsed, out ImageError error), error?.ToString());
            kinds.Add(parsed.LearnerKind);
        }

        CollectionAssert.AreEquivalent(new[] { ImageLearnerKinds.Bep, ImageLearnerKinds.Scff, ImageLearnerKinds.Sdt }, new System.Collections.Generic.List<int>(kinds), "every learner kind with a mapping is fuzzed");

        ImageFuzzResult result = ImageMutationFuzzer.Run(seeds, 6000, seed: 2024, ImageLimits.Default);

        string failures = string.Join(Environment.NewLine, result.Failures);
        Assert.AreEqual(6000, result.Mutants);
        Assert.AreEqual(0, result.Crashes, failures);
        Assert.AreEqual(0, result.CorruptAccepted, failures);
        Assert.AreEqual(0, result.NonCanonicalAccepted, failures);
        foreach (long perFamily in result.MutantsByFamily)
        {
            Assert.IsTrue(perFamily > 1000, $"family sizes {string.Join(", ", result.MutantsByFamily)}");
        }

        // The resealed families must get past the CRCs into the structural and semantic checks.
        Assert.IsTrue(result.Refusals.Count >= 20, $"only {result.Refusals.Count} distinct refusal codes: {string.Join(", ", result.Refusals.Keys)}");
        foreach (var code in new[] { ImageErrorCode.ImageCrcMismatch, ImageErrorCode.SectionCrcMismatch, ImageErrorCode.SectionGap, ImageErrorCode.SectionOverlap, ImageErrorCode.ShapeMismatch, ImageErrorCode.BadRecord, ImageErrorCode.Truncated, ImageErrorCode.TrailingBytes })
        {
            Assert.IsTrue(result.Refusals.ContainsKey(code), $"no mutant was refused with {code}");
        }

        Assert.AreEqual(result.Mutants, result.Crashes + result.CorruptAccepted + result.NonCanonicalAccepted + result.ResealedAcceptedCanonical + result.ResealedAcceptedForwardCompatible + Sum(result));
    }

    [TestMethod]
    public void Fuzzer_SameSeed_SameCounts()
    {
        byte[][] seeds = ImageFuzzCorpus.Create(includeLarge: false);

        var a = ImageMutationFuzzer.Run(seeds, 500, seed: 5, ImageLimits.Default);
        var b = ImageMutationFuzzer.Run(seeds, 500, seed: 5, ImageLimits.Default);

        CollectionAssert.AreEqual(a.MutantsByFamily, b.MutantsByFamily);
        CollectionAssert.AreEqual(new System.Collections.Generic.List<long>(a.Refusals.Values), new System.Collections.Generic.List<long>(b.Refusals.Values));
        Assert.AreEqual(a.ResealedAcceptedCanonical, b.ResealedAcceptedCanonical);
    }

    [TestMethod]
    public void Fuzzer_SeedThatIsNotValid_IsRejectedUpFront()
    {
        byte[] bad = ImageFuzzCorpus.Create(includeLarge: false)[0];
        bad[^1] ^= 1;

        Assert.ThrowsExactly<ArgumentException>(() => ImageMutationFuzzer.Run(new[] { bad }, 10, 1, ImageLimits.Default));
    }

    private static long Sum(ImageFuzzResult r)
    {
        long s = 0;
        foreach (long v in r.Refusals.Values)
        {
            s += v;
        }

        return s;
    }
}
