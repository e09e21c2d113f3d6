// FlashBlockStore: NOR flash simulated in RAM, for tests, benchmarks and power-cut studies on any target.
//
// Semantics: erase sets a block to 0xFF; a write may only program erased bytes (anything else is refused with
// InvalidOperationException before a byte changes, as a flash controller with ECC does). Erases and writes
// proceed byte by byte and each byte counts one "operation byte". A power cut scheduled at operation byte k
// interrupts the operation that would touch byte k: bytes before it are done, byte k is either untouched
// ("stop") or torn, and nothing after it happens. A torn program leaves a random subset of the bits that
// should have gone 1 -> 0 still at 1; a torn erase leaves a random subset of bits that should have gone to 1
// at their old value. After the cut every call throws PowerCutException until RestorePower.
using System;
using EdgeLearn.Kernels;

namespace EdgeLearn.Runtime.Checkpoints
{
    /// <summary>Simulated NOR flash with erase-before-write and power-cut injection.</summary>
    public sealed class FlashBlockStore : IBlockStore
    {
        private readonly byte[] _data;
        private readonly int _blockSize;
        private readonly int _blockCount;
        private long _cutAt = -1;
        private bool _tear;
        private Xoshiro128 _tearRandom;

        /// <summary>Creates an erased store of <paramref name="blockCount"/> blocks of <paramref name="blockSize"/> bytes.</summary>
        public FlashBlockStore(int blockSize, int blockCount)
        {
            if (blockSize < 1 || blockCount < 1 || (long)blockSize * blockCount > 0x40000000L)
            {
                throw new ArgumentOutOfRangeException(nameof(blockSize), "block size " + blockSize + " x count " + blockCount + " must be positive and at most 1 GiB");
            }

            _blockSize = blockSize;
            _blockCount = blockCount;
            _data = new byte[blockSize * blockCount];
            for (int i = 0; i < _data.Length; i++)
            {
                _data[i] = 0xFF;
            }
        }

        /// <inheritdoc />
        public int BlockSize
        {
            get { return _blockSize; }
        }

        /// <inheritdoc />
        public int BlockCount
        {
            get { return _blockCount; }
        }

        /// <summary>Bytes programmed so far.</summary>
        public long BytesProgrammed { get; private set; }

        /// <summary>Bytes erased so far.</summary>
        public long BytesErased { get; private set; }

        /// <summary>Operation bytes so far (programmed plus erased): the clock power cuts are scheduled on.</summary>
        public long OperationBytes
        {
            get { return BytesProgrammed + BytesErased; }
        }

        /// <summary>True between a power cut and <see cref="RestorePower"/>.</summary>
        public bool PowerLost { get; private set; }

        /// <summary>
        /// Schedules a cut at operation byte <paramref name="atOperationByte"/> (counted like
        /// <see cref="OperationBytes"/>); with <paramref name="tear"/> that byte is torn using random bits from
        /// <paramref name="seed"/>, otherwise it is left untouched.
        /// </summary>
        public void SchedulePowerCut(long atOperationByte, bool tear, uint seed)
        {
            if (atOperationByte < OperationBytes)
            {
                throw new ArgumentOutOfRangeException(nameof(atOperationByte), "operation byte " + atOperationByte + " has already happened (now " + OperationBytes + ")");
            }

            _cutAt = atOperationByte;
            _tear = tear;
            _tearRandom = new Xoshiro128(seed, 0x7EA2);
        }

        /// <summary>Cancels a scheduled cut.</summary>
        public void CancelPowerCut()
        {
            _cutAt = -1;
        }

        /// <summary>Powers the store up again after a cut (contents stay as the cut left them).</summary>
        public void RestorePower()
        {
            PowerLost = false;
            _cutAt = -1;
        }

        /// <summary>A copy of the whole contents.</summary>
        public byte[] CopyContents()
        {
            return (byte[])_data.Clone();
        }

        /// <summary>Replaces the contents with <paramref name="contents"/> (same size), e.g. a saved snapshot.</summary>
        public void LoadContents(byte[] contents)
        {
            if (contents == null)
            {
                throw new ArgumentNullException(nameof(contents));
            }

            if (contents.Length != _data.Length)
            {
                throw new ArgumentException("snapshot of " + contents.Length + " bytes for a store of " + _data.Length, nameof(contents));
            }

            Array.Copy(contents, _data, _data.Length);
        }

        /// <inheritdoc />
        public void Read(int address, byte[] buffer, int offset, int count)
        {
            CheckPower();
            CheckRange(address, buffer, offset, count);
            Array.Copy(_data, address, buffer, offset, count);
        }

        /// <inheritdoc />
        public void Write(int address, byte[] buffer, int offset, int count)
        {
            CheckPower();
            CheckRange(address, buffer, offset, count);
            for (int i = 0; i < count; i++)
            {
                if (_data[address + i] != 0xFF)
                {
                    throw new InvalidOperationException("program of address " + (address + i) + " which is not erased (holds " + _data[address + i] + "); erase its block first");
                }
            }

            for (int i = 0; i < count; i++)
            {
                byte target = buffer[offset + i];
                if (OperationBytes == _cutAt)
                {
                    if (_tear)
                    {
                        _data[address + i] = (byte)(target | _tearRandom.NextUInt32());
                    }

                    Cut("program of address " + (address + i));
                }

                _data[address + i] = target;
                BytesProgrammed++;
            }
        }

        /// <inheritdoc />
        public void Erase(int block)
        {
            CheckPower();
            if (block < 0 || block >= _blockCount)
            {
                throw new ArgumentOutOfRangeException(nameof(block), "block " + block + " is outside [0, " + _blockCount + ")");
            }

            int start = block * _blockSize;
            for (int i = 0; i < _blockSize; i++)
            {
                if (OperationBytes == _cutAt)
                {
                    if (_tear)
                    {
                        _data[start + i] = (byte)(_data[start + i] | _tearRandom.NextUInt32());
                    }

                    Cut("erase of block " + block + " at byte " + i);
                }

                _data[start + i] = 0xFF;
                BytesErased++;
            }
        }

        /// <inheritdoc />
        public void Flush()
        {
            CheckPower();
        }

        private void Cut(string where)
        {
            PowerLost = true;
            _cutAt = -1;
            throw new PowerCutException("power cut during " + where);
        }

        private void CheckPower()
        {
            if (PowerLost)
            {
                throw new PowerCutException("the store has no power");
            }
        }

        private void CheckRange(int address, byte[] buffer, int offset, int count)
        {
            if (buffer == null)
            {
                throw new ArgumentNullException(nameof(buffer));
            }

            if (count < 0 || offset < 0 || offset > buffer.Length - count || address < 0 || address > _data.Length - count)
            {
                throw new ArgumentOutOfRangeException(nameof(address), count + " bytes at address " + address + " (buffer offset " + offset + ") are outside the store of " + _data.Length + " or the buffer of " + buffer.Length);
            }
        }
    }
}
