// ImageFormat: the constants of the EdgeLearn model image format 1.0 (docs/MODEL-IMAGE-FORMAT.md).
//
// Image layout (little-endian, every section 4-byte aligned):
//
//   offset 0        +------------------------------+
//                   | header, 32 bytes             |  magic "ELMI", version, length, kinds, CRC
//   32              +------------------------------+
//                   | section table, N x 16 bytes  |  type, index, offset, length, CRC-32
//   32 + 16 N       +------------------------------+
//                   | payloads, in table order,    |  each padded with zeros to 4 bytes
//                   | contiguous                   |
//   L - 4           +------------------------------+
//                   | CRC-32 of bytes [0, L - 4)   |
//   L               +------------------------------+
namespace EdgeLearn.Runtime.Images
{
    /// <summary>Fixed numbers of the image format: magic, versions, header and table geometry, code tables.</summary>
    public static class ImageFormat
    {
        /// <summary>Magic "ELMI" as the little-endian u32 at offset 0 (bytes 0x45 0x4C 0x4D 0x49).</summary>
        public const uint Magic = 0x494D4C45u;

        /// <summary>Major format version this reader understands; images with another major version are refused.</summary>
        public const int MajorVersion = 1;

        /// <summary>Minor format version this writer writes; readers accept any minor version of their major.</summary>
        public const int MinorVersion = 0;

        /// <summary>Bytes of the fixed header.</summary>
        public const int HeaderSize = 32;

        /// <summary>Bytes of one section-table entry.</summary>
        public const int SectionEntrySize = 16;

        /// <summary>Bytes of the trailing whole-image CRC-32.</summary>
        public const int TrailerSize = 4;

        /// <summary>Smallest possible image: header, one table entry, an empty payload, the trailer.</summary>
        public const int MinImageSize = HeaderSize + SectionEntrySize + TrailerSize;

        // Header field offsets.

        /// <summary>Header offset of the u16 major version.</summary>
        public const int MajorVersionOffset = 4;

        /// <summary>Header offset of the u16 minor version.</summary>
        public const int MinorVersionOffset = 6;

        /// <summary>Header offset of the u32 image length L.</summary>
        public const int LengthOffset = 8;

        /// <summary>Header offset of the u16 image kind.</summary>
        public const int ImageKindOffset = 12;

        /// <summary>Header offset of the u16 learner kind.</summary>
        public const int LearnerKindOffset = 14;

        /// <summary>Header offset of the u16 section count N.</summary>
        public const int SectionCountOffset = 16;

        /// <summary>Header offset of the u16 header size (always 32).</summary>
        public const int HeaderSizeOffset = 18;

        /// <summary>Header offset of the first reserved u32 (zero).</summary>
        public const int Reserved0Offset = 20;

        /// <summary>Header offset of the second reserved u32 (zero).</summary>
        public const int Reserved1Offset = 24;

        /// <summary>Header offset of the header CRC-32 (of bytes 0 .. 27).</summary>
        public const int HeaderCrcOffset = 28;

        // Image kinds.

        /// <summary>Image kind: parameters only (weights, biases, scales, hyperparameters).</summary>
        public const int InferenceImage = 1;

        /// <summary>Image kind: parameters plus the learner state needed to resume learning.</summary>
        public const int FullImage = 2;

        // Weight, activation, bias and scale format codes (MODEL section).

        /// <summary>Weight format: binary, +/- alpha, packed 32 per u32 word, rows padded to whole words.</summary>
        public const int WeightsB1 = 1;

        /// <summary>Weight format: signed 8-bit.</summary>
        public const int WeightsS8 = 2;

        /// <summary>Weight format: signed 16-bit.</summary>
        public const int WeightsS16 = 3;

        /// <summary>Activation format: multi-bit states in unsigned Q0.15 ("bin-W").</summary>
        public const int ActivationsQ15 = 1;

        /// <summary>Activation format: binary outputs of a Q0.15 internal state ("bin-W-N").</summary>
        public const int ActivationsBinary = 2;

        /// <summary>Bias format: s32 in Q8.24.</summary>
        public const int BiasesQ8_24 = 1;

        /// <summary>Scale format: s32 in Q0.15, strictly positive.</summary>
        public const int ScalesQ0_15 = 1;

        /// <summary>Name of a weight format code ("b1", "s8", "s16"), or "?" with the code.</summary>
        public static string WeightFormatName(int code)
        {
            return code == WeightsB1 ? "b1" : code == WeightsS8 ? "s8" : code == WeightsS16 ? "s16" : "?" + code;
        }

        /// <summary>Name of an activation format code ("q0.15", "binary").</summary>
        public static string ActivationFormatName(int code)
        {
            return code == ActivationsQ15 ? "q0.15" : code == ActivationsBinary ? "binary" : "?" + code;
        }

        /// <summary>Name of an image kind ("inference", "full").</summary>
        public static string ImageKindName(int kind)
        {
            return kind == InferenceImage ? "inference" : kind == FullImage ? "full" : "?" + kind;
        }

        /// <summary>Rounds <paramref name="n"/> up to a multiple of 4.</summary>
        public static long Align4(long n)
        {
            return (n + 3) & ~3L;
        }
    }
}
