// CheckpointStore: power-cut-safe checkpoints of model images in two slots (A/B) of a block store.
//
// The store's blocks are split into two equal slots (slot 0 = first half, slot 1 = second half). Slot layout:
//
//   +0   u32 magic "ELCK" (0x45 0x4C 0x43 0x4B)
//   +4   u16 slot format version = 1
//   +6   u16 reserved, 0
//   +8   u32 sequence number (1 .. 0xFFFFFFFE), one more than the checkpoint it replaces
//   +12  u32 image length
//   +16  u32 CRC-32 of the image bytes
//   +20  u32 reserved, 0
//   +24  u32 reserved, 0
//   +28  u32 CRC-32 of bytes +0 .. +27
//   +32  u32 commit word 1 = ~sequence          } programmed last, in a separate write after a Flush:
//   +36  u32 commit word 2 = ~image CRC         } erased (0xFF..) until the checkpoint is complete
//   +40  24 bytes left erased
//   +64  image bytes
//
// Commit: erase the blocks the new checkpoint needs in the slot that does NOT hold the newest valid
// checkpoint, program image and header, Flush, program the commit words, Flush. Until the commit words are
// complete the new slot is not valid, and the other slot (untouched) still holds the previous checkpoint; once
// they are complete, the new slot has the higher sequence number. Recovery reads both slot headers and takes
// the valid slot with the higher sequence number, where valid means: header magic, version, reserved fields
// and CRC correct; commit words exactly ~sequence and ~image CRC; the image bytes match the header CRC; and the
// image passes every check of ModelImage.TryParse. A cut at any instant therefore recovers exactly the
// previous or the new checkpoint (or nothing, if nothing was ever committed).
using System;
using EdgeLearn.Kernels;
using EdgeLearn.Runtime.Images;

namespace EdgeLearn.Runtime.Checkpoints
{
    /// <summary>
    /// A/B-slot checkpoint store over an <see cref="IBlockStore"/>. One writer per store: the instance remembers
    /// which slot holds the newest checkpoint after its first scan.
    /// </summary>
    public sealed class CheckpointStore
    {
        /// <summary>Slot magic "ELCK" as a little-endian u32.</summary>
        public const uint SlotMagic = 0x4B434C45u;

        /// <summary>Slot format version.</summary>
        public const int SlotVersion = 1;

        /// <summary>Bytes of the slot header (including its CRC).</summary>
        public const int SlotHeaderSize = 32;

        /// <summary>Offset of the commit words in a slot.</summary>
        public const int CommitOffset = 32;

        /// <summary>Bytes of the commit words.</summary>
        public const int CommitSize = 8;

        /// <summary>Offset of the image in a slot.</summary>
        public const int ImageOffset = 64;

        /// <summary>Largest sequence number; a store that reaches it must be erased and restarted.</summary>
        public const uint MaxSequence = 0xFFFFFFFEu;

        private readonly IBlockStore _store;
        private readonly ImageLimits _limits;
        private readonly int _slotBlocks;
        private bool _scanned;
        private int _latestSlot = -1;
        private uint _latestSequence;

        /// <summary>Creates a checkpoint store over <paramref name="store"/>, validating images with <paramref name="limits"/>.</summary>
        public CheckpointStore(IBlockStore store, ImageLimits limits)
        {
            if (store == null)
            {
                throw new ArgumentNullException(nameof(store));
            }

            if (limits == null)
            {
                throw new ArgumentNullException(nameof(limits));
            }

            _slotBlocks = store.BlockCount / 2;
            if (_slotBlocks < 1 || (long)_slotBlocks * store.BlockSize < ImageOffset + ImageFormat.MinImageSize || (long)_slotBlocks * store.BlockSize > 0x3FFFFFFFL)
            {
                throw new ArgumentException("a store of " + store.BlockCount + " blocks of " + store.BlockSize + " bytes cannot hold two slots of at least " + (ImageOffset + ImageFormat.MinImageSize) + " bytes", nameof(store));
            }

            _store = store;
            _limits = limits;
        }

        /// <summary>Blocks per slot.</summary>
        public int SlotBlocks
        {
            get { return _slotBlocks; }
        }

        /// <summary>Bytes per slot.</summary>
        public int SlotBytes
        {
            get { return _slotBlocks * _store.BlockSize; }
        }

        /// <summary>Largest image a slot holds.</summary>
        public int Capacity
        {
            get { return SlotBytes - ImageOffset; }
        }

