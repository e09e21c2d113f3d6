// HostBinary: SIMD and popcount inner loops of the binary kernels (see BinaryKernels for the contracts).
//
// Sign matvec: sum_c (W[r, c] ? x[c] : -x[c]) = 2 S - T with S the sum of x over the set bits of row r and
// T the sum of all x (computed once per call). S is formed by expanding bits into 16-bit lane masks
// (broadcast, AND with the lane's bit, compare) and summing the masked x; each lane absorbs at most
// 2 * 2^15 = 2^16 per step, and the loops flush 32-bit lanes into 64 bits long before 2^31 (bounds at each
// loop). Transposed kernels keep 32 (Vector256) or 16 (Vector128) column sums in 32-bit lanes, one x per
// row (|x| <= 2^15), flushed every 32768 rows. XNOR and {0,1} kernels count bits with hardware popcount on
// 64-bit words; padding bits past cols are masked exactly as in the reference.
// Transposed sign blocks of at most 21845 rows finish in 32-bit lanes: |2 S - T| <= 3 rows 2^15 < 2^31, and
// sat32(y + 2 S - T) is the wrapped sum corrected by sign tests, as in the outer-product kernels.
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace EdgeLearn.Kernels.Host
{
    /// <summary>Vector and popcount inner loops of the binary kernels; callers have validated every range.</summary>
    internal static class HostBinary
    {
        // Words per 32-bit flush in the Vector256 row loop: 1024 steps of <= 2^16 per lane = 2^26.
        private const int WordChunk = 1024;

        // Columns per 32-bit flush in the Vector128 row loop: 4096 steps of <= 2^16 per lane = 2^28.
        private const int ColumnChunk = 32768;

        // Rows per 32-bit flush in transposed loops: 32768 * 2^15 = 2^30.
        private const int RowChunk = 32768;

        // Most rows of a transposed sign block finished in 32-bit lanes: 3 * 21845 * 2^15 < 2^31.
        private const int NarrowFinishRows = 21845;

        // Fewest rows for which the interleaved copy of x pays for itself in the Vector256 sign matvec.
        private const int InterleaveRows = 4;

        // Per-thread scratch of the interleaved x (grown, never shrunk; kernel sets are shared between threads).
        [System.ThreadStatic]
        private static short[] t_interleaved;

        internal static void SignMatVecB1S32(uint[] w, int wOffset, short[] x, int xOffset, int rows, int cols, int[] y, int yOffset, bool wide)
        {
            int words = BinaryKernels.WordsPerRow(cols);
            ref uint w0 = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(w), wOffset);
            ref short x0 = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(x), xOffset);
            long total = Sum(ref x0, cols);
            int fullWords = cols >> 5;
            if (wide && Avx2.IsSupported && rows >= InterleaveRows && fullWords > 0)
            {
                // x once in the word-interleaved order (see SumSelectedInterleaved), then every row.
                short[] interleaved = Interleave(ref x0, fullWords);
                ref short i0 = ref MemoryMarshal.GetArrayDataReference(interleaved);
                for (int r = 0; r < rows; r++)
                {
                    long selected = SumSelectedInterleaved(ref Unsafe.Add(ref w0, r * words), ref i0, ref x0, cols);
                    y[yOffset + r] = FixedPoint.SaturateToS32(y[yOffset + r] + (2 * selected - total));
                }

                return;
            }

            for (int r = 0; r < rows; r++)
            {
                long selected = SumSelected(ref Unsafe.Add(ref w0, r * words), ref x0, cols, wide);
                y[yOffset + r] = FixedPoint.SaturateToS32(y[yOffset + r] + (2 * selected - total));
            }
        }

        internal static void SignMatVecTransposedB1S32(uint[] w, int wOffset, short[] x, int xOffset, int rows, int cols, int[] y, int yOffset, bool wide)
        {
            int words = BinaryKernels.WordsPerRow(cols);
            ref uint w0 = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(w), wOffset);
            ref short x0 = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(x), xOffset);
            long total = Sum(ref x0, rows);
            int c = 0;
            if (wide)
            {
                for (; c + 32 <= cols; c += 32)
                {
                    TransposedSignBlock256(ref Unsafe.Add(ref w0, c >> 5), words, ref x0, rows, total, y, yOffset + c);
                }
            }

            for (; c + 16 <= cols; c += 16)
            {
                TransposedSignBlock128(ref Unsafe.Add(ref w0, c >> 5), c & 16, words, ref x0, rows, total, y, yOffset + c);
            }

            for (; c < cols; c++)
            {
                long selected = 0;
                for (int r = 0; r < rows; r++)
                {
                    if (((Unsafe.Add(ref w0, r * words + (c >> 5)) >> (c & 31)) & 1u) != 0)
                    {
                        selected += Unsafe.Add(ref x0, r);
                    }
                }

                y[yOffset + c] = FixedPoint.SaturateToS32(y[yOffset + c] + (2 * selected - total));
            }
        }

        internal static void XnorPopcountB1S32(uint[] w, int wOffset, uint[] a, int aOffset, int rows, int cols, int[] y, int yOffset)
        {
            int words = BinaryKernels.WordsPerRow(cols);
            uint lastMask = BinaryKernels.LastWordMask(cols);
            ref uint w0 = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(w), wOffset);
            ref uint a0 = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(a), aOffset);
            for (int r = 0; r < rows; r++)
            {
                int differ = PopCountCombined(ref Unsafe.Add(ref w0, r * words), ref a0, words, lastMask, true);
                y[yOffset + r] = FixedPoint.SaturateToS32((long)y[yOffset + r] + cols - 2L * differ);
            }
        }

        internal static void SignMatVecB1U1(uint[] w, int wOffset, uint[] h, int hOffset, int rows, int cols, int[] y, int yOffset)
        {
            int words = BinaryKernels.WordsPerRow(cols);
            uint lastMask = BinaryKernels.LastWordMask(cols);
            ref uint w0 = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(w), wOffset);
            ref uint h0 = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(h), hOffset);
            int active = PopCountCombined(ref h0, ref h0, words, lastMask, false);
            for (int r = 0; r < rows; r++)
            {
                int positive = PopCountCombined(ref Unsafe.Add(ref w0, r * words), ref h0, words, lastMask, false);
                y[yOffset + r] = FixedPoint.SaturateToS32((long)y[yOffset + r] + 2L * positive - active);
            }
        }

        internal static void SignMatVecTransposedB1U1(uint[] w, int wOffset, uint[] h, int hOffset, int rows, int cols, int[] y, int yOffset, bool wide)
        {
            int words = BinaryKernels.WordsPerRow(cols);
            int hWords = BinaryKernels.WordsPerRow(rows);
            uint hLastMask = BinaryKernels.LastWordMask(rows);
            ref uint w0 = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(w), wOffset);
            ref uint h0 = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(h), hOffset);
            int active = PopCountCombined(ref h0, ref h0, hWords, hLastMask, false);
            int c = 0;
            if (wide)
            {
                for (; c + 32 <= cols; c += 32)
                {
                    CountBlock256(ref Unsafe.Add(ref w0, c >> 5), words, ref h0, hWords, hLastMask, active, y, yOffset + c);
                }
            }

            for (; c + 16 <= cols; c += 16)
            {
                CountBlock128(ref Unsafe.Add(ref w0, c >> 5), c & 16, words, ref h0, hWords, hLastMask, active, y, yOffset + c);
            }

            for (; c < cols; c++)
            {
                long positive = 0;
                for (int k = 0; k < hWords; k++)
                {
                    uint bits = Unsafe.Add(ref h0, k) & (k == hWords - 1 ? hLastMask : 0xFFFFFFFFu);
                    while (bits != 0)
                    {
                        int r = (k << 5) + BitOperations.TrailingZeroCount(bits);
                        bits &= bits - 1;
                        positive += (Unsafe.Add(ref w0, r * words + (c >> 5)) >> (c & 31)) & 1u;
                    }
                }

                y[yOffset + c] = FixedPoint.SaturateToS32(y[yOffset + c] + (2 * positive - active));
            }
        }

        /// <summary>Exact sum of n s16 values.</summary>
        private static long Sum(ref short x, int n)
        {
            long total = 0;
            int i = 0;
            while (i + 8 <= n)
            {
                // Each of the 4 lanes takes two values per 8 columns: 16384 steps of <= 2^16 = 2^30 before a flush.
                int stop = n - i > RowChunk * 4 ? i + RowChunk * 4 : n - ((n - i) & 7);
                Vector128<int> acc = Vector128<int>.Zero;
                for (; i < stop; i += 8)
                {
                    Vector128<short> v = Vector128.LoadUnsafe(ref Unsafe.Add(ref x, i));
                    acc += Vector128.WidenLower(v) + Vector128.WidenUpper(v);
                }

                total += HostDense.SumWidened(acc);
            }

            for (; i < n; i++)
            {
                total += Unsafe.Add(ref x, i);
            }

            return total;
        }

        /// <summary>
        /// x[0, 32 words) rearranged per 32-column block so that one broadcast 32-bit weight word tests two columns
        /// per pair of 16-bit lanes: the block's element 2j is x[j] and 2j + 1 is x[16 + j] (j in [0, 16)); the low
        /// half of the word sits in the even lanes and the high half in the odd ones, and pmaddwd adds each pair.
        /// </summary>
        private static short[] Interleave(ref short x, int words)
        {
            int n = words << 5;
            short[] buffer = t_interleaved;
            if (buffer == null || buffer.Length < n)
            {
                buffer = new short[n];
                t_interleaved = buffer;
            }

            ref short target = ref MemoryMarshal.GetArrayDataReference(buffer);
            for (int k = 0; k < words; k++)
            {
                // punpcklwd / punpckhwd of columns [0, 8) with [16, 24), then [8, 16) with [24, 32).
                ref short block = ref Unsafe.Add(ref x, k << 5);
                ref short into = ref Unsafe.Add(ref target, k << 5);
                Vector128<short> a = Vector128.LoadUnsafe(ref block);
                Vector128<short> b = Vector128.LoadUnsafe(ref block, 8);
                Vector128<short> c = Vector128.LoadUnsafe(ref block, 16);
                Vector128<short> d = Vector128.LoadUnsafe(ref block, 24);
                Sse2.UnpackLow(a, c).StoreUnsafe(ref into);
                Sse2.UnpackHigh(a, c).StoreUnsafe(ref into, 8);
                Sse2.UnpackLow(b, d).StoreUnsafe(ref into, 16);
                Sse2.UnpackHigh(b, d).StoreUnsafe(ref into, 24);
            }

            return buffer;
        }

        /// <summary>
        /// <see cref="SumSelected"/> with the full words read from the interleaved copy of x (AVX2): one broadcast of
        /// the word, lanes 2j and 2j + 1 test bits j and 16 + j (j in [0, 8) for the first vector, [8, 16) for the
        /// second). Same lane bounds as the plain loop: each pmaddwd lane adds at most 2^16 per word.
        /// </summary>
        private static long SumSelectedInterleaved(ref uint bits, ref short interleaved, ref short x, int n)
        {
            Vector256<short> patternLow = Vector256.Create(
                (short)0x1, 0x1, 0x2, 0x2, 0x4, 0x4, 0x8, 0x8, 0x10, 0x10, 0x20, 0x20, 0x40, 0x40, 0x80, 0x80);
            Vector256<short> patternHigh = Vector256.Create(
                (short)0x100, 0x100, 0x200, 0x200, 0x400, 0x400, 0x800, 0x800,
                0x1000, 0x1000, 0x2000, 0x2000, 0x4000, 0x4000, unchecked((short)0x8000), unchecked((short)0x8000));
            long total = 0;
            int fullWords = n >> 5;
            int k = 0;
            while (k < fullWords)
            {
                int stop = fullWords - k > WordChunk ? k + WordChunk : fullWords;
                Vector256<int> acc0 = Vector256<int>.Zero;
                Vector256<int> acc1 = Vector256<int>.Zero;
                Vector256<int> acc2 = Vector256<int>.Zero;
                Vector256<int> acc3 = Vector256<int>.Zero;
                ref uint b = ref Unsafe.Add(ref bits, k);
                ref short v = ref Unsafe.Add(ref interleaved, k << 5);
                for (; k + 2 <= stop; k += 2)
                {
                    // Masks are -1 on set bits, so pmaddwd yields minus the selected pair sums.
                    Vector256<short> word = Vector256.Create(b).AsInt16();
                    Vector256<short> next = Vector256.Create(Unsafe.Add(ref b, 1)).AsInt16();
                    acc0 += Avx2.MultiplyAddAdjacent(Vector256.LoadUnsafe(ref v), Vector256.Equals(word & patternLow, patternLow));
                    acc1 += Avx2.MultiplyAddAdjacent(Vector256.LoadUnsafe(ref v, 16), Vector256.Equals(word & patternHigh, patternHigh));
                    acc2 += Avx2.MultiplyAddAdjacent(Vector256.LoadUnsafe(ref v, 32), Vector256.Equals(next & patternLow, patternLow));
                    acc3 += Avx2.MultiplyAddAdjacent(Vector256.LoadUnsafe(ref v, 48), Vector256.Equals(next & patternHigh, patternHigh));
                    b = ref Unsafe.Add(ref b, 2);
                    v = ref Unsafe.Add(ref v, 64);
                }

                if (k < stop)
                {
                    Vector256<short> word = Vector256.Create(b).AsInt16();
                    acc0 += Avx2.MultiplyAddAdjacent(Vector256.LoadUnsafe(ref v), Vector256.Equals(word & patternLow, patternLow));
                    acc1 += Avx2.MultiplyAddAdjacent(Vector256.LoadUnsafe(ref v, 16), Vector256.Equals(word & patternHigh, patternHigh));
                    k++;
                }

                // Each lane of the four accumulators holds at most WordChunk / 2 words of 2^16: the sum stays below 2^27.
                total -= HostDense.SumWidened((acc0 + acc2) + (acc1 + acc3));
            }

            return (fullWords << 5) == n ? total : total + SumSelectedTail(ref bits, ref x, fullWords << 5, n);
        }

        /// <summary>Sum of x[c] over the set bits c &lt; n of a packed row.</summary>
        private static long SumSelected(ref uint bits, ref short x, int n, bool wide)
        {
            long total = 0;
            int c = 0;
            if (wide && Avx2.IsSupported)
            {
                Vector256<short> lane = Vector256.Create(
                    (short)0x1, 0x2, 0x4, 0x8, 0x10, 0x20, 0x40, 0x80,
                    0x100, 0x200, 0x400, 0x800, 0x1000, 0x2000, 0x4000, unchecked((short)0x8000));
                int fullWords = n >> 5;
                int k = 0;
                while (k < fullWords)
                {
                    int stop = fullWords - k > WordChunk ? k + WordChunk : fullWords;
                    Vector256<int> acc0 = Vector256<int>.Zero;
                    Vector256<int> acc1 = Vector256<int>.Zero;
                    for (; k < stop; k++)
                    {
                        uint word = Unsafe.Add(ref bits, k);
                        Vector256<short> m0 = Vector256.Equals(Vector256.Create((short)word) & lane, lane);
                        Vector256<short> m1 = Vector256.Equals(Vector256.Create((short)(word >> 16)) & lane, lane);

                        // Masks are -1 on set bits, so pmaddwd yields minus the selected pair sums.
                        acc0 += Avx2.MultiplyAddAdjacent(Vector256.LoadUnsafe(ref Unsafe.Add(ref x, k << 5)), m0);
                        acc1 += Avx2.MultiplyAddAdjacent(Vector256.LoadUnsafe(ref Unsafe.Add(ref x, (k << 5) + 16)), m1);
                    }

                    total -= HostDense.SumWidened(acc0) + HostDense.SumWidened(acc1);
                }

                c = fullWords << 5;
            }

            return total + SumSelectedTail(ref bits, ref x, c, n);
        }

        /// <summary>Sum of x[c] over the set bits c in [start, n) of a packed row (Vector128 and scalar).</summary>
        private static long SumSelectedTail(ref uint bits, ref short x, int start, int n)
        {
            long total = 0;
            int c = start;
            Vector128<short> lane8 = Vector128.Create((short)0x1, 0x2, 0x4, 0x8, 0x10, 0x20, 0x40, 0x80);
            int limit = c + ((n - c) & ~7);
            while (c < limit)
            {
                int stop = limit - c > ColumnChunk ? c + ColumnChunk : limit;
                Vector128<int> acc = Vector128<int>.Zero;
                for (; c < stop; c += 8)
                {
                    Vector128<short> byteBits = Vector128.Create((short)((Unsafe.Add(ref bits, c >> 5) >> (c & 31)) & 0xFF));
                    Vector128<short> xv = Vector128.LoadUnsafe(ref Unsafe.Add(ref x, c));
                    if (AdvSimd.IsSupported)
                    {
                        acc = AdvSimd.AddPairwiseWideningAndAdd(acc, xv & AdvSimd.CompareTest(byteBits, lane8));
                    }
                    else
                    {
                        acc -= Sse2.MultiplyAddAdjacent(xv, Vector128.Equals(byteBits & lane8, lane8));
                    }
                }

                total += HostDense.SumWidened(acc);
            }

            for (; c < n; c++)
            {
                if (((Unsafe.Add(ref bits, c >> 5) >> (c & 31)) & 1u) != 0)
                {
                    total += Unsafe.Add(ref x, c);
                }
            }

            return total;
        }

        /// <summary>
        /// Columns [0, 32) of a transposed sign product: w points at the word of W[0, c] (c a multiple of 32);
        /// y[c + j] = sat32(y[c + j] + 2 S_j - total) with S_j the sum of x[r] over rows whose bit j is set.
        /// </summary>
        private static void TransposedSignBlock256(ref uint w, int words, ref short x, int rows, long total, int[] y, int yIndex)
        {
            Vector256<int> b0 = Vector256.Create(1 << 0, 1 << 1, 1 << 2, 1 << 3, 1 << 4, 1 << 5, 1 << 6, 1 << 7);
            Vector256<int> b1 = Vector256.ShiftLeft(b0, 8);
            Vector256<int> b2 = Vector256.ShiftLeft(b0, 16);
            Vector256<int> b3 = Vector256.ShiftLeft(b0, 24);
            if (rows <= NarrowFinishRows)
            {
                Vector256<int> n0 = Vector256<int>.Zero, n1 = n0, n2 = n0, n3 = n0;
                for (int k = 0; k < rows; k++)
                {
                    Vector256<int> wb = Vector256.Create((int)Unsafe.Add(ref w, k * words));
                    Vector256<int> xr = Vector256.Create((int)Unsafe.Add(ref x, k));
                    n0 += Vector256.Equals(wb & b0, b0) & xr;
                    n1 += Vector256.Equals(wb & b1, b1) & xr;
                    n2 += Vector256.Equals(wb & b2, b2) & xr;
                    n3 += Vector256.Equals(wb & b3, b3) & xr;
                }

                Vector256<int> t = Vector256.Create((int)total);
                ref int y0 = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(y), yIndex);
                FinishSigns(ref y0, n0, t);
                FinishSigns(ref Unsafe.Add(ref y0, 8), n1, t);
                FinishSigns(ref Unsafe.Add(ref y0, 16), n2, t);
                FinishSigns(ref Unsafe.Add(ref y0, 24), n3, t);
                return;
            }

            Vector256<long> s0 = Vector256<long>.Zero, s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0, s6 = s0, s7 = s0;
            int r = 0;
            while (r < rows)
            {
                int stop = rows - r > RowChunk ? r + RowChunk : rows;
                Vector256<int> a0 = Vector256<int>.Zero, a1 = a0, a2 = a0, a3 = a0;
                for (; r < stop; r++)
                {
                    Vector256<int> wb = Vector256.Create((int)Unsafe.Add(ref w, r * words));
                    Vector256<int> xr = Vector256.Create((int)Unsafe.Add(ref x, r));
                    a0 += Vector256.Equals(wb & b0, b0) & xr;
                    a1 += Vector256.Equals(wb & b1, b1) & xr;
                    a2 += Vector256.Equals(wb & b2, b2) & xr;
                    a3 += Vector256.Equals(wb & b3, b3) & xr;
                }

                s0 += Vector256.WidenLower(a0);
                s1 += Vector256.WidenUpper(a0);
                s2 += Vector256.WidenLower(a1);
                s3 += Vector256.WidenUpper(a1);
                s4 += Vector256.WidenLower(a2);
                s5 += Vector256.WidenUpper(a2);
                s6 += Vector256.WidenLower(a3);
                s7 += Vector256.WidenUpper(a3);
            }

            AddSignSums(y, yIndex, s0, total);
            AddSignSums(y, yIndex + 4, s1, total);
            AddSignSums(y, yIndex + 8, s2, total);
            AddSignSums(y, yIndex + 12, s3, total);
            AddSignSums(y, yIndex + 16, s4, total);
            AddSignSums(y, yIndex + 20, s5, total);
            AddSignSums(y, yIndex + 24, s6, total);
            AddSignSums(y, yIndex + 28, s7, total);
        }

        /// <summary>
        /// Columns [0, 16) of a transposed sign product: w points at the word holding W[0, c], whose bits
        /// [shift, shift + 16) are the block's columns.
        /// </summary>
        private static void TransposedSignBlock128(ref uint w, int shift, int words, ref short x, int rows, long total, int[] y, int yIndex)
        {
            Vector128<int> b0 = Vector128.Create(1 << 0, 1 << 1, 1 << 2, 1 << 3);
            Vector128<int> b1 = Vector128.ShiftLeft(b0, 4);
            Vector128<int> b2 = Vector128.ShiftLeft(b0, 8);
            Vector128<int> b3 = Vector128.ShiftLeft(b0, 12);
            if (rows <= NarrowFinishRows)
            {
                Vector128<int> n0 = Vector128<int>.Zero, n1 = n0, n2 = n0, n3 = n0;
                for (int k = 0; k < rows; k++)
                {
                    Vector128<int> wb = Vector128.Create((int)(Unsafe.Add(ref w, k * words) >> shift));
                    Vector128<int> xr = Vector128.Create((int)Unsafe.Add(ref x, k));
                    n0 += Mask(wb, b0) & xr;
                    n1 += Mask(wb, b1) & xr;
                    n2 += Mask(wb, b2) & xr;
                    n3 += Mask(wb, b3) & xr;
                }

                Vector128<int> t = Vector128.Create((int)total);
                ref int y0 = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(y), yIndex);
                FinishSigns(ref y0, n0, t);
                FinishSigns(ref Unsafe.Add(ref y0, 4), n1, t);
                FinishSigns(ref Unsafe.Add(ref y0, 8), n2, t);
                FinishSigns(ref Unsafe.Add(ref y0, 12), n3, t);
                return;
            }

            Vector128<long> s0 = Vector128<long>.Zero, s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0, s6 = s0, s7 = s0;
            int r = 0;
            while (r < rows)
            {
                int stop = rows - r > RowChunk ? r + RowChunk : rows;
                Vector128<int> a0 = Vector128<int>.Zero, a1 = a0, a2 = a0, a3 = a0;
                for (; r < stop; r++)
                {
                    Vector128<int> wb = Vector128.Create((int)(Unsafe.Add(ref w, r * words) >> shift));
                    Vector128<int> xr = Vector128.Create((int)Unsafe.Add(ref x, r));
                    a0 += Mask(wb, b0) & xr;
                    a1 += Mask(wb, b1) & xr;
                    a2 += Mask(wb, b2) & xr;
                    a3 += Mask(wb, b3) & xr;
                }

                s0 += Vector128.WidenLower(a0);
                s1 += Vector128.WidenUpper(a0);
                s2 += Vector128.WidenLower(a1);
                s3 += Vector128.WidenUpper(a1);
                s4 += Vector128.WidenLower(a2);
                s5 += Vector128.WidenUpper(a2);
                s6 += Vector128.WidenLower(a3);
                s7 += Vector128.WidenUpper(a3);
            }

            AddSignSums(y, yIndex, s0, total);
            AddSignSums(y, yIndex + 2, s1, total);
            AddSignSums(y, yIndex + 4, s2, total);
            AddSignSums(y, yIndex + 6, s3, total);
            AddSignSums(y, yIndex + 8, s4, total);
            AddSignSums(y, yIndex + 10, s5, total);
            AddSignSums(y, yIndex + 12, s6, total);
            AddSignSums(y, yIndex + 14, s7, total);
        }

        /// <summary>
        /// Columns [0, 32) of the transposed {0, 1} kernel: counts, per column, the active rows (set bits of h)
        /// whose weight bit is set; lanes hold minus the count (masks are -1), at most rows in magnitude.
        /// </summary>
        private static void CountBlock256(ref uint w, int words, ref uint h, int hWords, uint hLastMask, int active, int[] y, int yIndex)
        {
            Vector256<int> b0 = Vector256.Create(1 << 0, 1 << 1, 1 << 2, 1 << 3, 1 << 4, 1 << 5, 1 << 6, 1 << 7);
            Vector256<int> b1 = Vector256.ShiftLeft(b0, 8);
            Vector256<int> b2 = Vector256.ShiftLeft(b0, 16);
            Vector256<int> b3 = Vector256.ShiftLeft(b0, 24);
            Vector256<int> a0 = Vector256<int>.Zero, a1 = a0, a2 = a0, a3 = a0;
            for (int k = 0; k < hWords; k++)
            {
                uint bits = Unsafe.Add(ref h, k) & (k == hWords - 1 ? hLastMask : 0xFFFFFFFFu);
                while (bits != 0)
                {
                    int r = (k << 5) + BitOperations.TrailingZeroCount(bits);
                    bits &= bits - 1;
                    Vector256<int> wb = Vector256.Create((int)Unsafe.Add(ref w, r * words));
                    a0 += Vector256.Equals(wb & b0, b0);
                    a1 += Vector256.Equals(wb & b1, b1);
                    a2 += Vector256.Equals(wb & b2, b2);
                    a3 += Vector256.Equals(wb & b3, b3);
                }
            }

            AddCounts(y, yIndex, a0, active);
            AddCounts(y, yIndex + 8, a1, active);
            AddCounts(y, yIndex + 16, a2, active);
            AddCounts(y, yIndex + 24, a3, active);
        }

        /// <summary>Columns [0, 16) of the transposed {0, 1} kernel, bits [shift, shift + 16) of each row word.</summary>
        private static void CountBlock128(ref uint w, int shift, int words, ref uint h, int hWords, uint hLastMask, int active, int[] y, int yIndex)
        {
            Vector128<int> b0 = Vector128.Create(1 << 0, 1 << 1, 1 << 2, 1 << 3);
            Vector128<int> b1 = Vector128.ShiftLeft(b0, 4);
            Vector128<int> b2 = Vector128.ShiftLeft(b0, 8);
            Vector128<int> b3 = Vector128.ShiftLeft(b0, 12);
            Vector128<int> a0 = Vector128<int>.Zero, a1 = a0, a2 = a0, a3 = a0;
            for (int k = 0; k < hWords; k++)
            {
                uint bits = Unsafe.Add(ref h, k) & (k == hWords - 1 ? hLastMask : 0xFFFFFFFFu);
                while (bits != 0)
                {
                    int r = (k << 5) + BitOperations.TrailingZeroCount(bits);
                    bits &= bits - 1;
                    Vector128<int> wb = Vector128.Create((int)(Unsafe.Add(ref w, r * words) >> shift));
                    a0 += Mask(wb, b0);
                    a1 += Mask(wb, b1);
                    a2 += Mask(wb, b2);
                    a3 += Mask(wb, b3);
                }
            }

            AddCounts(y, yIndex, a0, active);
            AddCounts(y, yIndex + 4, a1, active);
            AddCounts(y, yIndex + 8, a2, active);
            AddCounts(y, yIndex + 12, a3, active);
        }

        /// <summary>-1 in the lanes where (v &amp; bit) != 0 (bit has one set bit per lane), else 0.</summary>
        private static Vector128<int> Mask(Vector128<int> v, Vector128<int> bit)
        {
            if (AdvSimd.IsSupported)
            {
                return AdvSimd.CompareTest(v, bit);
            }

            return Vector128.Equals(v & bit, bit);
        }

        /// <summary>
        /// Popcount of (a[k] xor b[k]) (xor true) or (a[k] and b[k]) over k in [0, words), the last word masked.
        /// Full words go two at a time through 64-bit popcount (the order of words does not matter).
        /// </summary>
        private static int PopCountCombined(ref uint a, ref uint b, int words, uint lastMask, bool xor)
        {
            if (words == 0)
            {
                return 0;
            }

            int count = 0;
            int full = words - 1;
            int k = 0;
            for (; k + 2 <= full; k += 2)
            {
                ulong va = Unsafe.ReadUnaligned<ulong>(ref Unsafe.As<uint, byte>(ref Unsafe.Add(ref a, k)));
                ulong vb = Unsafe.ReadUnaligned<ulong>(ref Unsafe.As<uint, byte>(ref Unsafe.Add(ref b, k)));
                count += BitOperations.PopCount(xor ? va ^ vb : va & vb);
            }

            for (; k < full; k++)
            {
                uint va = Unsafe.Add(ref a, k);
                uint vb = Unsafe.Add(ref b, k);
                count += BitOperations.PopCount(xor ? va ^ vb : va & vb);
            }

            uint la = Unsafe.Add(ref a, full);
            uint lb = Unsafe.Add(ref b, full);
            return count + BitOperations.PopCount((xor ? la ^ lb : la & lb) & lastMask);
        }

        /// <summary>y[k] = sat32(y[k] + 2 selected[k] - total) for 8 lanes, |2 selected - total| &lt; 2^31 (see the header).</summary>
        private static void FinishSigns(ref int y, Vector256<int> selected, Vector256<int> total)
        {
            Vector256<int> d = selected + selected - total;
            Vector256<int> a = Vector256.LoadUnsafe(ref y);
            Vector256<int> sum = a + d;
            Vector256<int> overflow = Vector256.ShiftRightArithmetic((a ^ sum) & (d ^ sum), 31);
            Vector256<int> bound = Vector256.ShiftRightArithmetic(a, 31) ^ Vector256.Create(int.MaxValue);
            Vector256.ConditionalSelect(overflow, bound, sum).StoreUnsafe(ref y);
        }

        /// <summary>y[k] = sat32(y[k] + 2 selected[k] - total) for 4 lanes, |2 selected - total| &lt; 2^31.</summary>
        private static void FinishSigns(ref int y, Vector128<int> selected, Vector128<int> total)
        {
            Vector128<int> d = selected + selected - total;
            Vector128<int> a = Vector128.LoadUnsafe(ref y);
            Vector128<int> sum = a + d;
            Vector128<int> overflow = Vector128.ShiftRightArithmetic((a ^ sum) & (d ^ sum), 31);
            Vector128<int> bound = Vector128.ShiftRightArithmetic(a, 31) ^ Vector128.Create(int.MaxValue);
            Vector128.ConditionalSelect(overflow, bound, sum).StoreUnsafe(ref y);
        }

        private static void AddSignSums(int[] y, int i, Vector256<long> selected, long total)
        {
            for (int k = 0; k < Vector256<long>.Count; k++)
            {
                y[i + k] = FixedPoint.SaturateToS32(y[i + k] + (2 * selected.GetElement(k) - total));
            }
        }

        private static void AddSignSums(int[] y, int i, Vector128<long> selected, long total)
        {
            for (int k = 0; k < Vector128<long>.Count; k++)
            {
                y[i + k] = FixedPoint.SaturateToS32(y[i + k] + (2 * selected.GetElement(k) - total));
            }
        }

        private static void AddCounts(int[] y, int i, Vector256<int> minusCounts, int active)
        {
            for (int k = 0; k < Vector256<int>.Count; k++)
            {
                y[i + k] = FixedPoint.SaturateToS32(y[i + k] + (-2L * minusCounts.GetElement(k) - active));
            }
        }

        private static void AddCounts(int[] y, int i, Vector128<int> minusCounts, int active)
        {
            for (int k = 0; k < Vector128<int>.Count; k++)
            {
                y[i + k] = FixedPoint.SaturateToS32(y[i + k] + (-2L * minusCounts.GetElement(k) - active));
            }
        }
    }
}
