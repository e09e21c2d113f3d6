// PeakLoops: register-only loops with the instruction mix of each AVX2 kernel's inner step, to measure this
// machine's peak MAC/s for that mix (the roof the kernels are compared with).
//
// Each loop repeats the arithmetic of one vector step of the host kernel on independent register chains
// (enough of them to hide latency) with no memory traffic: every load of the kernel is replaced by one
// register add that advances the chain's input, which also keeps the JIT from hoisting the work out of the
// loop. The result is folded into the return value so nothing is dead code.
using System;
using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace EdgeLearn.Benchmarks;

public static class PeakLoops
{
    /// <summary>Peak MAC/s of the named kernel's mix, or NaN when this machine has no AVX2.</summary>
    public static double MacsPerSecond(string kernel)
    {
        if (!Avx2.IsSupported)
        {
            return double.NaN;
        }

        (Func<long, long> loop, int macsPerIteration) = kernel switch
        {
            "MatVecS8S32" => ((Func<long, long>)DenseS8, 128),
            "SignMatVecB1S32" => (SignRow, 128),
            "MatVecTransposedS8S32" => (TransposedS8, 64),
            "SignMatVecTransposedB1S32" => (TransposedSign, 64),
            "XnorPopcountB1S32" => (XnorPopcount, 256),
            "OuterProductAccumulateS32" => (Outer, 32),
            _ => throw new ArgumentException("no peak loop for " + kernel, nameof(kernel)),
        };

        const long iterations = 1 << 22;
        loop(1000); // JIT
        double best = double.MaxValue;
        for (int run = 0; run < 9; run++)
        {
            long start = Stopwatch.GetTimestamp();
            Sink ^= loop(iterations);
            double seconds = (Stopwatch.GetTimestamp() - start) / (double)Stopwatch.Frequency;
            best = Math.Min(best, seconds);
        }

        return iterations * macsPerIteration / best;
    }

    /// <summary>Keeps the loops' results alive.</summary>
    public static long Sink { get; private set; }

