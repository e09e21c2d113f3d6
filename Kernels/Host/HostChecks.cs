// HostChecks: argument validation of the host kernel set, done once per call before any vector code runs.
//
// The host variants read and write through references without per-element bounds checks, so every array
// range a kernel touches is checked here first; bad input gets an ArgumentException naming the parameter
// and the values, never an out-of-bounds access. Lengths are multiplied in 64 bits so no check can wrap.
using System;

namespace EdgeLearn.Kernels.Host
{
    /// <summary>Validation helpers shared by <see cref="HostKernelSet"/>.</summary>
    internal static class HostChecks
    {
        /// <summary>Throws unless <paramref name="value"/> &gt;= 0.</summary>
        internal static void NonNegative(int value, string name)
        {
            if (value < 0)
            {
                throw new ArgumentOutOfRangeException(name, value, name + " must be >= 0, got " + value + ".");
            }
        }

        /// <summary>Throws unless <paramref name="shift"/> is in [0, 62], the documented range of the accumulate kernels.</summary>
        internal static void Shift(int shift, string name)
        {
            if (shift < 0 || shift > 62)
            {
                throw new ArgumentOutOfRangeException(name, shift, name + " must be in [0, 62], got " + shift + ".");
            }
        }

        /// <summary>
        /// Throws unless <paramref name="array"/> is non-null and [offset, offset + count) lies inside it.
        /// </summary>
        internal static void Range(Array array, string name, int offset, long count)
        {
            if (array == null)
            {
                throw new ArgumentNullException(name);
            }

            if (offset < 0)
            {
                throw new ArgumentOutOfRangeException(name, offset, "Offset of " + name + " must be >= 0, got " + offset + ".");
            }

            if (count < 0 || offset + count > array.Length)
            {
                throw new ArgumentException(
                    name + ": offset " + offset + " + length " + count + " exceeds the array length " + array.Length + ".",
                    name);
            }
        }
    }
}
