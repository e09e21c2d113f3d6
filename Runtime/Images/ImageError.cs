// ImageError: why an image or a checkpoint was refused: the check (code), where (byte offset) and a message.
namespace EdgeLearn.Runtime.Images
{
    /// <summary>A refused image: the failed check, the byte offset it concerns and a human-readable message.</summary>
    public sealed class ImageError
    {
        /// <summary>Creates an error.</summary>
        public ImageError(ImageErrorCode code, long offset, string message)
        {
            Code = code;
            Offset = offset;
            Message = message ?? string.Empty;
        }

        /// <summary>The check that failed.</summary>
        public ImageErrorCode Code { get; private set; }

        /// <summary>Byte offset (from the image start, or from the slot start for checkpoint-slot codes) of the offending field.</summary>
        public long Offset { get; private set; }

        /// <summary>What was found and what was expected.</summary>
        public string Message { get; private set; }

        /// <summary>"Code at offset N: message".</summary>
        public override string ToString()
        {
            return CodeName(Code) + " at offset " + Offset + ": " + Message;
        }

        /// <summary>Name of a code as in the format document (the enum name; nanoFramework has no Enum.ToString).</summary>
        public static string CodeName(ImageErrorCode code)
        {
            switch (code)
            {
                case ImageErrorCode.None: return "None";
                case ImageErrorCode.Truncated: return "Truncated";
                case ImageErrorCode.TooLarge: return "TooLarge";
                case ImageErrorCode.BadMagic: return "BadMagic";
                case ImageErrorCode.UnsupportedVersion: return "UnsupportedVersion";
                case ImageErrorCode.HeaderCrcMismatch: return "HeaderCrcMismatch";
                case ImageErrorCode.BadHeader: return "BadHeader";
                case ImageErrorCode.ReservedNotZero: return "ReservedNotZero";
                case ImageErrorCode.TrailingBytes: return "TrailingBytes";
                case ImageErrorCode.Misaligned: return "Misaligned";
                case ImageErrorCode.ImageCrcMismatch: return "ImageCrcMismatch";
                case ImageErrorCode.UnknownImageKind: return "UnknownImageKind";
                case ImageErrorCode.UnknownLearnerKind: return "UnknownLearnerKind";
                case ImageErrorCode.BadSectionCount: return "BadSectionCount";
                case ImageErrorCode.SectionOrder: return "SectionOrder";
                case ImageErrorCode.DuplicateSection: return "DuplicateSection";
                case ImageErrorCode.UnknownSectionType: return "UnknownSectionType";
                case ImageErrorCode.SectionMisaligned: return "SectionMisaligned";
                case ImageErrorCode.SectionOverlap: return "SectionOverlap";
                case ImageErrorCode.SectionGap: return "SectionGap";
                case ImageErrorCode.SectionOutOfBounds: return "SectionOutOfBounds";
                case ImageErrorCode.PaddingNotZero: return "PaddingNotZero";
                case ImageErrorCode.SectionCrcMismatch: return "SectionCrcMismatch";
                case ImageErrorCode.BadSectionIndex: return "BadSectionIndex";
                case ImageErrorCode.MissingSection: return "MissingSection";
                case ImageErrorCode.UnexpectedSection: return "UnexpectedSection";
                case ImageErrorCode.BadSectionLength: return "BadSectionLength";
                case ImageErrorCode.BadArchitecture: return "BadArchitecture";
                case ImageErrorCode.UnsupportedFormat: return "UnsupportedFormat";
                case ImageErrorCode.ShapeMismatch: return "ShapeMismatch";
                case ImageErrorCode.PaddingBitsSet: return "PaddingBitsSet";
                case ImageErrorCode.BadRecord: return "BadRecord";
                case ImageErrorCode.RecordOrder: return "RecordOrder";
                case ImageErrorCode.DuplicateKey: return "DuplicateKey";
                case ImageErrorCode.MissingKey: return "MissingKey";
                case ImageErrorCode.UnknownKey: return "UnknownKey";
                case ImageErrorCode.WrongValueType: return "WrongValueType";
                case ImageErrorCode.BadValue: return "BadValue";
                case ImageErrorCode.WrongLearnerKind: return "WrongLearnerKind";
                case ImageErrorCode.IncompatibleModel: return "IncompatibleModel";
                case ImageErrorCode.NotFullImage: return "NotFullImage";
                case ImageErrorCode.SlotEmpty: return "SlotEmpty";
                case ImageErrorCode.SlotHeaderInvalid: return "SlotHeaderInvalid";
                case ImageErrorCode.SlotNotCommitted: return "SlotNotCommitted";
                case ImageErrorCode.SlotImageCrcMismatch: return "SlotImageCrcMismatch";
                case ImageErrorCode.NoCheckpoint: return "NoCheckpoint";
                default: return "Code" + (int)code;
            }
        }
    }
}
