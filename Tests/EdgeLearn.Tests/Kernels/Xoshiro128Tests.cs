// Xoshiro128 against an independent xoshiro128** + SplitMix64 written here from the algorithm in the
// file header of Kernels/Xoshiro128.cs, plus statistical checks with bounds derived in the tests.
using System;
using System.Numerics;
using EdgeLearn.Kernels;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace EdgeLearn.Tests.Kernels;

[TestClass]
public sealed class Xoshiro128Tests
{
    /// <summary>
    /// Oracle: state as a uint[4], SplitMix64 as published by Vigna (golden-gamma increment, the
    /// Stafford "Mix13" finaliser), xoshiro128** as in Blackman and Vigna's reference C code.
    /// </summary>
    private sealed class OracleXoshiro
    {
        private readonly uint[] _s = new uint[4];

        public OracleXoshiro(uint seed, uint stream)
        {
            ulong z = (ulong)seed * 4294967296UL + stream;
            ulong first = OracleSplitMix64(ref z);
            ulong second = OracleSplitMix64(ref z);
            _s[0] = (uint)(first & 0xFFFFFFFFUL);
            _s[1] = (uint)(first >> 32);
            _s[2] = (uint)(second & 0xFFFFFFFFUL);
            _s[3] = (uint)(second >> 32);
            if (_s[0] == 0 && _s[1] == 0 && _s[2] == 0 && _s[3] == 0)
            {
                _s[0] = 1;
            }
        }

        public uint Next()
        {
            uint result = unchecked(BitOperations.RotateLeft(unchecked(_s[1] * 5u), 7) * 9u);
            uint t = _s[1] << 9;
            _s[2] ^= _s[0];
            _s[3] ^= _s[1];
            _s[1] ^= _s[2];
            _s[0] ^= _s[3];
            _s[2] ^= t;
            _s[3] = BitOperations.RotateLeft(_s[3], 11);
            return result;
        }

        /// <summary>Lemire's nearly-divisionless bounded integer: reject while the low half is below 2^32 mod bound.</summary>
        public uint NextBelow(uint bound)
        {
            if (bound == 0)
            {
                return 0;
            }

            uint reject = (uint)((1UL << 32) % bound);
            while (true)
            {
                ulong m = (ulong)Next() * bound;
                if ((uint)m >= reject)
                {
                    return (uint)(m >> 32);
                }
            }
        }

        public static ulong OracleSplitMix64(ref ulong state)
        {
            unchecked
            {
                state += 0x9E3779B97F4A7C15UL;
                ulong z = state;
                z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
                z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
                return z ^ (z >> 31);
            }
        }
    }

    [TestMethod]
    public void OracleSplitMix64_SeedZero_GivesPublishedFirstOutputs()
    {
        // Check the oracle itself against the widely published SplitMix64 sequence from state 0.
        ulong state = 0;
        Assert.AreEqual(0xE220A8397B1DCDAFUL, OracleXoshiro.OracleSplitMix64(ref state));
        Assert.AreEqual(0x6E789E6AA1B965F4UL, OracleXoshiro.OracleSplitMix64(ref state));
        Assert.AreEqual(0x06C45D188009454FUL, OracleXoshiro.OracleSplitMix64(ref state));
    }

    [TestMethod]
    public void NextUInt32_Seed1Stream0_MatchesIndependentImplementation()
    {
        var generator = new Xoshiro128(1, 0);
        var oracle = new OracleXoshiro(1, 0);
        for (int i = 0; i < 10_000; i++)
        {
            Assert.AreEqual(oracle.Next(), generator.NextUInt32(), $"output {i}");
        }
    }

