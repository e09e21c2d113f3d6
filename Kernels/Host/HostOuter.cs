// HostOuter: SIMD loops of the outer-product accumulate kernels (see OuterProductKernels for the contracts).
//
// Every row r adds d[c] = RoundingShiftRight(p b+[c] - m b-[c], shift) to A[r, c] (the plain outer product
// is the case m = 0). Exactness in 32-bit lanes: each s16 x s16 product lies in [-2^30 + 2^15, 2^30], so the
// difference lies in [-2^31 + 2^15, 2^31 - 2^15] and fits a 32-bit lane exactly; the 64-bit rounding shift
// of the reference gives the same value as the 32-bit one for shift in [0, 31], and 0 for every shift >= 32
// (d >> shift and the rounding bit d >> (shift - 1) are then both 0 or -1 and 1, summing to 0), so those calls
// leave A unchanged and return at once. The s32 sum A + d wraps at most once and is saturated by sign tests;
// for s16 / s8 accumulators d is first clamped to [-2^16, 2^16 - 1] / [-2^8, 2^8 - 1], which cannot change
// sat16(A + d) / sat8(A + d), and the sum is clamped and narrowed.
//
// Shared column vector (b+ and b- the same values, as in EP's input layer where both phases see the input x):
// p b[c] - m b[c] = (p - m) b[c] exactly, so a row with p = m adds exactly 0 (sat(A + 0) = A) and is skipped,
// and for an s16 accumulator with k = p - m in [-2^15, 2^15) and shift >= 16 the product k b[c] (in
// [-2^30, 2^30]) is formed in 16-bit lanes as a high half h and a low half l (k b = h 2^16 + l, l unsigned):
// RoundingShiftRight(k b, 16) = h + (l >> 15) and, for shift > 16, RoundingShiftRight(k b, shift) =
// (h >> (shift - 16)) + ((h >> (shift - 17)) and 1); both lie in [-2^14, 2^14], so sat16(A + d) is one
// saturating 16-bit add.
//
// Dithered s8 form: the reference adds floor((D + d) / 2^shift) with D = p b+[c] - m b-[c] (or (p - m) b[c] for a
// shared column vector; |(p - m) b| <= 65535 * 32768 < 2^31, so both fit a 32-bit lane) and the dither
// d = (dither + r 0x9E3779B1 + c 0x85EBCA77) mod 2^shift in [0, 2^shift). Writing D = q 2^shift + e with
// 0 <= e < 2^shift, floor((D + d) / 2^shift) = (D >> shift) + ((e + d) >> shift), and e + d < 2^(shift + 1)
// fits a 32-bit lane for shift <= 30, so the 32-bit lanes give the reference's integers; the dither lanes
// are the same wrapped 32-bit sums, advanced by a multiple of 0x85EBCA77 per vector. The sum A + delta
// (|delta| <= 2^30 + 1) is narrowed with saturation to s16 and then s8, which is sat8 of the exact sum.
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace EdgeLearn.Kernels.Host
{
    /// <summary>Vector loops of the outer-product accumulate kernels; callers have validated every range.</summary>
    internal static class HostOuter
    {
        internal static void OuterProductAccumulateS32(int[] acc, int accOffset, short[] a, int aOffset, int rows, short[] b, int bOffset, int cols, int shift, bool wide)
        {
            if (shift >= 32)
            {
                return;
            }

            ref int acc0 = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(acc), accOffset);
            ref short b0 = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(b), bOffset);
            for (int r = 0; r < rows; r++)
            {
                RowS32(ref Unsafe.Add(ref acc0, r * cols), a[aOffset + r], ref b0, 0, ref b0, cols, shift, wide);
            }
        }

        internal static void ContrastiveOuterAccumulateS32(int[] acc, int accOffset, short[] ap, short[] am, int aOffset, int rows, short[] bp, short[] bm, int bOffset, int cols, int shift, bool wide)
        {
            if (shift >= 32)
            {
                return;
            }

            ref int acc0 = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(acc), accOffset);
            ref short bp0 = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(bp), bOffset);
            ref short bm0 = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(bm), bOffset);
            bool shared = bp == bm;
            for (int r = 0; r < rows; r++)
            {
                if (shared && ap[aOffset + r] == am[aOffset + r])
                {
                    continue; // exactly 0 (see OuterProductKernels)
                }

                RowS32(ref Unsafe.Add(ref acc0, r * cols), ap[aOffset + r], ref bp0, am[aOffset + r], ref bm0, cols, shift, wide);
            }
        }

        internal static void ContrastiveOuterAccumulateS16(short[] acc, int accOffset, short[] ap, short[] am, int aOffset, int rows, short[] bp, short[] bm, int bOffset, int cols, int shift, bool wide)
        {
            if (shift >= 32)
            {
                return;
            }

            ref short acc0 = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(acc), accOffset);
            ref short bp0 = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(bp), bOffset);
            ref short bm0 = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(bm), bOffset);
            if (bp == bm)
            {
                // One column vector for both terms (see the file header).
                for (int r = 0; r < rows; r++)
                {
                    int k = ap[aOffset + r] - am[aOffset + r];
                    if (k == 0)
                    {
                        continue;
                    }

                    if (shift >= 16 && k >= short.MinValue && k <= short.MaxValue)
                    {
                        RowS16Shared(ref Unsafe.Add(ref acc0, r * cols), (short)k, ref bp0, cols, shift, wide);
                    }
                    else
                    {
                        RowS16(ref Unsafe.Add(ref acc0, r * cols), ap[aOffset + r], ref bp0, am[aOffset + r], ref bm0, cols, shift, wide);
                    }
                }

                return;
            }

            for (int r = 0; r < rows; r++)
            {
                RowS16(ref Unsafe.Add(ref acc0, r * cols), ap[aOffset + r], ref bp0, am[aOffset + r], ref bm0, cols, shift, wide);
            }
        }

        internal static void ContrastiveOuterAccumulateS8(sbyte[] acc, int accOffset, short[] ap, short[] am, int aOffset, int rows, short[] bp, short[] bm, int bOffset, int cols, int shift, bool wide)
        {
            if (shift >= 32)
            {
                return;
            }

            ref sbyte acc0 = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(acc), accOffset);
            ref short bp0 = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(bp), bOffset);
            ref short bm0 = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(bm), bOffset);
            bool shared = bp == bm;
            for (int r = 0; r < rows; r++)
            {
                if (shared && ap[aOffset + r] == am[aOffset + r])
                {
                    continue; // exactly 0 (see OuterProductKernels)
                }

                RowS8(ref Unsafe.Add(ref acc0, r * cols), ap[aOffset + r], ref bp0, am[aOffset + r], ref bm0, cols, shift, wide);
            }
        }

        internal static void ContrastiveOuterAccumulateS8Dithered(sbyte[] acc, int accOffset, short[] ap, short[] am, int aOffset, int rows, short[] bp, short[] bm, int bOffset, int cols, int shift, uint dither, bool wide)
        {
            ref sbyte acc0 = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(acc), accOffset);
            ref short bp0 = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(bp), bOffset);
            ref short bm0 = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(bm), bOffset);
            bool shared = bp == bm;
            for (int r = 0; r < rows; r++)
            {
                int p = ap[aOffset + r];
                int m = am[aOffset + r];
                uint rowDither = dither + (uint)r * 0x9E3779B1u;
                if (shared)
                {
                    // (p - m) b: a zero row adds floor(d / 2^shift) = 0 to every accumulator.
                    int k = p - m;
                    if (k == 0)
                    {
                        continue;
                    }

                    int start = 0;
                    if (wide && Avx2.IsSupported && shift >= 16 && shift <= 29 && k >= short.MinValue && k <= short.MaxValue)
                    {
                        start = RowS8DitheredShared16(ref Unsafe.Add(ref acc0, r * cols), (short)k, ref bp0, cols, shift, rowDither);
                    }

                    RowS8Dithered(ref Unsafe.Add(ref acc0, r * cols), k, ref bp0, 0, ref bm0, cols, shift, rowDither, wide, start);
                }
                else
                {
                    RowS8Dithered(ref Unsafe.Add(ref acc0, r * cols), p, ref bp0, m, ref bm0, cols, shift, rowDither, wide, 0);
                }
            }
        }

        /// <summary>
        /// A[c] = sat8(A[c] + floor((p b+[c] - m b-[c] + d_c) / 2^shift)), d_c = (rowDither + c 0x85EBCA77) mod 2^shift,
        /// shift in [1, 30]; p may be any value with |p b+[c] - m b-[c]| &lt; 2^31 (see the file header).
        /// </summary>
        private static void RowS8Dithered(ref sbyte acc, int p, ref short bp, int m, ref short bm, int cols, int shift, uint rowDither, bool wide, int start)
        {
            const uint Step = 0x85EBCA77u;
            int c = start;
            int mask = (int)((1u << shift) - 1u);
            if (wide)
            {
                Vector256<int> pv = Vector256.Create(p);
                Vector256<int> mv = Vector256.Create(m);
                Vector256<int> maskv = Vector256.Create(mask);
                Vector256<uint> lanes = Vector256.Create(0u, 1u, 2u, 3u, 4u, 5u, 6u, 7u) * Step;
                Vector256<uint> stride = Vector256.Create(unchecked(8u * Step));
                for (; c + 32 <= cols; c += 32)
                {
                    Vector256<uint> d0 = Vector256.Create(rowDither + (uint)c * Step) + lanes;
                    Vector256<uint> d1 = d0 + stride;
                    Vector256<uint> d2 = d1 + stride;
                    Vector256<uint> d3 = d2 + stride;
                    Vector256<short> bp0 = Vector256.LoadUnsafe(ref Unsafe.Add(ref bp, c));
                    Vector256<short> bp1 = Vector256.LoadUnsafe(ref Unsafe.Add(ref bp, c + 16));
                    Vector256<short> bm0 = Vector256.LoadUnsafe(ref Unsafe.Add(ref bm, c));
                    Vector256<short> bm1 = Vector256.LoadUnsafe(ref Unsafe.Add(ref bm, c + 16));
                    Vector256<int> e0 = Dithered(Vector256.WidenLower(bp0) * pv - Vector256.WidenLower(bm0) * mv, d0.AsInt32(), maskv, shift);
                    Vector256<int> e1 = Dithered(Vector256.WidenUpper(bp0) * pv - Vector256.WidenUpper(bm0) * mv, d1.AsInt32(), maskv, shift);
                    Vector256<int> e2 = Dithered(Vector256.WidenLower(bp1) * pv - Vector256.WidenLower(bm1) * mv, d2.AsInt32(), maskv, shift);
                    Vector256<int> e3 = Dithered(Vector256.WidenUpper(bp1) * pv - Vector256.WidenUpper(bm1) * mv, d3.AsInt32(), maskv, shift);
                    ref sbyte target = ref Unsafe.Add(ref acc, c);
                    Vector256<sbyte> av = Vector256.LoadUnsafe(ref target);
                    Vector256<short> aLow = Vector256.WidenLower(av);
                    Vector256<short> aHigh = Vector256.WidenUpper(av);
                    Vector256<short> s01 = Vector256.NarrowWithSaturation(Vector256.WidenLower(aLow) + e0, Vector256.WidenUpper(aLow) + e1);
                    Vector256<short> s23 = Vector256.NarrowWithSaturation(Vector256.WidenLower(aHigh) + e2, Vector256.WidenUpper(aHigh) + e3);
                    Vector256.NarrowWithSaturation(s01, s23).StoreUnsafe(ref target);
                }
            }

            Vector128<int> pn = Vector128.Create(p);
            Vector128<int> mn = Vector128.Create(m);
            Vector128<int> maskn = Vector128.Create(mask);
            Vector128<uint> lanesN = Vector128.Create(0u, 1u, 2u, 3u) * Step;
            Vector128<uint> strideN = Vector128.Create(unchecked(4u * Step));
            for (; c + 16 <= cols; c += 16)
            {
                Vector128<uint> d0 = Vector128.Create(rowDither + (uint)c * Step) + lanesN;
                Vector128<uint> d1 = d0 + strideN;
                Vector128<uint> d2 = d1 + strideN;
                Vector128<uint> d3 = d2 + strideN;
                Vector128<short> bp0 = Vector128.LoadUnsafe(ref Unsafe.Add(ref bp, c));
                Vector128<short> bp1 = Vector128.LoadUnsafe(ref Unsafe.Add(ref bp, c + 8));
                Vector128<short> bm0 = Vector128.LoadUnsafe(ref Unsafe.Add(ref bm, c));
                Vector128<short> bm1 = Vector128.LoadUnsafe(ref Unsafe.Add(ref bm, c + 8));
                Vector128<int> e0 = Dithered(Vector128.WidenLower(bp0) * pn - Vector128.WidenLower(bm0) * mn, d0.AsInt32(), maskn, shift);
                Vector128<int> e1 = Dithered(Vector128.WidenUpper(bp0) * pn - Vector128.WidenUpper(bm0) * mn, d1.AsInt32(), maskn, shift);
                Vector128<int> e2 = Dithered(Vector128.WidenLower(bp1) * pn - Vector128.WidenLower(bm1) * mn, d2.AsInt32(), maskn, shift);
                Vector128<int> e3 = Dithered(Vector128.WidenUpper(bp1) * pn - Vector128.WidenUpper(bm1) * mn, d3.AsInt32(), maskn, shift);
                ref sbyte target = ref Unsafe.Add(ref acc, c);
                Vector128<sbyte> av = Vector128.LoadUnsafe(ref target);
                Vector128<short> aLow = Vector128.WidenLower(av);
                Vector128<short> aHigh = Vector128.WidenUpper(av);
                Vector128<short> s01 = Vector128.NarrowWithSaturation(Vector128.WidenLower(aLow) + e0, Vector128.WidenUpper(aLow) + e1);
                Vector128<short> s23 = Vector128.NarrowWithSaturation(Vector128.WidenLower(aHigh) + e2, Vector128.WidenUpper(aHigh) + e3);
                Vector128.NarrowWithSaturation(s01, s23).StoreUnsafe(ref target);
            }

            for (; c < cols; c++)
            {
                long d = (rowDither + (uint)c * Step) & (uint)mask;
                long delta = ((long)p * Unsafe.Add(ref bp, c) - (long)m * Unsafe.Add(ref bm, c) + d) >> shift;
                ref sbyte target = ref Unsafe.Add(ref acc, c);
                target = FixedPoint.SaturateToS8(FixedPoint.SaturateToS32(target + delta));
            }
        }

        /// <summary>
        /// Full 32-column blocks of a dithered row with a shared column vector in 16-bit lanes (AVX2), for k in s16 and
        /// shift in [16, 29]; returns the first column left to the caller. With k b = H 2^16 + L (H = vpmulhw, L the
        /// unsigned low half) and the dither d = D 2^16 + E (E its low half, D &lt; 2^(shift - 16) &lt;= 2^13):
        /// floor((k b + d) / 2^shift) = (H + D + carry(L + E)) &gt;&gt; (shift - 16), the sum within [-2^14, 2^14 + 2^13].
        /// The dither halves of the 16 lanes advance by 16 * 0x85EBCA77 per vector, the low half's carry into the high.
        /// </summary>
        private static int RowS8DitheredShared16(ref sbyte acc, short k, ref short b, int cols, int shift, uint rowDither)
        {
            const uint Step = 0x85EBCA77u;
            if (cols < 32)
            {
                return 0;
            }

            Vector256<uint> u0 = Vector256.Create(rowDither) + Vector256.Create(0u, 1u, 2u, 3u, 4u, 5u, 6u, 7u) * Step;
            Vector256<uint> u1 = u0 + Vector256.Create(unchecked(8u * Step));
            Vector256<ushort> low = Vector256.Narrow(u0, u1);
            Vector256<ushort> high = Vector256.Narrow(Vector256.ShiftRightLogical(u0, 16), Vector256.ShiftRightLogical(u1, 16));
            uint stride = unchecked(16u * Step);
            Vector256<ushort> strideLow = Vector256.Create((ushort)stride);
            Vector256<ushort> strideHighPlusOne = Vector256.Create((ushort)((stride >> 16) + 1));
            Vector256<ushort> highMask = Vector256.Create((ushort)((1 << (shift - 16)) - 1));
            Vector256<short> kv = Vector256.Create(k);
            Vector256<short> one = Vector256<short>.One;
            int s = shift - 16;
            int c = 0;
            for (; c + 32 <= cols; c += 32)
            {
                Vector256<short> b0 = Vector256.LoadUnsafe(ref Unsafe.Add(ref b, c));
                Vector256<short> b1 = Vector256.LoadUnsafe(ref Unsafe.Add(ref b, c + 16));
                Vector256<short> delta0 = DitheredShared16(b0, kv, low, high & highMask, one, s);
                Advance(ref low, ref high, strideLow, strideHighPlusOne);
                Vector256<short> delta1 = DitheredShared16(b1, kv, low, high & highMask, one, s);
                Advance(ref low, ref high, strideLow, strideHighPlusOne);
                ref sbyte target = ref Unsafe.Add(ref acc, c);
                Vector256<sbyte> av = Vector256.LoadUnsafe(ref target);
                Vector256.NarrowWithSaturation(Vector256.WidenLower(av) + delta0, Vector256.WidenUpper(av) + delta1).StoreUnsafe(ref target);
            }

            return c;
        }

        /// <summary>(H + D + carry(L + E)) &gt;&gt; s for 16 lanes (see <see cref="RowS8DitheredShared16"/>).</summary>
        private static Vector256<short> DitheredShared16(Vector256<short> b, Vector256<short> k, Vector256<ushort> e, Vector256<ushort> d, Vector256<short> one, int s)
        {
            Vector256<short> h = Avx2.MultiplyHigh(b, k);
            Vector256<ushort> l = (b * k).AsUInt16();
            Vector256<ushort> sum = l + e;

            // -1 where L + E did not wrap (min(sum, L) = L), 0 where it carried: carry = 1 + noCarry.
            Vector256<short> noCarry = Vector256.Equals(Vector256.Min(sum, l), l).AsInt16();
            return Vector256.ShiftRightArithmetic(h + d.AsInt16() + one + noCarry, s);
        }

        /// <summary>Advances 16 dither lanes (low and high halves of a 32-bit value) by the stride.</summary>
        private static void Advance(ref Vector256<ushort> low, ref Vector256<ushort> high, Vector256<ushort> strideLow, Vector256<ushort> strideHighPlusOne)
        {
            Vector256<ushort> next = low + strideLow;
            Vector256<ushort> noCarry = Vector256.Equals(Vector256.Min(next, low), low);
            high = high + strideHighPlusOne + noCarry;
            low = next;
        }

        /// <summary>floor((v + (dither and mask)) / 2^shift) on 32-bit lanes, shift in [1, 30] (see the file header).</summary>
        private static Vector256<int> Dithered(Vector256<int> v, Vector256<int> dither, Vector256<int> mask, int shift)
        {
            return Vector256.ShiftRightArithmetic(v, shift) + Vector256.ShiftRightArithmetic((v & mask) + (dither & mask), shift);
        }

        /// <summary>floor((v + (dither and mask)) / 2^shift) on 32-bit lanes, shift in [1, 30].</summary>
        private static Vector128<int> Dithered(Vector128<int> v, Vector128<int> dither, Vector128<int> mask, int shift)
        {
            return Vector128.ShiftRightArithmetic(v, shift) + Vector128.ShiftRightArithmetic((v & mask) + (dither & mask), shift);
        }

        /// <summary>The reference formula for one element (tails).</summary>
        private static long Delta(int p, short bp, int m, short bm, int shift)
        {
            return FixedPoint.RoundingShiftRight((long)p * bp - (long)m * bm, shift);
        }

        private static void RowS32(ref int acc, int p, ref short bp, int m, ref short bm, int cols, int shift, bool wide)
        {
            int c = 0;
            if (wide)
            {
                Vector256<int> pv = Vector256.Create(p);
                Vector256<int> mv = Vector256.Create(m);
                for (; c + 16 <= cols; c += 16)
                {
                    Vector256<short> bpv = Vector256.LoadUnsafe(ref Unsafe.Add(ref bp, c));
                    Vector256<short> bmv = Vector256.LoadUnsafe(ref Unsafe.Add(ref bm, c));
                    Vector256<int> d0 = Round(Vector256.WidenLower(bpv) * pv - Vector256.WidenLower(bmv) * mv, shift);
                    Vector256<int> d1 = Round(Vector256.WidenUpper(bpv) * pv - Vector256.WidenUpper(bmv) * mv, shift);
                    ref int target = ref Unsafe.Add(ref acc, c);
                    AddSaturate(Vector256.LoadUnsafe(ref target), d0).StoreUnsafe(ref target);
                    ref int target8 = ref Unsafe.Add(ref acc, c + 8);
                    AddSaturate(Vector256.LoadUnsafe(ref target8), d1).StoreUnsafe(ref target8);
                }
            }

            Vector128<int> pn = Vector128.Create(p);
            Vector128<int> mn = Vector128.Create(m);
            for (; c + 8 <= cols; c += 8)
            {
                Vector128<short> bpv = Vector128.LoadUnsafe(ref Unsafe.Add(ref bp, c));
                Vector128<short> bmv = Vector128.LoadUnsafe(ref Unsafe.Add(ref bm, c));
                Vector128<int> d0 = Round(Vector128.WidenLower(bpv) * pn - Vector128.WidenLower(bmv) * mn, shift);
                Vector128<int> d1 = Round(Vector128.WidenUpper(bpv) * pn - Vector128.WidenUpper(bmv) * mn, shift);
                ref int target = ref Unsafe.Add(ref acc, c);
                AddSaturate(Vector128.LoadUnsafe(ref target), d0).StoreUnsafe(ref target);
                ref int target4 = ref Unsafe.Add(ref acc, c + 4);
                AddSaturate(Vector128.LoadUnsafe(ref target4), d1).StoreUnsafe(ref target4);
            }

            for (; c < cols; c++)
            {
                ref int target = ref Unsafe.Add(ref acc, c);
                target = FixedPoint.SaturateToS32(target + Delta(p, Unsafe.Add(ref bp, c), m, Unsafe.Add(ref bm, c), shift));
            }
        }

        private static void RowS16(ref short acc, int p, ref short bp, int m, ref short bm, int cols, int shift, bool wide)
        {
            int c = 0;
            if (wide)
            {
                Vector256<int> pv = Vector256.Create(p);
                Vector256<int> mv = Vector256.Create(m);
                Vector256<int> dLow = Vector256.Create(-65536);
                Vector256<int> dHigh = Vector256.Create(65535);
                Vector256<int> low = Vector256.Create((int)short.MinValue);
                Vector256<int> high = Vector256.Create((int)short.MaxValue);
                for (; c + 16 <= cols; c += 16)
                {
                    Vector256<short> bpv = Vector256.LoadUnsafe(ref Unsafe.Add(ref bp, c));
                    Vector256<short> bmv = Vector256.LoadUnsafe(ref Unsafe.Add(ref bm, c));
                    ref short target = ref Unsafe.Add(ref acc, c);
                    Vector256<short> av = Vector256.LoadUnsafe(ref target);
                    Vector256<int> d0 = Clamp(Round(Vector256.WidenLower(bpv) * pv - Vector256.WidenLower(bmv) * mv, shift), dLow, dHigh);
                    Vector256<int> d1 = Clamp(Round(Vector256.WidenUpper(bpv) * pv - Vector256.WidenUpper(bmv) * mv, shift), dLow, dHigh);
                    Vector256<int> s0 = Clamp(Vector256.WidenLower(av) + d0, low, high);
                    Vector256<int> s1 = Clamp(Vector256.WidenUpper(av) + d1, low, high);
                    Vector256.Narrow(s0, s1).StoreUnsafe(ref target);
                }
            }

            Vector128<int> pn = Vector128.Create(p);
            Vector128<int> mn = Vector128.Create(m);
            Vector128<int> dLowN = Vector128.Create(-65536);
            Vector128<int> dHighN = Vector128.Create(65535);
            Vector128<int> lowN = Vector128.Create((int)short.MinValue);
            Vector128<int> highN = Vector128.Create((int)short.MaxValue);
            for (; c + 8 <= cols; c += 8)
            {
                Vector128<short> bpv = Vector128.LoadUnsafe(ref Unsafe.Add(ref bp, c));
                Vector128<short> bmv = Vector128.LoadUnsafe(ref Unsafe.Add(ref bm, c));
                ref short target = ref Unsafe.Add(ref acc, c);
                Vector128<short> av = Vector128.LoadUnsafe(ref target);
                Vector128<int> d0 = Clamp(Round(Vector128.WidenLower(bpv) * pn - Vector128.WidenLower(bmv) * mn, shift), dLowN, dHighN);
                Vector128<int> d1 = Clamp(Round(Vector128.WidenUpper(bpv) * pn - Vector128.WidenUpper(bmv) * mn, shift), dLowN, dHighN);
                Vector128<int> s0 = Clamp(Vector128.WidenLower(av) + d0, lowN, highN);
                Vector128<int> s1 = Clamp(Vector128.WidenUpper(av) + d1, lowN, highN);
                Vector128.Narrow(s0, s1).StoreUnsafe(ref target);
            }

            for (; c < cols; c++)
            {
                ref short target = ref Unsafe.Add(ref acc, c);
                target = FixedPoint.SaturateToS16(FixedPoint.SaturateToS32(target + Delta(p, Unsafe.Add(ref bp, c), m, Unsafe.Add(ref bm, c), shift)));
            }
        }

        /// <summary>
        /// A[c] = sat16(A[c] + RoundingShiftRight(k b[c], shift)) for shift in [16, 31]; see the file header.
        /// </summary>
        private static void RowS16Shared(ref short acc, short k, ref short b, int cols, int shift, bool wide)
        {
            int c = 0;
            if (wide && Avx2.IsSupported)
            {
                Vector256<short> kv = Vector256.Create(k);
                if (shift == 16)
                {
                    for (; c + 16 <= cols; c += 16)
                    {
                        Vector256<short> bv = Vector256.LoadUnsafe(ref Unsafe.Add(ref b, c));
                        Vector256<short> high = Avx2.MultiplyHigh(bv, kv);
                        Vector256<short> low = bv * kv;
                        ref short target = ref Unsafe.Add(ref acc, c);
                        Vector256.AddSaturate(Vector256.LoadUnsafe(ref target), high + Vector256.ShiftRightLogical(low, 15)).StoreUnsafe(ref target);
                    }
                }
                else
                {
                    int s = shift - 16;
                    for (; c + 16 <= cols; c += 16)
                    {
                        Vector256<short> high = Avx2.MultiplyHigh(Vector256.LoadUnsafe(ref Unsafe.Add(ref b, c)), kv);
                        Vector256<short> delta = Vector256.ShiftRightArithmetic(high, s) + (Vector256.ShiftRightArithmetic(high, s - 1) & Vector256<short>.One);
                        ref short target = ref Unsafe.Add(ref acc, c);
                        Vector256.AddSaturate(Vector256.LoadUnsafe(ref target), delta).StoreUnsafe(ref target);
                    }
                }
            }

            // Portable 128-bit form (x64 and arm64 alike): products widened to 32-bit lanes, rounded there, and
            // narrowed exactly (|d| <= 2^14) for the saturating 16-bit add.
            Vector128<int> kn = Vector128.Create((int)k);
            for (; c + 8 <= cols; c += 8)
            {
                Vector128<short> bv = Vector128.LoadUnsafe(ref Unsafe.Add(ref b, c));
                Vector128<int> d0 = Round(Vector128.WidenLower(bv) * kn, shift);
                Vector128<int> d1 = Round(Vector128.WidenUpper(bv) * kn, shift);
                ref short target = ref Unsafe.Add(ref acc, c);
                Vector128.AddSaturate(Vector128.LoadUnsafe(ref target), Vector128.Narrow(d0, d1)).StoreUnsafe(ref target);
            }

            for (; c < cols; c++)
            {
                ref short target = ref Unsafe.Add(ref acc, c);
                target = FixedPoint.SaturateToS16(FixedPoint.SaturateToS32(target + FixedPoint.RoundingShiftRight((long)k * Unsafe.Add(ref b, c), shift)));
            }
        }

        private static void RowS8(ref sbyte acc, int p, ref short bp, int m, ref short bm, int cols, int shift, bool wide)
        {
            int c = 0;
            if (wide)
            {
                Vector256<int> pv = Vector256.Create(p);
                Vector256<int> mv = Vector256.Create(m);
                Vector256<int> dLow = Vector256.Create(-256);
                Vector256<int> dHigh = Vector256.Create(255);
                Vector256<int> low = Vector256.Create((int)sbyte.MinValue);
                Vector256<int> high = Vector256.Create((int)sbyte.MaxValue);
                for (; c + 32 <= cols; c += 32)
                {
                    ref sbyte target = ref Unsafe.Add(ref acc, c);
                    Vector256<sbyte> av = Vector256.LoadUnsafe(ref target);
                    Vector256<short> aLow = Vector256.WidenLower(av);
                    Vector256<short> aHigh = Vector256.WidenUpper(av);
                    Vector256<short> bp0 = Vector256.LoadUnsafe(ref Unsafe.Add(ref bp, c));
                    Vector256<short> bm0 = Vector256.LoadUnsafe(ref Unsafe.Add(ref bm, c));
                    Vector256<short> bp1 = Vector256.LoadUnsafe(ref Unsafe.Add(ref bp, c + 16));
                    Vector256<short> bm1 = Vector256.LoadUnsafe(ref Unsafe.Add(ref bm, c + 16));
                    Vector256<int> d0 = Clamp(Round(Vector256.WidenLower(bp0) * pv - Vector256.WidenLower(bm0) * mv, shift), dLow, dHigh);
                    Vector256<int> d1 = Clamp(Round(Vector256.WidenUpper(bp0) * pv - Vector256.WidenUpper(bm0) * mv, shift), dLow, dHigh);
                    Vector256<int> d2 = Clamp(Round(Vector256.WidenLower(bp1) * pv - Vector256.WidenLower(bm1) * mv, shift), dLow, dHigh);
                    Vector256<int> d3 = Clamp(Round(Vector256.WidenUpper(bp1) * pv - Vector256.WidenUpper(bm1) * mv, shift), dLow, dHigh);
                    Vector256<short> s01 = Vector256.Narrow(
                        Clamp(Vector256.WidenLower(aLow) + d0, low, high), Clamp(Vector256.WidenUpper(aLow) + d1, low, high));
                    Vector256<short> s23 = Vector256.Narrow(
                        Clamp(Vector256.WidenLower(aHigh) + d2, low, high), Clamp(Vector256.WidenUpper(aHigh) + d3, low, high));
                    Vector256.Narrow(s01, s23).StoreUnsafe(ref target);
                }
            }

            Vector128<int> pn = Vector128.Create(p);
            Vector128<int> mn = Vector128.Create(m);
            Vector128<int> dLowN = Vector128.Create(-256);
            Vector128<int> dHighN = Vector128.Create(255);
            Vector128<int> lowN = Vector128.Create((int)sbyte.MinValue);
            Vector128<int> highN = Vector128.Create((int)sbyte.MaxValue);
            for (; c + 16 <= cols; c += 16)
            {
                ref sbyte target = ref Unsafe.Add(ref acc, c);
                Vector128<sbyte> av = Vector128.LoadUnsafe(ref target);
                Vector128<short> aLow = Vector128.WidenLower(av);
                Vector128<short> aHigh = Vector128.WidenUpper(av);
                Vector128<short> bp0 = Vector128.LoadUnsafe(ref Unsafe.Add(ref bp, c));
                Vector128<short> bm0 = Vector128.LoadUnsafe(ref Unsafe.Add(ref bm, c));
                Vector128<short> bp1 = Vector128.LoadUnsafe(ref Unsafe.Add(ref bp, c + 8));
                Vector128<short> bm1 = Vector128.LoadUnsafe(ref Unsafe.Add(ref bm, c + 8));
                Vector128<int> d0 = Clamp(Round(Vector128.WidenLower(bp0) * pn - Vector128.WidenLower(bm0) * mn, shift), dLowN, dHighN);
                Vector128<int> d1 = Clamp(Round(Vector128.WidenUpper(bp0) * pn - Vector128.WidenUpper(bm0) * mn, shift), dLowN, dHighN);
                Vector128<int> d2 = Clamp(Round(Vector128.WidenLower(bp1) * pn - Vector128.WidenLower(bm1) * mn, shift), dLowN, dHighN);
                Vector128<int> d3 = Clamp(Round(Vector128.WidenUpper(bp1) * pn - Vector128.WidenUpper(bm1) * mn, shift), dLowN, dHighN);
                Vector128<short> s01 = Vector128.Narrow(
                    Clamp(Vector128.WidenLower(aLow) + d0, lowN, highN), Clamp(Vector128.WidenUpper(aLow) + d1, lowN, highN));
                Vector128<short> s23 = Vector128.Narrow(
                    Clamp(Vector128.WidenLower(aHigh) + d2, lowN, highN), Clamp(Vector128.WidenUpper(aHigh) + d3, lowN, highN));
                Vector128.Narrow(s01, s23).StoreUnsafe(ref target);
            }

            for (; c < cols; c++)
            {
                ref sbyte target = ref Unsafe.Add(ref acc, c);
                target = FixedPoint.SaturateToS8(FixedPoint.SaturateToS32(target + Delta(p, Unsafe.Add(ref bp, c), m, Unsafe.Add(ref bm, c), shift)));
            }
        }

        /// <summary>The shared rounding right shift (FixedPoint.RoundingShiftRight) on 32-bit lanes, shift in [0, 31].</summary>
        private static Vector256<int> Round(Vector256<int> v, int shift)
        {
            if (shift == 0)
            {
                return v;
            }

            return Vector256.ShiftRightArithmetic(v, shift) + (Vector256.ShiftRightArithmetic(v, shift - 1) & Vector256<int>.One);
        }

        /// <summary>The shared rounding right shift on 32-bit lanes, shift in [0, 31].</summary>
        private static Vector128<int> Round(Vector128<int> v, int shift)
        {
            if (shift == 0)
            {
                return v;
            }

            return Vector128.ShiftRightArithmetic(v, shift) + (Vector128.ShiftRightArithmetic(v, shift - 1) & Vector128<int>.One);
        }

        /// <summary>sat32(a + d): the wrapped sum, replaced by the bound of a's sign where a and d share a sign the sum lost.</summary>
        private static Vector256<int> AddSaturate(Vector256<int> a, Vector256<int> d)
        {
            Vector256<int> sum = a + d;
            Vector256<int> overflow = Vector256.ShiftRightArithmetic((a ^ sum) & (d ^ sum), 31);
            Vector256<int> bound = Vector256.ShiftRightArithmetic(a, 31) ^ Vector256.Create(int.MaxValue);
            return Vector256.ConditionalSelect(overflow, bound, sum);
        }

        /// <summary>sat32(a + d) on 32-bit lanes.</summary>
        private static Vector128<int> AddSaturate(Vector128<int> a, Vector128<int> d)
        {
            Vector128<int> sum = a + d;
            Vector128<int> overflow = Vector128.ShiftRightArithmetic((a ^ sum) & (d ^ sum), 31);
            Vector128<int> bound = Vector128.ShiftRightArithmetic(a, 31) ^ Vector128.Create(int.MaxValue);
            return Vector128.ConditionalSelect(overflow, bound, sum);
        }

        private static Vector256<int> Clamp(Vector256<int> v, Vector256<int> low, Vector256<int> high)
        {
            return Vector256.Min(Vector256.Max(v, low), high);
        }

        private static Vector128<int> Clamp(Vector128<int> v, Vector128<int> low, Vector128<int> high)
        {
            return Vector128.Min(Vector128.Max(v, low), high);
        }
    }
}
