// HostKernels: picks the fastest kernel set this machine can run, once, at run time.
//
// Sets, fastest first: "avx2" (Vector256 with AVX2, x64), "vector128" (Vector128 on SSE2 x64 or AdvSimd
// arm64, which is what a Raspberry Pi 4/5 runs), "reference" (plain managed code, every target). All give
// identical integers. The environment variable EDGELEARN_KERNELS (reference, vector128, avx2) forces one set
// for debugging or for comparing backends; an unknown or unsupported name is an error, never a silent fallback.
using System;
using System.Collections.Generic;

namespace EdgeLearn.Kernels.Host
{
    /// <summary>Run-time selection of the host kernel set.</summary>
    public static class HostKernels
    {
        /// <summary>Environment variable that forces a kernel set by name ("reference", "vector128", "avx2").</summary>
        public const string EnvironmentVariable = "EDGELEARN_KERNELS";

        private static readonly KernelSet[] s_available = Discover();
        private static KernelSet s_best;

        /// <summary>
        /// Kernel sets this machine can run, fastest first; the reference set is always last.
        /// </summary>
        public static IReadOnlyList<KernelSet> Available
        {
            get { return Array.AsReadOnly(s_available); }
        }

        /// <summary>The fastest kernel set this machine runs, ignoring <see cref="EnvironmentVariable"/>.</summary>
        public static KernelSet Fastest
        {
            get { return s_available[0]; }
        }

        /// <summary>
        /// The kernel set to use: the one named by <see cref="EnvironmentVariable"/> when it is set and not
        /// empty, else <see cref="Fastest"/>. Throws <see cref="InvalidOperationException"/> when the variable
        /// names a set that is unknown or that this machine cannot run.
        /// </summary>
        public static KernelSet Best
        {
            get
            {
                if (s_best == null)
                {
                    string forced = Environment.GetEnvironmentVariable(EnvironmentVariable);
                    if (string.IsNullOrEmpty(forced))
                    {
                        s_best = Fastest;
                    }
                    else
                    {
                        s_best = Find(forced.Trim());
                        if (s_best == null)
                        {
                            throw new InvalidOperationException(
                                EnvironmentVariable + "=" + forced + " names a kernel set that is unknown or not supported on this machine; available: " + Names() + ".");
                        }
                    }
                }

                return s_best;
            }
        }

        /// <summary>
        /// The set called <paramref name="name"/> (case-insensitive), or an <see cref="ArgumentException"/>
        /// listing the sets this machine can run.
        /// </summary>
        public static KernelSet ByName(string name)
        {
            if (name == null)
            {
                throw new ArgumentNullException(nameof(name));
            }

            KernelSet set = Find(name);
            if (set == null)
            {
                throw new ArgumentException(
                    "Kernel set '" + name + "' is unknown or not supported on this machine; available: " + Names() + ".",
                    nameof(name));
            }

            return set;
        }

        private static KernelSet Find(string name)
        {
            for (int i = 0; i < s_available.Length; i++)
            {
                if (string.Equals(s_available[i].Name, name, StringComparison.OrdinalIgnoreCase))
                {
                    return s_available[i];
                }
            }

            return null;
        }

        private static string Names()
        {
            string names = string.Empty;
            for (int i = 0; i < s_available.Length; i++)
            {
                names += (i == 0 ? string.Empty : ", ") + s_available[i].Name;
            }

            return names;
        }

        private static KernelSet[] Discover()
        {
            var sets = new List<KernelSet>();
            if (HostKernelSet.WideSupported)
            {
                sets.Add(new HostKernelSet(true));
            }

            if (HostKernelSet.NarrowSupported)
            {
                sets.Add(new HostKernelSet(false));
            }

            sets.Add(KernelSet.Reference);
            return sets.ToArray();
        }
    }
}
