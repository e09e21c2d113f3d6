// HostActivation: SIMD loop of the biased hard sigmoid (see ActivationKernels.HardSigmoidAddQ15 for the contract).
//
// The reference forms v = addend + RoundingShiftRight(pre * multiplier, shift) in 64 bits. A vector of 8 lanes
// takes the 32-bit form when every lane has |pre| <= 2^30 / |multiplier| and addend in [-2^30, 2^30): the
// product then fits 32 bits (|pre * multiplier| <= 2^30), its rounding shift is the 32-bit one for shift in
// [0, 31] and 0 for shift >= 32 (the rounding bit cancels the sign, see HostOuter), and the sum lies in
// [-2^31, 2^31). A vector with any lane outside those bounds runs the reference formula lane by lane, so
// every input gives the reference's integers. Clamped to [0, 32767] the values narrow exactly to s16.
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace EdgeLearn.Kernels.Host
{
    /// <summary>Vector loop of the biased hard sigmoid; callers have validated every range.</summary>
    internal static class HostActivation
    {
        private const int AddendLow = -(1 << 30);
        private const int AddendHigh = (1 << 30) - 1;

        internal static int HardSigmoidAddQ15(int[] pre, int preOffset, int multiplier, int shift, int[] addend, int addendOffset, short[] previous, int previousOffset, short[] s, int sOffset, int n, bool wide)
        {
            ref int p0 = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(pre), preOffset);
            ref int a0 = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(addend), addendOffset);
            ref short q0 = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(previous), previousOffset);
            ref short s0 = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(s), sOffset);
            long magnitude = multiplier < 0 ? -(long)multiplier : multiplier;
            int limit = magnitude == 0 ? int.MaxValue : (int)((1L << 30) / magnitude);
            int changed = 0;
            int i = 0;
            if (wide)
            {
                Vector256<int> m = Vector256.Create(multiplier);
                Vector256<int> high = Vector256.Create(limit);
                Vector256<int> low = Vector256.Create(-limit);
                Vector256<int> addLow = Vector256.Create(AddendLow);
                Vector256<int> addHigh = Vector256.Create(AddendHigh);
                Vector256<int> one = Vector256.Create(FixedPoint.Q15Max + 0);
                for (; i + 16 <= n; i += 16)
                {
                    Vector256<int> p = Vector256.LoadUnsafe(ref Unsafe.Add(ref p0, i));
                    Vector256<int> p8 = Vector256.LoadUnsafe(ref Unsafe.Add(ref p0, i + 8));
                    Vector256<int> a = Vector256.LoadUnsafe(ref Unsafe.Add(ref a0, i));
                    Vector256<int> a8 = Vector256.LoadUnsafe(ref Unsafe.Add(ref a0, i + 8));
                    Vector256<int> outside = Vector256.GreaterThan(p, high) | Vector256.LessThan(p, low) | Vector256.GreaterThan(a, addHigh) | Vector256.LessThan(a, addLow)
                        | Vector256.GreaterThan(p8, high) | Vector256.LessThan(p8, low) | Vector256.GreaterThan(a8, addHigh) | Vector256.LessThan(a8, addLow);
                    if (outside != Vector256<int>.Zero)
                    {
                        changed += Scalar(ref p0, multiplier, shift, ref a0, ref q0, ref s0, i, i + 16);
                        continue;
                    }

                    Vector256<int> v0 = Vector256.Min(Vector256.Max(a + Round(p * m, shift), Vector256<int>.Zero), one);
                    Vector256<int> v1 = Vector256.Min(Vector256.Max(a8 + Round(p8 * m, shift), Vector256<int>.Zero), one);
                    Vector256<short> v = Vector256.Narrow(v0, v1);
                    ref short target = ref Unsafe.Add(ref s0, i);
                    v.StoreUnsafe(ref target);
                    uint same = Vector256.Equals(v, Vector256.LoadUnsafe(ref Unsafe.Add(ref q0, i))).ExtractMostSignificantBits();
                    changed += 16 - BitOperations.PopCount(same);
                }
            }

            Vector128<int> mn = Vector128.Create(multiplier);
            Vector128<int> highN = Vector128.Create(limit);
            Vector128<int> lowN = Vector128.Create(-limit);
            Vector128<int> addLowN = Vector128.Create(AddendLow);
            Vector128<int> addHighN = Vector128.Create(AddendHigh);
            Vector128<int> oneN = Vector128.Create(FixedPoint.Q15Max + 0);
            for (; i + 8 <= n; i += 8)
            {
                Vector128<int> p = Vector128.LoadUnsafe(ref Unsafe.Add(ref p0, i));
                Vector128<int> p4 = Vector128.LoadUnsafe(ref Unsafe.Add(ref p0, i + 4));
                Vector128<int> a = Vector128.LoadUnsafe(ref Unsafe.Add(ref a0, i));
                Vector128<int> a4 = Vector128.LoadUnsafe(ref Unsafe.Add(ref a0, i + 4));
                Vector128<int> outside = Vector128.GreaterThan(p, highN) | Vector128.LessThan(p, lowN) | Vector128.GreaterThan(a, addHighN) | Vector128.LessThan(a, addLowN)
                    | Vector128.GreaterThan(p4, highN) | Vector128.LessThan(p4, lowN) | Vector128.GreaterThan(a4, addHighN) | Vector128.LessThan(a4, addLowN);
                if (outside != Vector128<int>.Zero)
                {
                    changed += Scalar(ref p0, multiplier, shift, ref a0, ref q0, ref s0, i, i + 8);
                    continue;
                }

                Vector128<int> v0 = Vector128.Min(Vector128.Max(a + Round(p * mn, shift), Vector128<int>.Zero), oneN);
                Vector128<int> v1 = Vector128.Min(Vector128.Max(a4 + Round(p4 * mn, shift), Vector128<int>.Zero), oneN);
                Vector128<short> v = Vector128.Narrow(v0, v1);
                v.StoreUnsafe(ref Unsafe.Add(ref s0, i));
                uint same = Vector128.Equals(v, Vector128.LoadUnsafe(ref Unsafe.Add(ref q0, i))).ExtractMostSignificantBits();
                changed += 8 - BitOperations.PopCount(same);
            }

            return changed + Scalar(ref p0, multiplier, shift, ref a0, ref q0, ref s0, i, n);
        }

        /// <summary>The reference formula for elements [start, end).</summary>
        private static int Scalar(ref int pre, int multiplier, int shift, ref int addend, ref short previous, ref short s, int start, int end)
        {
            int changed = 0;
            for (int i = start; i < end; i++)
            {
                long v = Unsafe.Add(ref addend, i) + FixedPoint.RoundingShiftRight((long)Unsafe.Add(ref pre, i) * multiplier, shift);
                short value = v <= 0 ? (short)0 : v >= FixedPoint.Q15Max ? FixedPoint.Q15Max : (short)v;
                Unsafe.Add(ref s, i) = value;
                if (value != Unsafe.Add(ref previous, i))
                {
                    changed++;
                }
            }

            return changed;
        }

        /// <summary>The shared rounding right shift on 32-bit lanes holding values of magnitude at most 2^30; 0 for shift &gt;= 32.</summary>
        private static Vector256<int> Round(Vector256<int> v, int shift)
        {
            if (shift == 0)
            {
                return v;
            }

            if (shift >= 32)
            {
                return Vector256<int>.Zero;
            }

            return Vector256.ShiftRightArithmetic(v, shift) + (Vector256.ShiftRightArithmetic(v, shift - 1) & Vector256<int>.One);
        }

        /// <summary>The shared rounding right shift on 32-bit lanes holding values of magnitude at most 2^30; 0 for shift &gt;= 32.</summary>
        private static Vector128<int> Round(Vector128<int> v, int shift)
        {
            if (shift == 0)
            {
                return v;
            }

            if (shift >= 32)
            {
                return Vector128<int>.Zero;
            }

            return Vector128.ShiftRightArithmetic(v, shift) + (Vector128.ShiftRightArithmetic(v, shift - 1) & Vector128<int>.One);
        }
    }
}