    [TestMethod]
    [DataRow(0u, 0u)]
    [DataRow(0u, 1u)]
    [DataRow(1u, 1u)]
    [DataRow(42u, 7u)]
    [DataRow(0xFFFFFFFFu, 0xFFFFFFFFu)]
    [DataRow(0x80000000u, 0x00000001u)]
    public void NextUInt32_VariousSeedsAndStreams_MatchesIndependentImplementation(uint seed, uint stream)
    {
        var generator = new Xoshiro128(seed, stream);
        var oracle = new OracleXoshiro(seed, stream);
        for (int i = 0; i < 1000; i++)
        {
            Assert.AreEqual(oracle.Next(), generator.NextUInt32(), $"seed={seed}, stream={stream}, output {i}");
        }
    }

    [TestMethod]
    public void Constructor_DifferentStreamsAndSeeds_GiveDifferentSequences()
    {
        const int Generators = 64;
        var prefixes = new ulong[Generators];
        for (int i = 0; i < Generators; i++)
        {
            // Half differ by stream only, half by seed only.
            var g = i < Generators / 2 ? new Xoshiro128(1, (uint)i) : new Xoshiro128((uint)i, 0);
            prefixes[i] = ((ulong)g.NextUInt32() << 32) | g.NextUInt32();
        }

        for (int i = 0; i < Generators; i++)
        {
            for (int j = i + 1; j < Generators; j++)
            {
                Assert.AreNotEqual(prefixes[i], prefixes[j], $"generators {i} and {j} start alike");
            }
        }
    }

    [TestMethod]
    public void Constructor_SameSeedAndStream_IsDeterministic()
    {
        var a = new Xoshiro128(123, 456);
        var b = new Xoshiro128(123, 456);
        for (int i = 0; i < 100; i++)
        {
            Assert.AreEqual(a.NextUInt32(), b.NextUInt32());
        }
    }

    [TestMethod]
    [DataRow(1u)]
    [DataRow(2u)]
    [DataRow(3u)]
    [DataRow(10u)]
    [DataRow(1000u)]
    [DataRow(0x80000001u)] // 2^31 + 1: about half of the raw draws are rejected
    [DataRow(0xC0000000u)]
    [DataRow(0xFFFFFFFFu)]
    public void NextBelow_VariousBounds_InRangeAndMatchesLemireOracle(uint bound)
    {
        var generator = new Xoshiro128(7, 3);
        var oracle = new OracleXoshiro(7, 3);
        for (int i = 0; i < 5000; i++)
        {
            uint v = generator.NextBelow(bound);
            Assert.IsLessThan(bound, v, $"bound={bound}");
            Assert.AreEqual(oracle.NextBelow(bound), v, $"bound={bound}, draw {i}");
        }
    }

    [TestMethod]
    public void NextBelow_BoundZero_ReturnsZero()
    {
        var generator = new Xoshiro128(1, 0);
        Assert.AreEqual(0u, generator.NextBelow(0));
    }

    /// <summary>
    /// Upper quantile of chi-square with <paramref name="df"/> degrees of freedom at standard-normal level z,
    /// by the Wilson-Hilferty cube-root approximation: df (1 - 2/(9 df) + z sqrt(2/(9 df)))^3.
    /// </summary>
    private static double ChiSquareQuantile(int df, double z)
    {
        double v = 2.0 / (9.0 * df);
        double c = 1.0 - v + z * Math.Sqrt(v);
        return df * c * c * c;
    }

    private static double ChiSquare(long[] counts, double expectedPerBin)
    {
        double chi = 0;
        foreach (long n in counts)
        {
            chi += (n - expectedPerBin) * (n - expectedPerBin) / expectedPerBin;
        }

        return chi;
    }

    [TestMethod]
    public void NextBelow_Bound10_ChiSquareBelowFiveSigmaQuantile()
    {
        const int Samples = 100_000;
        var generator = new Xoshiro128(2024, 1);
        var counts = new long[10];
        for (int i = 0; i < Samples; i++)
        {
            counts[generator.NextBelow(10)]++;
        }

        // 9 degrees of freedom; z = 5 (one-sided p ~ 3e-7) gives about 49.
        double bound = ChiSquareQuantile(9, 5.0);
        double chi = ChiSquare(counts, Samples / 10.0);
        Assert.IsLessThan(bound, chi, $"chi-square {chi:F2} over bound {bound:F2}");
    }