    // MatVecS8S32 step (32 MACs): widen s8 -> s16 twice, pmaddwd twice, add twice. Four chains.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static long DenseS8(long n)
    {
        Vector256<sbyte> step = Vector256.Create((sbyte)1);
        Vector256<sbyte> s0 = step, s1 = step + step, s2 = s1 + step, s3 = s2 + step;
        Vector256<short> x = Vector256.Create((short)12345);
        Vector256<int> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default, a7 = default;
        for (long i = 0; i < n; i++)
        {
            s0 += step;
            s1 += step;
            s2 += step;
            s3 += step;
            a0 += Avx2.MultiplyAddAdjacent(Vector256.WidenLower(s0), x);
            a1 += Avx2.MultiplyAddAdjacent(Vector256.WidenUpper(s0), x);
            a2 += Avx2.MultiplyAddAdjacent(Vector256.WidenLower(s1), x);
            a3 += Avx2.MultiplyAddAdjacent(Vector256.WidenUpper(s1), x);
            a4 += Avx2.MultiplyAddAdjacent(Vector256.WidenLower(s2), x);
            a5 += Avx2.MultiplyAddAdjacent(Vector256.WidenUpper(s2), x);
            a6 += Avx2.MultiplyAddAdjacent(Vector256.WidenLower(s3), x);
            a7 += Avx2.MultiplyAddAdjacent(Vector256.WidenUpper(s3), x);
        }

        return Vector256.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7);
    }

    // SignMatVecB1S32 step (32 MACs): broadcast two 16-bit halves of a word, AND with lane bits, compare,
    // pmaddwd with x, add. Four words per iteration.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static long SignRow(long n)
    {
        Vector256<short> lane = Vector256.Create(
            (short)0x1, 0x2, 0x4, 0x8, 0x10, 0x20, 0x40, 0x80, 0x100, 0x200, 0x400, 0x800, 0x1000, 0x2000, 0x4000, unchecked((short)0x8000));
        Vector256<short> x = Vector256.Create((short)1234);
        uint w0 = 0x12345678, w1 = 0x9abcdef0, w2 = 0x0f1e2d3c, w3 = 0x4b5a6978;
        Vector256<int> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default, a7 = default;
        for (long i = 0; i < n; i++)
        {
            w0 += 0x9E3779B9u;
            w1 += 0x9E3779B9u;
            w2 += 0x9E3779B9u;
            w3 += 0x9E3779B9u;
            a0 += Avx2.MultiplyAddAdjacent(x, Vector256.Equals(Vector256.Create((short)w0) & lane, lane));
            a1 += Avx2.MultiplyAddAdjacent(x, Vector256.Equals(Vector256.Create((short)(w0 >> 16)) & lane, lane));
            a2 += Avx2.MultiplyAddAdjacent(x, Vector256.Equals(Vector256.Create((short)w1) & lane, lane));
            a3 += Avx2.MultiplyAddAdjacent(x, Vector256.Equals(Vector256.Create((short)(w1 >> 16)) & lane, lane));
            a4 += Avx2.MultiplyAddAdjacent(x, Vector256.Equals(Vector256.Create((short)w2) & lane, lane));
            a5 += Avx2.MultiplyAddAdjacent(x, Vector256.Equals(Vector256.Create((short)(w2 >> 16)) & lane, lane));
            a6 += Avx2.MultiplyAddAdjacent(x, Vector256.Equals(Vector256.Create((short)w3) & lane, lane));
            a7 += Avx2.MultiplyAddAdjacent(x, Vector256.Equals(Vector256.Create((short)(w3 >> 16)) & lane, lane));
        }

        return Vector256.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7);
    }

    // MatVecTransposedS8S32 step (32 MACs): broadcast x[r], widen 32 s8 to 4 x 8 s32, 4 multiplies, 4 adds.
    // Two rows per iteration.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static long TransposedS8(long n)
    {
        Vector256<sbyte> step = Vector256.Create((sbyte)1);
        Vector256<sbyte> s0 = step, s1 = step + step;
        int x0 = 3, x1 = 5;
        Vector256<int> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default, a7 = default;
        for (long i = 0; i < n; i++)
        {
            s0 += step;
            s1 += step;
            x0 += 7;
            x1 += 7;
            Vector256<int> b0 = Vector256.Create((int)(short)x0);
            Vector256<int> b1 = Vector256.Create((int)(short)x1);
            Vector256<short> l0 = Vector256.WidenLower(s0), h0 = Vector256.WidenUpper(s0);
            Vector256<short> l1 = Vector256.WidenLower(s1), h1 = Vector256.WidenUpper(s1);
            a0 += Vector256.WidenLower(l0) * b0;
            a1 += Vector256.WidenUpper(l0) * b0;
            a2 += Vector256.WidenLower(h0) * b0;
            a3 += Vector256.WidenUpper(h0) * b0;
            a4 += Vector256.WidenLower(l1) * b1;
            a5 += Vector256.WidenUpper(l1) * b1;
            a6 += Vector256.WidenLower(h1) * b1;
            a7 += Vector256.WidenUpper(h1) * b1;
        }

        return Vector256.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7);
    }

    // SignMatVecTransposedB1S32 step (32 MACs): broadcast the row word (a broadcast load in the kernel, here a
    // vector add) and x[r] (sign-extended through a general register, as in the kernel), then
    // 4 x (AND, compare, AND with x, add). Two rows per iteration.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static long TransposedSign(long n)
    {
        Vector256<int> c0 = Vector256.Create(1 << 0, 1 << 1, 1 << 2, 1 << 3, 1 << 4, 1 << 5, 1 << 6, 1 << 7);
        Vector256<int> c1 = Vector256.ShiftLeft(c0, 8), c2 = Vector256.ShiftLeft(c0, 16), c3 = Vector256.ShiftLeft(c0, 24);
        Vector256<int> step = Vector256.Create(unchecked((int)0x9E3779B9u));
        Vector256<int> wb0 = Vector256.Create(0x12345678), wb1 = Vector256.Create(0x1abcdef0);
        int x0 = 3, x1 = 5;
        Vector256<int> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default, a7 = default;
        for (long i = 0; i < n; i++)
        {
            wb0 += step;
            wb1 += step;
            x0 += 7;
            x1 += 7;
            Vector256<int> xb0 = Vector256.Create((int)(short)x0);
            Vector256<int> xb1 = Vector256.Create((int)(short)x1);
            a0 += Vector256.Equals(wb0 & c0, c0) & xb0;
            a1 += Vector256.Equals(wb0 & c1, c1) & xb0;
            a2 += Vector256.Equals(wb0 & c2, c2) & xb0;
            a3 += Vector256.Equals(wb0 & c3, c3) & xb0;
            a4 += Vector256.Equals(wb1 & c0, c0) & xb1;
            a5 += Vector256.Equals(wb1 & c1, c1) & xb1;
            a6 += Vector256.Equals(wb1 & c2, c2) & xb1;
            a7 += Vector256.Equals(wb1 & c3, c3) & xb1;
        }

        return Vector256.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7);
    }

    // XnorPopcountB1S32 step (64 bit-MACs): XOR two 64-bit words, popcount, add. Four chains.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static long XnorPopcount(long n)
    {
        ulong u0 = 0x0123456789abcdef, u1 = 0xfedcba9876543210, u2 = 0x0f0f0f0f12345678, u3 = 0xf0f0f0f087654321;
        ulong v = 0x5555aaaa3333cccc;
        long c0 = 0, c1 = 0, c2 = 0, c3 = 0;
        for (long i = 0; i < n; i++)
        {
            u0 += 0x9E3779B97F4A7C15;
            u1 += 0x9E3779B97F4A7C15;
            u2 += 0x9E3779B97F4A7C15;
            u3 += 0x9E3779B97F4A7C15;
            c0 += BitOperations.PopCount(u0 ^ v);
            c1 += BitOperations.PopCount(u1 ^ v);
            c2 += BitOperations.PopCount(u2 ^ v);
            c3 += BitOperations.PopCount(u3 ^ v);
        }

        return c0 + c1 + c2 + c3;
    }

    // OuterProductAccumulateS32 step (16 MACs): widen 16 s16 to 2 x 8 s32, multiply by a[r] and by m (= 0),
    // subtract, rounding shift, saturating add into the accumulator. Two chains.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static long Outer(long n)
    {
        Vector256<short> step = Vector256.Create((short)1);
        Vector256<short> b0 = step, b1 = step + step;
        Vector256<int> p = Vector256.Create(1234), m = Vector256<int>.Zero;
        Vector256<int> a0 = default, a1 = default, a2 = default, a3 = default;
        const int shift = 24;
        for (long i = 0; i < n; i++)
        {
            b0 += step;
            b1 += step;
            a0 = AddSaturate(a0, Round(Vector256.WidenLower(b0) * p - Vector256.WidenLower(b0) * m, shift));
            a1 = AddSaturate(a1, Round(Vector256.WidenUpper(b0) * p - Vector256.WidenUpper(b0) * m, shift));
            a2 = AddSaturate(a2, Round(Vector256.WidenLower(b1) * p - Vector256.WidenLower(b1) * m, shift));
            a3 = AddSaturate(a3, Round(Vector256.WidenUpper(b1) * p - Vector256.WidenUpper(b1) * m, shift));
        }

        return Vector256.Sum(a0 + a1 + a2 + a3);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> Round(Vector256<int> v, int shift) =>
        Vector256.ShiftRightArithmetic(v, shift) + (Vector256.ShiftRightArithmetic(v, shift - 1) & Vector256<int>.One);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> AddSaturate(Vector256<int> a, Vector256<int> d)
    {
        Vector256<int> sum = a + d;
        Vector256<int> overflow = Vector256.ShiftRightArithmetic((a ^ sum) & (d ^ sum), 31);
        Vector256<int> bound = Vector256.ShiftRightArithmetic(a, 31) ^ Vector256.Create(int.MaxValue);
        return Vector256.ConditionalSelect(overflow, bound, sum);
    }
}
