// WideReference: the independent oracle of the kernel tests.
//
// Everything here is written straight from the formulas in the kernels' XML docs, in arbitrary-precision
// integers (System.Numerics.BigInteger), without calling any EdgeLearn helper: rounding is floor division
// of BigIntegers, saturation is a BigInteger clamp, binary matrices are bool[rows, cols] packed here from
// the documented bit layout (column c of row r is bit c % 32 of word r * ceil(cols / 32) + c / 32).
// The kernels must agree with it exactly (tolerance zero).
using System;
using System.Numerics;

namespace EdgeLearn.Tests.Kernels;

internal static class WideReference
{
    /// <summary>Column counts that exercise every tail case of the 32-bit packing and of unrolled loops.</summary>
    public static readonly int[] RaggedCols = { 1, 31, 32, 33, 63, 65, 784 };

    public static BigInteger Pow2(int k) => BigInteger.One << k;

    /// <summary>floor(a / b) for b &gt; 0 (BigInteger.Divide truncates toward zero, so correct negatives).</summary>
    public static BigInteger FloorDiv(BigInteger a, BigInteger b)
    {
        if (b.Sign <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(b), b, "FloorDiv needs a positive divisor.");
        }

        BigInteger q = BigInteger.DivRem(a, b, out BigInteger r);
        return r.Sign < 0 ? q - 1 : q;
    }

    /// <summary>The documented rounding: floor((x + 2^(s-1)) / 2^s), and x itself for s = 0.</summary>
    public static BigInteger RoundShift(BigInteger x, int shift) =>
        shift == 0 ? x : FloorDiv(x + Pow2(shift - 1), Pow2(shift));

    /// <summary>
    /// The same rounding in checked 64-bit arithmetic, for exhaustive loops where BigInteger is too slow:
    /// floor((x + 2^(s-1)) / 2^s) with the floor taken explicitly (C# division truncates toward zero).
    /// Range: |x| &lt; 2^62, shift in [0, 62].
    /// </summary>
    public static long RoundShift64(long x, int shift)
    {
        if (shift == 0)
        {
            return x;
        }

        long d = checked(1L << shift);
        long n = checked(x + (1L << (shift - 1)));
        long q = n / d;
        return n % d != 0 && n < 0 ? q - 1 : q;
    }

    public static BigInteger Clamp(BigInteger x, BigInteger lo, BigInteger hi) =>
        x < lo ? lo : x > hi ? hi : x;

    public static int Sat32(BigInteger x) => (int)Clamp(x, int.MinValue, int.MaxValue);

    public static short Sat16(BigInteger x) => (short)Clamp(x, short.MinValue, short.MaxValue);

    public static sbyte Sat8(BigInteger x) => (sbyte)Clamp(x, sbyte.MinValue, sbyte.MaxValue);

    // ---- random inputs (seeded System.Random, so every run sees the same data) ----------------------------

    /// <summary>A random s16, one time in four one of the extremes {-32768, -32767, -1, 0, 1, 32767}.</summary>
    public static short NextS16(Random rng)
    {
        if (rng.Next(4) == 0)
        {
            short[] edges = { short.MinValue, -32767, -1, 0, 1, short.MaxValue };
            return edges[rng.Next(edges.Length)];
        }

        return (short)rng.Next(short.MinValue, short.MaxValue + 1);
    }

    /// <summary>A random s8, one time in four one of the extremes {-128, -127, -1, 0, 1, 127}.</summary>
    public static sbyte NextS8(Random rng)
    {
        if (rng.Next(4) == 0)
        {
            sbyte[] edges = { sbyte.MinValue, -127, -1, 0, 1, sbyte.MaxValue };
            return edges[rng.Next(edges.Length)];
        }

        return (sbyte)rng.Next(sbyte.MinValue, sbyte.MaxValue + 1);
    }

    /// <summary>A random s32, one time in three at or next to a rail.</summary>
    public static int NextS32(Random rng)
    {
        switch (rng.Next(6))
        {
            case 0:
                return int.MaxValue - rng.Next(4);
            case 1:
                return int.MinValue + rng.Next(4);
            case 2:
                return rng.Next(-1000, 1001);
            default:
                return (int)NextU32(rng);
        }
    }

    public static uint NextU32(Random rng) => (uint)rng.NextInt64(0, 1L << 32);

    public static short[] RandomS16(Random rng, int length)
    {
        var a = new short[length];
        for (int i = 0; i < length; i++)
        {
            a[i] = NextS16(rng);
        }

        return a;
    }

    public static sbyte[] RandomS8(Random rng, int length)
    {
        var a = new sbyte[length];
        for (int i = 0; i < length; i++)
        {
            a[i] = NextS8(rng);
        }

        return a;
    }

    public static int[] RandomS32(Random rng, int length)
    {
        var a = new int[length];
        for (int i = 0; i < length; i++)
        {
            a[i] = NextS32(rng);
        }

        return a;
    }

    public static uint[] RandomU32(Random rng, int length)
    {
        var a = new uint[length];
        for (int i = 0; i < length; i++)
        {
            a[i] = NextU32(rng);
        }

        return a;
    }

    /// <summary>Random bit matrix; kind 0 random, 1 all ones, 2 all zeros, 3 mostly ones.</summary>
    public static bool[,] RandomBits(Random rng, int rows, int cols, int kind = 0)
    {
        var bits = new bool[rows, cols];
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < cols; c++)
            {
                bits[r, c] = kind switch
                {
                    1 => true,
                    2 => false,
                    3 => rng.Next(8) != 0,
                    _ => rng.Next(2) != 0,
                };
            }
        }

        return bits;
    }

    /// <summary>
    /// Packs a bit matrix at word <paramref name="offset"/> of a new array from the documented layout.
    /// Every word outside the matrix and every padding bit past <c>cols</c> in a row's last word is random
    /// garbage, which the kernels must ignore.
    /// </summary>
    public static uint[] Pack(bool[,] bits, int offset, int tailWords, Random rng)
    {
        int words = (bits.GetLength(1) + 31) / 32;
        uint[] packed = RandomU32(rng, offset + bits.GetLength(0) * words + tailWords);
        PackInto(packed, bits, offset);
        return packed;
    }

    /// <summary>Writes the bits of the matrix into <paramref name="packed"/> at word <paramref name="offset"/>, leaving every other bit as it was.</summary>
    public static void PackInto(uint[] packed, bool[,] bits, int offset)
    {
        int rows = bits.GetLength(0);
        int cols = bits.GetLength(1);
        int words = (cols + 31) / 32;
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < cols; c++)
            {
                int index = offset + r * words + c / 32;
                uint mask = 1u << (c % 32);
                packed[index] = bits[r, c] ? packed[index] | mask : packed[index] & ~mask;
            }
        }
    }

    /// <summary>A vector of bits as a 1 x n matrix, for packing activations.</summary>
    public static bool[,] AsRow(bool[] v)
    {
        var m = new bool[1, v.Length];
        for (int i = 0; i < v.Length; i++)
        {
            m[0, i] = v[i];
        }

        return m;
    }

    // ---- reference products ----------------------------------------------------------------------------

    /// <summary>y[r] = sat32(y[r] + sum_c w(r, c) x[c]) on a copy of <paramref name="y"/>.</summary>
    public static int[] MatVec(Func<int, int, BigInteger> w, Func<int, BigInteger> x, int rows, int cols, int[] y, int yOffset)
    {
        int[] expected = (int[])y.Clone();
        for (int r = 0; r < rows; r++)
        {
            BigInteger sum = y[yOffset + r];
            for (int c = 0; c < cols; c++)
            {
                sum += w(r, c) * x(c);
            }

            expected[yOffset + r] = Sat32(sum);
        }

        return expected;
    }

    /// <summary>y[c] = sat32(y[c] + sum_r w(r, c) x[r]) on a copy of <paramref name="y"/>.</summary>
    public static int[] MatVecTransposed(Func<int, int, BigInteger> w, Func<int, BigInteger> x, int rows, int cols, int[] y, int yOffset)
    {
        int[] expected = (int[])y.Clone();
        for (int c = 0; c < cols; c++)
        {
            BigInteger sum = y[yOffset + c];
            for (int r = 0; r < rows; r++)
            {
                sum += w(r, c) * x(r);
            }

            expected[yOffset + c] = Sat32(sum);
        }

        return expected;
    }
}