    [TestMethod]
    public void NextBelow_BoundThreeQuartersOf2To32_ThirdsEquallyLikely()
    {
        // bound = 3 * 2^30: value >> 30 is uniform on {0, 1, 2} exactly when NextBelow is unbiased; the plain
        // multiply-shift without rejection would still pass, a modulo reduction would not (thirds 2:1:1).
        const int Samples = 60_000;
        var generator = new Xoshiro128(99, 5);
        var counts = new long[3];
        for (int i = 0; i < Samples; i++)
        {
            counts[generator.NextBelow(0xC0000000u) >> 30]++;
        }

        double bound = ChiSquareQuantile(2, 5.0);
        double chi = ChiSquare(counts, Samples / 3.0);
        Assert.IsLessThan(bound, chi, $"chi-square {chi:F2} over bound {bound:F2}");
    }

    [TestMethod]
    public void NextGaussianQ16_100kSamples_MeanAndStdWithinDerivedBounds()
    {
        const int N = 100_000;
        var generator = new Xoshiro128(5, 11);
        double sum = 0;
        double sumSquares = 0;
        for (int i = 0; i < N; i++)
        {
            int v = generator.NextGaussianQ16();
            Assert.IsInRange(-393210, 393210, v, "Irwin-Hall sum of twelve 16-bit uniforms minus 393210");
            sum += v;
            sumSquares += (double)v * v;
        }

        // One 16-bit uniform on {0..65535} has variance (65536^2 - 1) / 12, twelve of them 65536^2 - 1:
        // sigma = sqrt(65536^2 - 1) ~ 65536. Excess kurtosis of the sum is -1.2 / 12 = -0.1.
        double sigma = Math.Sqrt(65536.0 * 65536.0 - 1.0);
        double mean = sum / N;
        double std = Math.Sqrt(sumSquares / N - mean * mean);

        // Standard error of the mean sigma / sqrt(N) ~ 207; of the standard deviation
        // sigma sqrt((kurtosis - 1) / (4 N)) = sigma sqrt(1.9 / (4 N)) ~ 143. Six standard errors each.
        double meanBound = 6.0 * sigma / Math.Sqrt(N);
        double stdBound = 6.0 * sigma * Math.Sqrt((2.9 - 1.0) / (4.0 * N));
        Assert.IsLessThan(meanBound, Math.Abs(mean), $"mean {mean:F1} (bound {meanBound:F1})");
        Assert.IsLessThan(stdBound, Math.Abs(std - sigma), $"std {std:F1} vs {sigma:F1} (bound {stdBound:F1})");
    }

    [TestMethod]
    public void NextGaussianQ16_EqualsIrwinHallOfOracleHalves()
    {
        var generator = new Xoshiro128(8, 8);
        var oracle = new OracleXoshiro(8, 8);
        for (int i = 0; i < 2000; i++)
        {
            long expected = -12L * 65535 / 2; // -393210
            for (int k = 0; k < 6; k++)
            {
                uint r = oracle.Next();
                expected += (r & 0xFFFF) + (r >> 16);
            }

            Assert.AreEqual(expected, (long)generator.NextGaussianQ16(), $"sample {i}");
        }
    }

    [TestMethod]
    public void NextBit_IsTopBitOfOracleAndBalanced()
    {
        var generator = new Xoshiro128(77, 0);
        var oracle = new OracleXoshiro(77, 0);
        const int N = 100_000;
        int ones = 0;
        for (int i = 0; i < N; i++)
        {
            bool bit = generator.NextBit();
            Assert.AreEqual(oracle.Next() >= 0x80000000u, bit, $"draw {i}");
            ones += bit ? 1 : 0;
        }

        // Binomial(N, 1/2): standard deviation sqrt(N) / 2 ~ 158; six of them.
        Assert.IsLessThan(6.0 * Math.Sqrt(N) / 2.0, Math.Abs(ones - N / 2.0));
    }
}