        /// <summary>Reads and validates slot <paramref name="slot"/> (0 or 1).</summary>
        public CheckpointSlotInfo InspectSlot(int slot)
        {
            if (slot != 0 && slot != 1)
            {
                throw new ArgumentOutOfRangeException(nameof(slot), "slot must be 0 or 1, got " + slot);
            }

            uint sequence;
            int length;
            uint crc;
            ImageError error;
            CheckpointSlotState state = ReadHeader(slot, out sequence, out length, out crc, out error);
            if (state != CheckpointSlotState.Valid)
            {
                return new CheckpointSlotInfo(slot, state, 0, 0, error, null, null);
            }

            return LoadImage(slot, sequence, length, crc);
        }

        /// <summary>
        /// Finds the newest committed, valid checkpoint. Returns false with <see cref="ImageErrorCode.NoCheckpoint"/>
        /// (its message tells what each slot holds) when there is none.
        /// </summary>
        public bool TryReadLatest(out CheckpointSlotInfo latest, out ImageError error)
        {
            uint s0;
            uint s1;
            int l0;
            int l1;
            uint c0;
            uint c1;
            ImageError e0;
            ImageError e1;
            bool v0 = ReadHeader(0, out s0, out l0, out c0, out e0) == CheckpointSlotState.Valid;
            bool v1 = ReadHeader(1, out s1, out l1, out c1, out e1) == CheckpointSlotState.Valid;
            int first = v1 && (!v0 || s1 > s0) ? 1 : 0;
            for (int k = 0; k < 2; k++)
            {
                int slot = k == 0 ? first : 1 - first;
                if (!(slot == 0 ? v0 : v1))
                {
                    continue;
                }

                CheckpointSlotInfo info = slot == 0 ? LoadImage(0, s0, l0, c0) : LoadImage(1, s1, l1, c1);
                if (info.State == CheckpointSlotState.Valid)
                {
                    _scanned = true;
                    _latestSlot = slot;
                    _latestSequence = info.Sequence;
                    latest = info;
                    error = null;
                    return true;
                }

                if (slot == 0)
                {
                    e0 = info.Error;
                }
                else
                {
                    e1 = info.Error;
                }
            }

            _scanned = true;
            _latestSlot = -1;
            _latestSequence = 0;
            latest = null;
            error = new ImageError(ImageErrorCode.NoCheckpoint, 0, "no committed checkpoint: slot 0 " + e0.ToString() + "; slot 1 " + e1.ToString());
            return false;
        }

        /// <summary>
        /// Commits <paramref name="count"/> image bytes from <paramref name="offset"/> as the new checkpoint and returns
        /// its sequence number. The image must pass <see cref="ModelImage.TryParse(byte[], int, int, ImageLimits, out ModelImage, out ImageError)"/>
        /// and fit <see cref="Capacity"/> (else <see cref="ArgumentException"/>). If the call does not return (power cut,
        /// I/O error), the previous checkpoint stays the one recovered.
        /// </summary>
        public uint Commit(byte[] image, int offset, int count)
        {
            if (image == null)
            {
                throw new ArgumentNullException(nameof(image));
            }

            ModelImage parsed;
            ImageError error;
            if (!ModelImage.TryParse(image, offset, count, _limits, out parsed, out error))
            {
                throw new ArgumentException("refusing to commit an invalid image: " + error.ToString(), nameof(image));
            }

            if (count > Capacity)
            {
                throw new ArgumentException("image of " + count + " bytes exceeds the slot capacity of " + Capacity, nameof(image));
            }

            if (!_scanned)
            {
                CheckpointSlotInfo ignored;
                TryReadLatest(out ignored, out error);
            }

            if (_latestSequence >= MaxSequence)
            {
                throw new InvalidOperationException("checkpoint sequence numbers are exhausted; erase the store");
            }

            int target = _latestSlot == 0 ? 1 : 0;
            uint sequence = _latestSequence + 1;
            int baseAddress = target * SlotBytes;
            int blocks = (ImageOffset + count + _store.BlockSize - 1) / _store.BlockSize;
            int firstBlock = target * _slotBlocks;
            for (int k = 0; k < blocks; k++)
            {
                _store.Erase(firstBlock + k);
            }

            uint crc = Crc32.Compute(image, offset, count);
            _store.Write(baseAddress + ImageOffset, image, offset, count);
            byte[] header = new byte[SlotHeaderSize];
            ImageBytes.WriteUInt32(header, 0, SlotMagic);
            ImageBytes.WriteUInt16(header, 4, SlotVersion);
            ImageBytes.WriteUInt32(header, 8, sequence);
            ImageBytes.WriteInt32(header, 12, count);
            ImageBytes.WriteUInt32(header, 16, crc);
            ImageBytes.WriteUInt32(header, 28, Crc32.Compute(header, 0, 28));
            _store.Write(baseAddress, header, 0, SlotHeaderSize);
            _store.Flush();
            byte[] commit = new byte[CommitSize];
            ImageBytes.WriteUInt32(commit, 0, ~sequence);
            ImageBytes.WriteUInt32(commit, 4, ~crc);
            _store.Write(baseAddress + CommitOffset, commit, 0, CommitSize);
            _store.Flush();
            _latestSlot = target;
            _latestSequence = sequence;
            _scanned = true;
            return sequence;
        }

