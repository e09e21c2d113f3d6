// ModelImageBuilder: writes an image in two passes over the same emitting code, so the image is allocated once
// at its exact size and nothing is copied:
//
//   ModelImageBuilder plan = new ModelImageBuilder(ImageFormat.FullImage, ImageLearnerKinds.Bep);
//   Emit(plan);                                   // measuring pass: records types, indices and lengths
//   ModelImageBuilder writer = plan.CreateWriter();
//   Emit(writer);                                 // writing pass: the same calls fill the bytes
//   byte[] image = writer.Finish();               // table CRCs, header CRC, image CRC
//
// Sections must be emitted in strictly increasing (type, index) order; the writing pass must emit exactly what
// the measuring pass did (else InvalidOperationException), which makes the output a pure function of the
// emitted values: the same model always gives the same bytes.
using System;
using EdgeLearn.Kernels;

namespace EdgeLearn.Runtime.Images
{
    /// <summary>Two-pass writer of model images (see the file header for the calling pattern).</summary>
    public sealed class ModelImageBuilder
    {
        private readonly bool _measuring;
        private readonly int _imageKind;
        private readonly int _learnerKind;
        private int[] _types;
        private int[] _indices;
        private int[] _lengths;
        private int[] _offsets;
        private int _sections;
        private int _current = -1;
        private int _written;
        private byte[] _image;
        private int _pos;
        private int _sectionEnd;
        private int _length;

        /// <summary>Creates a measuring builder for an image of <paramref name="imageKind"/> written by <paramref name="learnerKind"/>.</summary>
        public ModelImageBuilder(int imageKind, int learnerKind)
        {
            if (imageKind != ImageFormat.InferenceImage && imageKind != ImageFormat.FullImage)
            {
                throw new ArgumentOutOfRangeException(nameof(imageKind), "image kind must be 1 (inference) or 2 (full), got " + imageKind);
            }

            if (!ImageLearnerKinds.IsKnown(learnerKind))
            {
                throw new ArgumentOutOfRangeException(nameof(learnerKind), "learner kind " + learnerKind + " is not assigned");
            }

            _measuring = true;
            _imageKind = imageKind;
            _learnerKind = learnerKind;
            _types = new int[16];
            _indices = new int[16];
            _lengths = new int[16];
        }

        private ModelImageBuilder(ModelImageBuilder plan)
        {
            _measuring = false;
            _imageKind = plan._imageKind;
            _learnerKind = plan._learnerKind;
            _sections = plan._sections;
            _types = new int[_sections];
            _indices = new int[_sections];
            _lengths = new int[_sections];
            _offsets = new int[_sections];
            Array.Copy(plan._types, _types, _sections);
            Array.Copy(plan._indices, _indices, _sections);
            Array.Copy(plan._lengths, _lengths, _sections);
            long at = ImageFormat.HeaderSize + (long)ImageFormat.SectionEntrySize * _sections;
            for (int i = 0; i < _sections; i++)
            {
                _offsets[i] = (int)at;
                at = ImageFormat.Align4(at + _lengths[i]);
                if (at > 0x7FFFFFF0L)
                {
                    throw new InvalidOperationException("image would exceed 2 GiB");
                }
            }

            _length = (int)at + ImageFormat.TrailerSize;
            _image = new byte[_length];
        }

        /// <summary>True in the measuring pass.</summary>
        public bool IsMeasuring
        {
            get { return _measuring; }
        }

        /// <summary>Number of sections emitted so far (measuring) or planned (writing).</summary>
        public int SectionCount
        {
            get { return _sections; }
        }

        /// <summary>Total image length in bytes (writing pass only; 0 while measuring).</summary>
        public int Length
        {
            get { return _length; }
        }

