// ImageLearnerKinds: the learner kind codes of the image header. A code names the learning rule whose mapping
// file (e.g. EquilibriumPropagationImage.cs) gives the meaning of the hyperparameter keys and learner-state
// sections. New learners take the next free code and add a row to docs/MODEL-IMAGE-FORMAT.md.
namespace EdgeLearn.Runtime.Images
{
    /// <summary>Learner kind codes (u16 at header offset 14).</summary>
    public static class ImageLearnerKinds
    {
        /// <summary>Binary-weight Equilibrium Propagation ("bep").</summary>
        public const int Bep = 1;

        /// <summary>Self-contrastive forward-forward ("scff").</summary>
        public const int Scff = 2;

        /// <summary>Self-defined targets ("sdt").</summary>
        public const int Sdt = 3;

        /// <summary>Extreme learning machine ("elm").</summary>
        public const int Elm = 4;

        /// <summary>Delta rule on a fixed feature layer ("delta").</summary>
        public const int Delta = 5;

        /// <summary>Largest code assigned in this format version.</summary>
        public const int Last = 5;

        /// <summary>True for a code assigned in this format version.</summary>
        public static bool IsKnown(int code)
        {
            return code >= 1 && code <= Last;
        }

        /// <summary>Command-line name of a learner kind ("bep", "scff" ...), or "?" with the code.</summary>
        public static string Name(int code)
        {
            switch (code)
            {
                case Bep:
                    return "bep";
                case Scff:
                    return "scff";
                case Sdt:
                    return "sdt";
                case Elm:
                    return "elm";
                case Delta:
                    return "delta";
                default:
                    return "?" + code;
            }
        }
    }
}