        private CheckpointSlotState ReadHeader(int slot, out uint sequence, out int length, out uint crc, out ImageError error)
        {
            sequence = 0;
            length = 0;
            crc = 0;
            byte[] h = new byte[ImageOffset];
            _store.Read(slot * SlotBytes, h, 0, ImageOffset);
            bool erased = true;
            for (int i = 0; i < CommitOffset + CommitSize; i++)
            {
                erased &= h[i] == 0xFF;
            }

            if (erased)
            {
                error = new ImageError(ImageErrorCode.SlotEmpty, 0, "slot " + slot + " is erased");
                return CheckpointSlotState.Empty;
            }

            uint headerCrc = Crc32.Compute(h, 0, 28);
            if (ImageBytes.ReadUInt32(h, 0) != SlotMagic || ImageBytes.ReadUInt16(h, 4) != SlotVersion || ImageBytes.ReadUInt16(h, 6) != 0
                || ImageBytes.ReadUInt32(h, 20) != 0 || ImageBytes.ReadUInt32(h, 24) != 0 || ImageBytes.ReadUInt32(h, 28) != headerCrc)
            {
                error = new ImageError(ImageErrorCode.SlotHeaderInvalid, 0, "slot " + slot + " header is not a valid checkpoint header (magic, version, reserved fields or CRC)");
                return CheckpointSlotState.Invalid;
            }

            uint seq = ImageBytes.ReadUInt32(h, 8);
            long len = ImageBytes.ReadUInt32(h, 12);
            if (seq == 0 || seq > MaxSequence || len < ImageFormat.MinImageSize || len > Capacity || len > _limits.MaxImageBytes)
            {
                error = new ImageError(ImageErrorCode.SlotHeaderInvalid, 8, "slot " + slot + " header has sequence " + seq + " and image length " + len + " (capacity " + Capacity + ")");
                return CheckpointSlotState.Invalid;
            }

            uint imageCrc = ImageBytes.ReadUInt32(h, 16);
            if (ImageBytes.ReadUInt32(h, CommitOffset) != ~seq || ImageBytes.ReadUInt32(h, CommitOffset + 4) != ~imageCrc)
            {
                error = new ImageError(ImageErrorCode.SlotNotCommitted, CommitOffset, "slot " + slot + " (sequence " + seq + ") has no complete commit record");
                return CheckpointSlotState.Invalid;
            }

            sequence = seq;
            length = (int)len;
            crc = imageCrc;
            error = null;
            return CheckpointSlotState.Valid;
        }

        private CheckpointSlotInfo LoadImage(int slot, uint sequence, int length, uint crc)
        {
            byte[] image = new byte[length];
            _store.Read(slot * SlotBytes + ImageOffset, image, 0, length);
            if (Crc32.Compute(image, 0, length) != crc)
            {
                ImageError e = new ImageError(ImageErrorCode.SlotImageCrcMismatch, ImageOffset, "slot " + slot + " (sequence " + sequence + ") image bytes do not match the header CRC");
                return new CheckpointSlotInfo(slot, CheckpointSlotState.Invalid, sequence, length, e, null, null);
            }

            ModelImage parsed;
            ImageError error;
            if (!ModelImage.TryParse(image, 0, length, _limits, out parsed, out error))
            {
                return new CheckpointSlotInfo(slot, CheckpointSlotState.Invalid, sequence, length, error, null, null);
            }

            return new CheckpointSlotInfo(slot, CheckpointSlotState.Valid, sequence, length, null, image, parsed);
        }
    }
}
