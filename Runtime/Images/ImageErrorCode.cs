// ImageErrorCode: every check the image reader and the checkpoint store make, one code each. The numbers are
// part of the format document (docs/MODEL-IMAGE-FORMAT.md, "Validation") and stay stable.
namespace EdgeLearn.Runtime.Images
{
    /// <summary>Which check refused an image or a checkpoint slot.</summary>
    public enum ImageErrorCode
    {
        /// <summary>No error.</summary>
        None = 0,

        /// <summary>Fewer bytes than the header, or than the length the header declares.</summary>
        Truncated = 1,

        /// <summary>More bytes than the reader's limit (<see cref="ImageLimits.MaxImageBytes"/>).</summary>
        TooLarge = 2,

        /// <summary>The first four bytes are not "ELMI".</summary>
        BadMagic = 3,

        /// <summary>A major version this reader does not implement.</summary>
        UnsupportedVersion = 4,

        /// <summary>The header CRC-32 (offset 28) does not match bytes 0 .. 27.</summary>
        HeaderCrcMismatch = 5,

        /// <summary>The header-size field is not 32.</summary>
        BadHeader = 6,

        /// <summary>A reserved field or reserved bits are not zero.</summary>
        ReservedNotZero = 7,

        /// <summary>Bytes follow the declared image length.</summary>
        TrailingBytes = 8,

        /// <summary>The image length is not a multiple of 4.</summary>
        Misaligned = 9,

        /// <summary>The whole-image CRC-32 (last four bytes) does not match.</summary>
        ImageCrcMismatch = 10,

        /// <summary>The image kind is neither inference (1) nor full (2).</summary>
        UnknownImageKind = 11,

        /// <summary>The learner kind is not assigned in this format version.</summary>
        UnknownLearnerKind = 12,

        /// <summary>The section count is 0, above the limit, or the table does not fit.</summary>
        BadSectionCount = 13,

        /// <summary>Table entries are not in strictly increasing (type, index) order.</summary>
        SectionOrder = 14,

        /// <summary>Two table entries have the same (type, index).</summary>
        DuplicateSection = 15,

        /// <summary>A required-range section type (below 0x8000) this reader does not know.</summary>
        UnknownSectionType = 16,

        /// <summary>A section offset is not a multiple of 4.</summary>
        SectionMisaligned = 17,

        /// <summary>A section starts before the end of the table or of the previous section.</summary>
        SectionOverlap = 18,

        /// <summary>Unaccounted bytes between the table, the sections and the trailer.</summary>
        SectionGap = 19,

        /// <summary>A section reaches past the trailer.</summary>
        SectionOutOfBounds = 20,

        /// <summary>A padding byte after a section is not zero.</summary>
        PaddingNotZero = 21,

        /// <summary>A section's CRC-32 does not match its payload.</summary>
        SectionCrcMismatch = 22,

        /// <summary>A section index is out of range for its type (not 0 for single sections, not below L for per-layer ones).</summary>
        BadSectionIndex = 23,

        /// <summary>A section the image needs is absent.</summary>
        MissingSection = 24,

        /// <summary>A section that must not be in this image (learner state in an inference image, wrong weight format ...).</summary>
        UnexpectedSection = 25,

        /// <summary>A section's length does not fit its own structure (MODEL size, record lengths).</summary>
        BadSectionLength = 26,

        /// <summary>The architecture in MODEL is invalid (layer count, zero width, neurons per class).</summary>
        BadArchitecture = 27,

        /// <summary>A number-format code is not defined.</summary>
        UnsupportedFormat = 28,

        /// <summary>A section's length does not match the shape the architecture declares.</summary>
        ShapeMismatch = 29,

        /// <summary>A padding bit of a binary weight row is set.</summary>
        PaddingBitsSet = 30,

        /// <summary>A record's header, key or value length is malformed.</summary>
        BadRecord = 31,

        /// <summary>Records are not in strictly increasing key order.</summary>
        RecordOrder = 32,

        /// <summary>Two records have the same key.</summary>
        DuplicateKey = 33,

        /// <summary>A record the learner kind requires is absent.</summary>
        MissingKey = 34,

        /// <summary>A record key the learner kind does not define.</summary>
        UnknownKey = 35,

        /// <summary>A record has another value type than its key requires.</summary>
        WrongValueType = 36,

        /// <summary>A value is outside its allowed range (non-finite real, non-printable string, bad setting ...).</summary>
        BadValue = 37,

        /// <summary>The image belongs to another learner kind than the one reading it.</summary>
        WrongLearnerKind = 40,

        /// <summary>The image does not fit the learner it should be restored into (shape, formats or settings differ).</summary>
        IncompatibleModel = 41,

        /// <summary>An inference image where a full image (learner state) is needed.</summary>
        NotFullImage = 42,

        /// <summary>A checkpoint slot is erased.</summary>
        SlotEmpty = 50,

        /// <summary>A checkpoint slot header has a bad magic, version, CRC or length.</summary>
        SlotHeaderInvalid = 51,

        /// <summary>A checkpoint slot has no valid commit record (the write was interrupted).</summary>
        SlotNotCommitted = 52,

        /// <summary>A checkpoint slot's image bytes do not match the CRC-32 in its header.</summary>
        SlotImageCrcMismatch = 53,

        /// <summary>No slot holds a committed, valid checkpoint.</summary>
        NoCheckpoint = 54,
    }
}
