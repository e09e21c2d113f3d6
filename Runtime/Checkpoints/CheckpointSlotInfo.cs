// CheckpointSlotInfo: what recovery found in one A/B slot.
using EdgeLearn.Runtime.Images;

namespace EdgeLearn.Runtime.Checkpoints
{
    /// <summary>State of a checkpoint slot.</summary>
    public enum CheckpointSlotState
    {
        /// <summary>The slot header is erased: nothing was ever committed here since the last erase.</summary>
        Empty = 0,

        /// <summary>The slot holds something that is not a committed, valid checkpoint (interrupted write, corruption).</summary>
        Invalid = 1,

        /// <summary>The slot holds a committed checkpoint whose image passed every check.</summary>
        Valid = 2,
    }

    /// <summary>The result of inspecting one slot.</summary>
    public sealed class CheckpointSlotInfo
    {
        internal CheckpointSlotInfo(int slot, CheckpointSlotState state, uint sequence, int imageLength, ImageError error, byte[] image, ModelImage parsed)
        {
            Slot = slot;
            State = state;
            Sequence = sequence;
            ImageLength = imageLength;
            Error = error;
            Image = image;
            Parsed = parsed;
        }

        /// <summary>Slot number, 0 (A) or 1 (B).</summary>
        public int Slot { get; private set; }

        /// <summary>Empty, invalid or valid.</summary>
        public CheckpointSlotState State { get; private set; }

        /// <summary>Sequence number from the slot header (0 when the header is not valid).</summary>
        public uint Sequence { get; private set; }

        /// <summary>Image length from the slot header (0 when the header is not valid).</summary>
        public int ImageLength { get; private set; }

        /// <summary>Why the slot is not valid (null when valid; <see cref="ImageErrorCode.SlotEmpty"/> when empty).</summary>
        public ImageError Error { get; private set; }

        /// <summary>The checkpoint image bytes (valid slots only).</summary>
        public byte[] Image { get; private set; }

        /// <summary>The validated image container (valid slots only).</summary>
        public ModelImage Parsed { get; private set; }
    }
}
