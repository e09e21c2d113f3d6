// HostBop: SIMD loops of the BOP flip and the accumulator leak for s16 and s8 accumulators (see BopKernels and
// OuterProductKernels for the contracts).
//
// Flip: the reference flips W[r, c] when -sign(W) M > T, i.e. M < -T where the bit is set (+1) and M > T where it
// is clear. For T in [0, 2^15 - 1] (s16) or [0, 2^7 - 1] (s8) both -T and T are lane values, so two signed
// compares per lane give the reference's decision without forming -M (which wraps for the minimum). The 32
// decisions of a full weight word are gathered into a bit mask (ExtractMostSignificantBits) and xor-ed into the
// word; the flip count is its popcount. The partial last word of a row uses the reference formula. Other
// thresholds run the reference.
// Leak: A - RoundingShiftRight(A, s) is formed in 16-bit lanes for s in [1, 15] (never overflows: the result
// lies between A and 0); for s in [16, 31] (s16) or [8, 31] (s8) the rounding shift of every lane value is 0,
// so the leak changes nothing and returns at once. Other shifts run the reference.
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace EdgeLearn.Kernels.Host
{
    /// <summary>Vector loops of the BOP flip and leak; callers have validated every range and the parameter bounds.</summary>
    internal static class HostBop
    {
        internal static int FlipB1S16(uint[] w, int wOffset, short[] acc, int accOffset, int rows, int cols, int threshold, bool wide)
        {
            int words = BinaryKernels.WordsPerRow(cols);
            int full = cols >> 5;
            int flips = 0;
            ref uint w0 = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(w), wOffset);
            ref short a0 = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(acc), accOffset);
            Vector128<short> lane = Vector128.Create((short)0x1, 0x2, 0x4, 0x8, 0x10, 0x20, 0x40, 0x80);
            Vector128<short> t = Vector128.Create((short)threshold);
            Vector128<short> minusT = Vector128.Create((short)-threshold);
            for (int r = 0; r < rows; r++)
            {
                ref uint row = ref Unsafe.Add(ref w0, r * words);
                ref short m = ref Unsafe.Add(ref a0, r * cols);
                for (int k = 0; k < full; k++)
                {
                    uint word = Unsafe.Add(ref row, k);
                    uint flip = 0;
                    if (wide)
                    {
                        flip = Decide256(word, ref Unsafe.Add(ref m, k << 5), threshold);
                    }
                    else
                    {
                        for (int q = 0; q < 4; q++)
                        {
                            Vector128<short> set = Vector128.Equals(Vector128.Create((short)(word >> (q << 3))) & lane, lane);
                            Vector128<short> v = Vector128.LoadUnsafe(ref Unsafe.Add(ref m, (k << 5) + (q << 3)));
                            Vector128<short> decide = Vector128.ConditionalSelect(set, Vector128.LessThan(v, minusT), Vector128.GreaterThan(v, t));
                            flip |= decide.ExtractMostSignificantBits() << (q << 3);
                        }
                    }

                    Unsafe.Add(ref row, k) = word ^ flip;
                    flips += BitOperations.PopCount(flip);
                }

                for (int c = full << 5; c < cols; c++)
                {
                    ref uint word = ref Unsafe.Add(ref row, c >> 5);
                    int shift = c & 31;
                    int negate = -(int)((word >> shift) & 1u);
                    int push = (Unsafe.Add(ref m, c) ^ negate) - negate;
                    if (push > threshold)
                    {
                        word ^= 1u << shift;
                        flips++;
                    }
                }
            }

            return flips;
        }

        internal static int FlipB1S8(uint[] w, int wOffset, sbyte[] acc, int accOffset, int rows, int cols, int threshold, bool wide)
        {
            int words = BinaryKernels.WordsPerRow(cols);
            int full = cols >> 5;
            int flips = 0;
            ref uint w0 = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(w), wOffset);
            ref sbyte a0 = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(acc), accOffset);
            Vector128<byte> lane = Vector128.Create((byte)0x1, 0x2, 0x4, 0x8, 0x10, 0x20, 0x40, 0x80, 0x1, 0x2, 0x4, 0x8, 0x10, 0x20, 0x40, 0x80);
            Vector128<byte> spread = Vector128.Create((byte)0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1);
            Vector128<sbyte> t = Vector128.Create((sbyte)threshold);
            Vector128<sbyte> minusT = Vector128.Create((sbyte)-threshold);
            for (int r = 0; r < rows; r++)
            {
                ref uint row = ref Unsafe.Add(ref w0, r * words);
                ref sbyte m = ref Unsafe.Add(ref a0, r * cols);
                for (int k = 0; k < full; k++)
                {
                    uint word = Unsafe.Add(ref row, k);
                    uint flip = 0;
                    if (wide)
                    {
                        flip = Decide256(word, ref Unsafe.Add(ref m, k << 5), threshold);
                    }
                    else
                    {
                        for (int q = 0; q < 2; q++)
                        {
                            // Bytes 2q and 2q + 1 of the word spread over lanes 0..7 and 8..15, one bit per lane.
                            Vector128<byte> bytes = SpreadBytes(Vector128.Create((ushort)(word >> (q << 4))).AsByte(), spread);
                            Vector128<sbyte> set = Vector128.Equals(bytes & lane, lane).AsSByte();
                            Vector128<sbyte> v = Vector128.LoadUnsafe(ref Unsafe.Add(ref m, (k << 5) + (q << 4)));
                            Vector128<sbyte> decide = Vector128.ConditionalSelect(set, Vector128.LessThan(v, minusT), Vector128.GreaterThan(v, t));
                            flip |= decide.ExtractMostSignificantBits() << (q << 4);
                        }
                    }

                    Unsafe.Add(ref row, k) = word ^ flip;
                    flips += BitOperations.PopCount(flip);
                }

                for (int c = full << 5; c < cols; c++)
                {
                    ref uint word = ref Unsafe.Add(ref row, c >> 5);
                    int shift = c & 31;
                    int negate = -(int)((word >> shift) & 1u);
                    int push = (Unsafe.Add(ref m, c) ^ negate) - negate;
                    if (push > threshold)
                    {
                        word ^= 1u << shift;
                        flips++;
                    }
                }
            }

            return flips;
        }

        internal static void LeakS16(short[] acc, int offset, int count, int shift, bool wide)
        {
            ref short a0 = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(acc), offset);
            int i = 0;
            if (wide)
            {
                for (; i + 16 <= count; i += 16)
                {
                    ref short target = ref Unsafe.Add(ref a0, i);
                    Vector256<short> v = Vector256.LoadUnsafe(ref target);
                    (v - (Vector256.ShiftRightArithmetic(v, shift) + (Vector256.ShiftRightArithmetic(v, shift - 1) & Vector256<short>.One))).StoreUnsafe(ref target);
                }
            }

            for (; i + 8 <= count; i += 8)
            {
                ref short target = ref Unsafe.Add(ref a0, i);
                Vector128<short> v = Vector128.LoadUnsafe(ref target);
                (v - (Vector128.ShiftRightArithmetic(v, shift) + (Vector128.ShiftRightArithmetic(v, shift - 1) & Vector128<short>.One))).StoreUnsafe(ref target);
            }

            for (; i < count; i++)
            {
                ref short target = ref Unsafe.Add(ref a0, i);
                target = (short)(target - FixedPoint.RoundingShiftRight((int)target, shift));
            }
        }

        internal static void LeakS8(sbyte[] acc, int offset, int count, int shift, bool wide)
        {
            ref sbyte a0 = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(acc), offset);
            int i = 0;
            if (wide)
            {
                for (; i + 32 <= count; i += 32)
                {
                    ref sbyte target = ref Unsafe.Add(ref a0, i);
                    Vector256<sbyte> v = Vector256.LoadUnsafe(ref target);
                    Vector256<short> low = Vector256.WidenLower(v);
                    Vector256<short> high = Vector256.WidenUpper(v);
                    low -= Vector256.ShiftRightArithmetic(low, shift) + (Vector256.ShiftRightArithmetic(low, shift - 1) & Vector256<short>.One);
                    high -= Vector256.ShiftRightArithmetic(high, shift) + (Vector256.ShiftRightArithmetic(high, shift - 1) & Vector256<short>.One);
                    Vector256.Narrow(low, high).StoreUnsafe(ref target);
                }
            }

            for (; i + 16 <= count; i += 16)
            {
                ref sbyte target = ref Unsafe.Add(ref a0, i);
                Vector128<sbyte> v = Vector128.LoadUnsafe(ref target);
                Vector128<short> low = Vector128.WidenLower(v);
                Vector128<short> high = Vector128.WidenUpper(v);
                low -= Vector128.ShiftRightArithmetic(low, shift) + (Vector128.ShiftRightArithmetic(low, shift - 1) & Vector128<short>.One);
                high -= Vector128.ShiftRightArithmetic(high, shift) + (Vector128.ShiftRightArithmetic(high, shift - 1) & Vector128<short>.One);
                Vector128.Narrow(low, high).StoreUnsafe(ref target);
            }

            for (; i < count; i++)
            {
                ref sbyte target = ref Unsafe.Add(ref a0, i);
                target = (sbyte)(target - FixedPoint.RoundingShiftRight((int)target, shift));
            }
        }

        /// <summary>Byte shuffle with in-range indices (pshufb on x64, tbl on arm64).</summary>
        private static Vector128<byte> SpreadBytes(Vector128<byte> v, Vector128<byte> indices)
        {
            if (Ssse3.IsSupported)
            {
                return Ssse3.Shuffle(v, indices);
            }

            if (AdvSimd.Arm64.IsSupported)
            {
                return AdvSimd.Arm64.VectorTableLookup(v, indices);
            }

            return Vector128.Shuffle(v, indices);
        }

        /// <summary>Flip decisions of the 32 s16 accumulators of one full weight word, as a bit mask (AVX2).</summary>
        private static uint Decide256(uint word, ref short m, int threshold)
        {
            Vector256<short> lane = Vector256.Create(
                (short)0x1, 0x2, 0x4, 0x8, 0x10, 0x20, 0x40, 0x80,
                0x100, 0x200, 0x400, 0x800, 0x1000, 0x2000, 0x4000, unchecked((short)0x8000));
            Vector256<short> t = Vector256.Create((short)threshold);
            Vector256<short> minusT = Vector256.Create((short)-threshold);
            Vector256<short> set0 = Vector256.Equals(Vector256.Create((short)word) & lane, lane);
            Vector256<short> set1 = Vector256.Equals(Vector256.Create((short)(word >> 16)) & lane, lane);
            Vector256<short> v0 = Vector256.LoadUnsafe(ref m);
            Vector256<short> v1 = Vector256.LoadUnsafe(ref Unsafe.Add(ref m, 16));
            Vector256<short> d0 = Vector256.ConditionalSelect(set0, Vector256.LessThan(v0, minusT), Vector256.GreaterThan(v0, t));
            Vector256<short> d1 = Vector256.ConditionalSelect(set1, Vector256.LessThan(v1, minusT), Vector256.GreaterThan(v1, t));
            return d0.ExtractMostSignificantBits() | (d1.ExtractMostSignificantBits() << 16);
        }

        /// <summary>Flip decisions of the 32 s8 accumulators of one full weight word, as a bit mask (AVX2).</summary>
        private static uint Decide256(uint word, ref sbyte m, int threshold)
        {
            Vector256<byte> lane = Vector256.Create((byte)0x1, 0x2, 0x4, 0x8, 0x10, 0x20, 0x40, 0x80, 0x1, 0x2, 0x4, 0x8, 0x10, 0x20, 0x40, 0x80,
                0x1, 0x2, 0x4, 0x8, 0x10, 0x20, 0x40, 0x80, 0x1, 0x2, 0x4, 0x8, 0x10, 0x20, 0x40, 0x80);

            // vpshufb works within 128-bit halves; the broadcast word sits in both, so the upper half takes bytes 2, 3.
            Vector256<byte> spread = Vector256.Create((byte)0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1,
                2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3);
            Vector256<byte> bytes = Avx2.Shuffle(Vector256.Create(word).AsByte(), spread);
            Vector256<sbyte> set = Vector256.Equals(bytes & lane, lane).AsSByte();
            Vector256<sbyte> v = Vector256.LoadUnsafe(ref m);
            Vector256<sbyte> decide = Vector256.ConditionalSelect(set, Vector256.LessThan(v, Vector256.Create((sbyte)-threshold)), Vector256.GreaterThan(v, Vector256.Create((sbyte)threshold)));
            return decide.ExtractMostSignificantBits();
        }
    }
}
