// Xoshiro128: EdgeLearn's one pseudo-random generator, identical on every target.
//
// Sequence (documented so any implementation can reproduce it):
//   seeding: z = seed * 2^32 + stream (64 bits); four SplitMix64 outputs' low and high halves fill
//            s0 = lo(a), s1 = hi(a), s2 = lo(b), s3 = hi(b); an all-zero state is replaced by s0 = 1.
//   step:    xoshiro128** (Blackman and Vigna): result = rotl(s1 * 5, 7) * 9; t = s1 << 9;
//            s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = rotl(s3, 11).
// Generator arithmetic is modulo 2^32 / 2^64 by definition (the only place EdgeLearn lets integers wrap).
namespace EdgeLearn.Kernels
{
    /// <summary>
    /// xoshiro128** generator seeded through SplitMix64 from (seed, stream). Deterministic across targets:
    /// the same (seed, stream) gives the same sequence on nanoFramework, Raspberry Pi and the host.
    /// </summary>
    public sealed class Xoshiro128
    {
        private uint _s0;
        private uint _s1;
        private uint _s2;
        private uint _s3;

        /// <summary>Creates a generator for stream <paramref name="stream"/> of seed <paramref name="seed"/>.</summary>
        public Xoshiro128(uint seed, uint stream)
        {
            ulong z = ((ulong)seed << 32) | stream;
            ulong a = SplitMix64(ref z);
            ulong b = SplitMix64(ref z);
            _s0 = (uint)a;
            _s1 = (uint)(a >> 32);
            _s2 = (uint)b;
            _s3 = (uint)(b >> 32);
            if ((_s0 | _s1 | _s2 | _s3) == 0)
            {
                _s0 = 1;
            }
        }

        /// <summary>Next 32 uniformly distributed bits.</summary>
        public uint NextUInt32()
        {
            uint s1 = _s1;
            uint result = RotateLeft(s1 * 5u, 7) * 9u;
            uint t = s1 << 9;
            _s2 ^= _s0;
            _s3 ^= _s1;
            _s1 ^= _s2;
            _s0 ^= _s3;
            _s2 ^= t;
            _s3 = RotateLeft(_s3, 11);
            return result;
        }

        /// <summary>
        /// Uniform integer in [0, <paramref name="bound"/>), unbiased (Lemire's multiply-shift with rejection).
        /// Range: bound in [1, 2^32 - 1]; bound 0 returns 0.
        /// </summary>
        public uint NextBelow(uint bound)
        {
            if (bound == 0)
            {
                return 0;
            }

            ulong m = (ulong)NextUInt32() * bound;
            uint low = (uint)m;
            if (low < bound)
            {
                uint threshold = (0u - bound) % bound;
                while (low < threshold)
                {
                    m = (ulong)NextUInt32() * bound;
                    low = (uint)m;
                }
            }

            return (uint)(m >> 32);
        }

        /// <summary>
        /// Approximately standard normal value in Q16.16 (65536 = 1.0): the Irwin-Hall sum of twelve 16-bit
        /// uniforms minus its mean, so mean 0 (to within 2^-17), standard deviation 1, tails cut at +/-6.
        /// Six calls to <see cref="NextUInt32"/>; no floating point.
        /// </summary>
        public int NextGaussianQ16()
        {
            int sum = 0;
            for (int i = 0; i < 6; i++)
            {
                uint r = NextUInt32();
                sum += (int)(r & 0xFFFF) + (int)(r >> 16);
            }

            // Mean of twelve uniforms on [0, 65535] is 12 * 32767.5 = 393210.
            return sum - 393210;
        }

        /// <summary>
        /// Copies the state words s0, s1, s2, s3 into <paramref name="state"/> from <paramref name="offset"/>, so a
        /// checkpoint can resume the sequence exactly (see <see cref="SetState"/>).
        /// </summary>
        public void GetState(uint[] state, int offset)
        {
            if (state == null)
            {
                throw new System.ArgumentNullException(nameof(state));
            }

            if (offset < 0 || offset > state.Length - 4)
            {
                throw new System.ArgumentOutOfRangeException(nameof(offset), "4 state words from offset " + offset + " do not fit an array of " + state.Length);
            }

            state[offset] = _s0;
            state[offset + 1] = _s1;
            state[offset + 2] = _s2;
            state[offset + 3] = _s3;
        }

        /// <summary>
        /// Restores state words saved by <see cref="GetState"/>; the generator then continues that sequence.
        /// The all-zero state is not a state of xoshiro128** and is refused.
        /// </summary>
        public void SetState(uint[] state, int offset)
        {
            if (state == null)
            {
                throw new System.ArgumentNullException(nameof(state));
            }

            if (offset < 0 || offset > state.Length - 4)
            {
                throw new System.ArgumentOutOfRangeException(nameof(offset), "4 state words from offset " + offset + " do not fit an array of " + state.Length);
            }

            if ((state[offset] | state[offset + 1] | state[offset + 2] | state[offset + 3]) == 0)
            {
                throw new System.ArgumentException("the all-zero state is not a xoshiro128** state", nameof(state));
            }

            _s0 = state[offset];
            _s1 = state[offset + 1];
            _s2 = state[offset + 2];
            _s3 = state[offset + 3];
        }

        /// <summary>True with probability 1/2.</summary>
        public bool NextBit()
        {
            return (NextUInt32() >> 31) != 0;
        }

        private static uint RotateLeft(uint x, int k)
        {
            return (x << k) | (x >> (32 - k));
        }

        private static ulong SplitMix64(ref ulong z)
        {
            z += 0x9E3779B97F4A7C15UL;
            ulong r = z;
            r = (r ^ (r >> 30)) * 0xBF58476D1CE4E5B9UL;
            r = (r ^ (r >> 27)) * 0x94D049BB133111EBUL;
            return r ^ (r >> 31);
        }
    }
}
