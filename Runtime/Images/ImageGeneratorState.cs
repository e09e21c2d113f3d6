// ImageGeneratorState: how a learner's Xoshiro128 generator is stored in LEARNER_COUNTERS records, for every
// learner mapping: its four xoshiro128** state words as an i32 array, which must not be all zero.
using EdgeLearn.Kernels;

namespace EdgeLearn.Runtime.Images
{
    /// <summary>Generator state as a record value: the four state words, reinterpreted as signed 32-bit integers.</summary>
    internal static class ImageGeneratorState
    {
        /// <summary>The state words of <paramref name="generator"/>.</summary>
        public static int[] Words(Xoshiro128 generator)
        {
            uint[] state = new uint[4];
            generator.GetState(state, 0);
            int[] words = new int[4];
            for (int i = 0; i < 4; i++)
            {
                words[i] = (int)state[i];
            }

            return words;
        }

        /// <summary>Sets <paramref name="generator"/> to the state <paramref name="words"/> (checked with <see cref="IsValid"/>).</summary>
        public static void Restore(Xoshiro128 generator, int[] words)
        {
            uint[] state = new uint[4];
            for (int i = 0; i < 4; i++)
            {
                state[i] = (uint)words[i];
            }

            generator.SetState(state, 0);
        }

        /// <summary>True for four words that are not all zero (xoshiro128** never reaches the all-zero state).</summary>
        public static bool IsValid(int[] words)
        {
            return words.Length == 4 && (words[0] | words[1] | words[2] | words[3]) != 0;
        }
    }
}