        /// <summary>Opens section (<paramref name="type"/>, <paramref name="index"/>); (type, index) must increase strictly.</summary>
        public void BeginSection(int type, int index)
        {
            if (_current >= 0)
            {
                throw new InvalidOperationException("section " + ImageSectionTypes.Name(_types[_current]) + " is still open");
            }

            if (type < 1 || type > 0xFFFF || index < 0 || index > 0xFFFF)
            {
                throw new ArgumentOutOfRangeException(nameof(type), "section type must be in [1, 0xFFFF] and index in [0, 0xFFFF], got " + type + ", " + index);
            }

            if (_measuring)
            {
                if (_sections > 0)
                {
                    int pt = _types[_sections - 1];
                    int pi = _indices[_sections - 1];
                    if (type < pt || (type == pt && index <= pi))
                    {
                        throw new InvalidOperationException("section " + ImageSectionTypes.Name(type) + "[" + index + "] after " + ImageSectionTypes.Name(pt) + "[" + pi + "]: sections must be emitted in increasing (type, index) order");
                    }
                }

                if (_sections == 0xFFFF)
                {
                    throw new InvalidOperationException("an image holds at most 65535 sections");
                }

                if (_sections == _types.Length)
                {
                    Grow();
                }

                _types[_sections] = type;
                _indices[_sections] = index;
                _lengths[_sections] = 0;
                _current = _sections;
                _sections++;
            }
            else
            {
                if (_written >= _sections || _types[_written] != type || _indices[_written] != index)
                {
                    throw new InvalidOperationException("writing pass emitted " + ImageSectionTypes.Name(type) + "[" + index + "] where the measuring pass had " + (_written < _sections ? ImageSectionTypes.Name(_types[_written]) + "[" + _indices[_written] + "]" : "no more sections"));
                }

                _current = _written;
                _pos = _offsets[_current];
                _sectionEnd = _pos + _lengths[_current];
            }
        }

        /// <summary>Closes the open section.</summary>
        public void EndSection()
        {
            if (_current < 0)
            {
                throw new InvalidOperationException("no section is open");
            }

            if (!_measuring)
            {
                if (_pos != _sectionEnd)
                {
                    throw new InvalidOperationException("section " + ImageSectionTypes.Name(_types[_current]) + "[" + _indices[_current] + "] wrote " + (_pos - _offsets[_current]) + " bytes; the measuring pass wrote " + _lengths[_current]);
                }

                _written++;
            }

            _current = -1;
        }

        /// <summary>The writing builder for the measured plan (call on the measuring builder after the last section).</summary>
        public ModelImageBuilder CreateWriter()
        {
            if (!_measuring)
            {
                throw new InvalidOperationException("CreateWriter belongs to the measuring builder, not the writing one");
            }

            if (_current >= 0)
            {
                throw new InvalidOperationException("section " + ImageSectionTypes.Name(_types[_current]) + " is still open");
            }

            if (_sections == 0)
            {
                throw new InvalidOperationException("an image needs at least one section");
            }

            return new ModelImageBuilder(this);
        }

        /// <summary>Completes the image (section CRCs, header, header CRC, image CRC) and returns it.</summary>
        public byte[] Finish()
        {
            if (_measuring)
            {
                throw new InvalidOperationException("Finish belongs to the writing builder; call CreateWriter first");
            }

            if (_current >= 0 || _written != _sections)
            {
                throw new InvalidOperationException("writing pass emitted " + _written + " of " + _sections + " sections");
            }

            byte[] b = _image;
            ImageBytes.WriteUInt32(b, 0, ImageFormat.Magic);
            ImageBytes.WriteUInt16(b, ImageFormat.MajorVersionOffset, ImageFormat.MajorVersion);
            ImageBytes.WriteUInt16(b, ImageFormat.MinorVersionOffset, ImageFormat.MinorVersion);
            ImageBytes.WriteInt32(b, ImageFormat.LengthOffset, _length);
            ImageBytes.WriteUInt16(b, ImageFormat.ImageKindOffset, _imageKind);
            ImageBytes.WriteUInt16(b, ImageFormat.LearnerKindOffset, _learnerKind);
            ImageBytes.WriteUInt16(b, ImageFormat.SectionCountOffset, _sections);
            ImageBytes.WriteUInt16(b, ImageFormat.HeaderSizeOffset, ImageFormat.HeaderSize);
            ImageBytes.WriteUInt32(b, ImageFormat.HeaderCrcOffset, Crc32.Compute(b, 0, ImageFormat.HeaderCrcOffset));
            for (int i = 0; i < _sections; i++)
            {
                int e = ImageFormat.HeaderSize + ImageFormat.SectionEntrySize * i;
                ImageBytes.WriteUInt16(b, e, _types[i]);
                ImageBytes.WriteUInt16(b, e + 2, _indices[i]);
                ImageBytes.WriteInt32(b, e + 4, _offsets[i]);
                ImageBytes.WriteInt32(b, e + 8, _lengths[i]);
                ImageBytes.WriteUInt32(b, e + 12, Crc32.Compute(b, _offsets[i], _lengths[i]));
            }

            ImageBytes.WriteUInt32(b, _length - ImageFormat.TrailerSize, Crc32.Compute(b, 0, _length - ImageFormat.TrailerSize));
            _image = null;
            return b;
        }

        /// <summary>Writes the low 8 bits of <paramref name="v"/>.</summary>
        public void WriteByte(int v)
        {
            if (Need(1))
            {
                _image[_pos++] = (byte)v;
            }
        }

        /// <summary>Writes the low 16 bits of <paramref name="v"/>.</summary>
        public void WriteUInt16(int v)
        {
            if (Need(2))
            {
                ImageBytes.WriteUInt16(_image, _pos, v);
                _pos += 2;
            }
        }

        /// <summary>Writes an s32.</summary>
        public void WriteInt32(int v)
        {
            if (Need(4))
            {
                ImageBytes.WriteInt32(_image, _pos, v);
                _pos += 4;
            }
        }

        /// <summary>Writes a u32.</summary>
        public void WriteUInt32(uint v)
        {
            if (Need(4))
            {
                ImageBytes.WriteUInt32(_image, _pos, v);
                _pos += 4;
            }
        }

        /// <summary>Writes an s64.</summary>
        public void WriteInt64(long v)
        {
            if (Need(8))
            {
                ImageBytes.WriteInt64(_image, _pos, v);
                _pos += 8;
            }
        }

        /// <summary>Writes <paramref name="count"/> zero bytes.</summary>
        public void WriteZeros(int count)
        {
            if (count < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(count));
            }

            if (Need(count))
            {
                _pos += count; // the image array starts zeroed
            }
        }

        /// <summary>Writes <paramref name="count"/> s32 values from <paramref name="offset"/>.</summary>
        public void WriteInt32s(int[] values, int offset, int count)
        {
            CheckRange(values, offset, count);
            if (Need(4L * count))
            {
                for (int i = 0; i < count; i++)
                {
                    ImageBytes.WriteInt32(_image, _pos, values[offset + i]);
                    _pos += 4;
                }
            }
        }

        /// <summary>Writes <paramref name="count"/> u32 values from <paramref name="offset"/>.</summary>
        public void WriteUInt32s(uint[] values, int offset, int count)
        {
            CheckRange(values, offset, count);
            if (Need(4L * count))
            {
                for (int i = 0; i < count; i++)
                {
                    ImageBytes.WriteUInt32(_image, _pos, values[offset + i]);
                    _pos += 4;
                }
            }
        }

        /// <summary>Writes <paramref name="count"/> s16 values from <paramref name="offset"/>.</summary>
        public void WriteInt16s(short[] values, int offset, int count)
        {
            CheckRange(values, offset, count);
            if (Need(2L * count))
            {
                for (int i = 0; i < count; i++)
                {
                    ImageBytes.WriteUInt16(_image, _pos, values[offset + i]);
                    _pos += 2;
                }
            }
        }

        /// <summary>Writes <paramref name="count"/> s8 values from <paramref name="offset"/>.</summary>
        public void WriteSBytes(sbyte[] values, int offset, int count)
        {
            CheckRange(values, offset, count);
            if (Need(count))
            {
                for (int i = 0; i < count; i++)
                {
                    _image[_pos++] = (byte)values[offset + i];
                }
            }
        }

        /// <summary>Writes <paramref name="count"/> bytes from <paramref name="offset"/>.</summary>
        public void WriteBytes(byte[] values, int offset, int count)
        {
            CheckRange(values, offset, count);
            if (Need(count))
            {
                Array.Copy(values, offset, _image, _pos, count);
                _pos += count;
            }
        }

        // Measuring: counts the bytes and returns false. Writing: checks they fit the planned section, returns true.
        private bool Need(long bytes)
        {
            if (_current < 0)
            {
                throw new InvalidOperationException("no section is open");
            }

            if (_measuring)
            {
                long n = _lengths[_current] + bytes;
                if (n > 0x7FFFFFF0L)
                {
                    throw new InvalidOperationException("section exceeds 2 GiB");
                }

                _lengths[_current] = (int)n;
                return false;
            }

            if (_pos + bytes > _sectionEnd)
            {
                throw new InvalidOperationException("section " + ImageSectionTypes.Name(_types[_current]) + "[" + _indices[_current] + "] writes more bytes than the measuring pass (" + _lengths[_current] + ")");
            }

            return true;
        }

        private static void CheckRange(Array values, int offset, int count)
        {
            if (values == null)
            {
                throw new ArgumentNullException(nameof(values));
            }

            if (offset < 0 || count < 0 || offset > values.Length - count)
            {
                throw new ArgumentOutOfRangeException(nameof(offset), count + " values from " + offset + " do not fit an array of " + values.Length);
            }
        }

        private void Grow()
        {
            int n = _types.Length * 2;
            int[] t = new int[n];
            int[] x = new int[n];
            int[] l = new int[n];
            Array.Copy(_types, t, _sections);
            Array.Copy(_indices, x, _sections);
            Array.Copy(_lengths, l, _sections);
            _types = t;
            _indices = x;
            _lengths = l;
        }
    }
}
