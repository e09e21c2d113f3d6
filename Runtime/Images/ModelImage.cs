// ModelImage: the validating reader of the image container (docs/MODEL-IMAGE-FORMAT.md, "Validation").
//
// TryParse checks, in this order, and stops at the first failure with a specific ImageError (code, offset):
//   1. size: at least the 32-byte header, at most ImageLimits.MaxImageBytes
//   2. header: magic, major version, header CRC, header size, reserved fields
//   3. length: declared length >= 52, a multiple of 4, equal to the bytes given (no truncation, no trailing bytes)
//   4. whole-image CRC (last four bytes)
//   5. image kind, learner kind, section count and table bounds
//   6. table entries: (type, index) strictly increasing, known or optional type, 4-aligned offset, each section
//      exactly where the previous one ends (no overlap, no gap), inside the image, zero padding, payload CRC;
//      the last section ends where the trailer begins
//   7. MODEL: layer count, widths, neurons per class, number-format codes
//   8. every section against the architecture: index range, exact length for its shape, learner state only in
//      full images, weights only in the declared format, positive scales, clear padding bits of binary rows,
//      well-formed records; per-layer types present for every layer; required sections present
// Nothing is allocated in proportion to the payload before these checks pass, and the caller's buffer is only
// read. Learner mappings (e.g. EquilibriumPropagationImage) add their own checks on top.
using System;
using EdgeLearn.Kernels;
using EdgeLearn.Runtime.Models;

namespace EdgeLearn.Runtime.Images
{
    /// <summary>A validated image container: header fields, architecture, section table and parsed records.</summary>
    public sealed class ModelImage
    {
        private int[] _types;
        private int[] _indices;
        private int[] _offsets;
        private int[] _lengths;
        private uint[] _crcs;

        private ModelImage()
        {
        }

        /// <summary>The buffer the image was read from (not copied: it must not change while this object is used).</summary>
        public byte[] Buffer { get; private set; }

        /// <summary>Offset of the image in <see cref="Buffer"/>.</summary>
        public int Start { get; private set; }

        /// <summary>Image length in bytes.</summary>
        public int Length { get; private set; }

        /// <summary>Major format version.</summary>
        public int MajorVersion { get; private set; }

        /// <summary>Minor format version.</summary>
        public int MinorVersion { get; private set; }

        /// <summary><see cref="ImageFormat.InferenceImage"/> or <see cref="ImageFormat.FullImage"/>.</summary>
        public int ImageKind { get; private set; }

        /// <summary>Learner kind code (<see cref="ImageLearnerKinds"/>).</summary>
        public int LearnerKind { get; private set; }

        /// <summary>The whole-image CRC-32 (the last four bytes).</summary>
        public uint Crc { get; private set; }

        /// <summary>Layer sizes and neurons per class.</summary>
        public NetworkDescription Description { get; private set; }

        /// <summary>Weight format code (<see cref="ImageFormat.WeightsB1"/> ...).</summary>
        public int WeightFormat { get; private set; }

        /// <summary>Activation format code.</summary>
        public int ActivationFormat { get; private set; }

        /// <summary>Bias format code.</summary>
        public int BiasFormat { get; private set; }

        /// <summary>Scale format code.</summary>
        public int ScaleFormat { get; private set; }

        /// <summary>The HYPERPARAMETERS records.</summary>
        public ImageRecords Hyperparameters { get; private set; }

        /// <summary>The LEARNER_COUNTERS records, or null when the image has none.</summary>
        public ImageRecords Counters { get; private set; }

        /// <summary>The METADATA records (empty when the image has none).</summary>
        public ImageRecords Metadata { get; private set; }

        /// <summary>Number of sections.</summary>
        public int SectionCount
        {
            get { return _types.Length; }
        }

        /// <summary>Number of sections of unknown optional types (checked for bounds and CRC, otherwise skipped).</summary>
        public int SkippedSectionCount
        {
            get
            {
                int n = 0;
                for (int i = 0; i < _types.Length; i++)
                {
                    n += ImageSectionTypes.IsKnown(_types[i]) ? 0 : 1;
                }

                return n;
            }
        }

        /// <summary>True for a full image (learner state present).</summary>
        public bool IsFull
        {
            get { return ImageKind == ImageFormat.FullImage; }
        }

        /// <summary>Type code of section <paramref name="i"/>.</summary>
        public int SectionType(int i)
        {
            return _types[i];
        }

        /// <summary>Index of section <paramref name="i"/>.</summary>
        public int SectionIndex(int i)
        {
            return _indices[i];
        }

        /// <summary>Payload offset of section <paramref name="i"/> from the image start.</summary>
        public int SectionOffset(int i)
        {
            return _offsets[i];
        }

        /// <summary>Payload length of section <paramref name="i"/> in bytes.</summary>
        public int SectionLength(int i)
        {
            return _lengths[i];
        }

        /// <summary>CRC-32 of section <paramref name="i"/>'s payload.</summary>
        public uint SectionCrc(int i)
        {
            return _crcs[i];
        }

        /// <summary>Offset of section <paramref name="i"/>'s payload in <see cref="Buffer"/>.</summary>
        public int PayloadStart(int i)
        {
            return Start + _offsets[i];
        }

        /// <summary>Table position of section (<paramref name="type"/>, <paramref name="index"/>), or -1.</summary>
        public int FindSection(int type, int index)
        {
            for (int i = 0; i < _types.Length; i++)
            {
                if (_types[i] == type && _indices[i] == index)
                {
                    return i;
                }
            }

            return -1;
        }

        /// <summary>True when the image holds sections of <paramref name="type"/>.</summary>
        public bool HasSectionType(int type)
        {
            for (int i = 0; i < _types.Length; i++)
            {
                if (_types[i] == type)
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// Validates the image in <paramref name="buffer"/>[<paramref name="offset"/> ..
        /// <paramref name="offset"/> + <paramref name="count"/>) against every rule of the format (see the file header).
        /// On success <paramref name="image"/> describes it; on failure <paramref name="error"/> names the check and
        /// the offset. Malformed content never throws; only a null buffer or an offset/count outside it does.
        /// </summary>
        public static bool TryParse(byte[] buffer, int offset, int count, ImageLimits limits, out ModelImage image, out ImageError error)
        {
            if (buffer == null)
            {
                throw new ArgumentNullException(nameof(buffer));
            }

            if (limits == null)
            {
                throw new ArgumentNullException(nameof(limits));
            }

            if (offset < 0 || count < 0 || offset > buffer.Length - count)
            {
                throw new ArgumentOutOfRangeException(nameof(count), count + " bytes from " + offset + " do not fit a buffer of " + buffer.Length);
            }

            image = null;
            ModelImage m = new ModelImage();
            m.Buffer = buffer;
            m.Start = offset;
            if (!m.CheckContainer(count, limits, out error) || !m.CheckModel(limits, out error) || !m.CheckSections(limits, out error))
            {
                return false;
            }

            image = m;
            return true;
        }

        /// <summary>Convenience overload for a whole buffer.</summary>
        public static bool TryParse(byte[] buffer, ImageLimits limits, out ModelImage image, out ImageError error)
        {
            if (buffer == null)
            {
                throw new ArgumentNullException(nameof(buffer));
            }

            return TryParse(buffer, 0, buffer.Length, limits, out image, out error);
        }

        private static ImageError Fail(ImageErrorCode code, long offset, string message)
        {
            return new ImageError(code, offset, message);
        }

        private bool CheckContainer(int count, ImageLimits limits, out ImageError error)
        {
            byte[] b = Buffer;
            int s = Start;
            if (count < ImageFormat.HeaderSize)
            {
                error = Fail(ImageErrorCode.Truncated, count, "image of " + count + " bytes is shorter than the " + ImageFormat.HeaderSize + "-byte header");
                return false;
            }

            if (count > limits.MaxImageBytes)
            {
                error = Fail(ImageErrorCode.TooLarge, 0, "image of " + count + " bytes exceeds the limit of " + limits.MaxImageBytes);
                return false;
            }

            uint magic = ImageBytes.ReadUInt32(b, s);
            if (magic != ImageFormat.Magic)
            {
                error = Fail(ImageErrorCode.BadMagic, 0, "magic is " + ImageBytes.Hex8(magic) + ", expected 'ELMI' (" + ImageBytes.Hex8(ImageFormat.Magic) + ")");
                return false;
            }

            MajorVersion = ImageBytes.ReadUInt16(b, s + ImageFormat.MajorVersionOffset);
            MinorVersion = ImageBytes.ReadUInt16(b, s + ImageFormat.MinorVersionOffset);
            if (MajorVersion != ImageFormat.MajorVersion)
            {
                error = Fail(ImageErrorCode.UnsupportedVersion, ImageFormat.MajorVersionOffset, "format version " + MajorVersion + "." + MinorVersion + "; this reader reads major version " + ImageFormat.MajorVersion);
                return false;
            }

            uint headerCrc = ImageBytes.ReadUInt32(b, s + ImageFormat.HeaderCrcOffset);
            uint actual = Crc32.Compute(b, s, ImageFormat.HeaderCrcOffset);
            if (headerCrc != actual)
            {
                error = Fail(ImageErrorCode.HeaderCrcMismatch, ImageFormat.HeaderCrcOffset, "header CRC-32 is " + ImageBytes.Hex8(headerCrc) + ", bytes 0..27 give " + ImageBytes.Hex8(actual));
                return false;
            }

            int headerSize = ImageBytes.ReadUInt16(b, s + ImageFormat.HeaderSizeOffset);
            if (headerSize != ImageFormat.HeaderSize)
            {
                error = Fail(ImageErrorCode.BadHeader, ImageFormat.HeaderSizeOffset, "header size field is " + headerSize + ", expected " + ImageFormat.HeaderSize);
                return false;
            }

            if (ImageBytes.ReadUInt32(b, s + ImageFormat.Reserved0Offset) != 0 || ImageBytes.ReadUInt32(b, s + ImageFormat.Reserved1Offset) != 0)
            {
                int at = ImageBytes.ReadUInt32(b, s + ImageFormat.Reserved0Offset) != 0 ? ImageFormat.Reserved0Offset : ImageFormat.Reserved1Offset;
                error = Fail(ImageErrorCode.ReservedNotZero, at, "reserved header field is " + ImageBytes.Hex8(ImageBytes.ReadUInt32(b, s + at)) + ", must be 0");
                return false;
            }

            long length = ImageBytes.ReadUInt32(b, s + ImageFormat.LengthOffset);
            if (length > limits.MaxImageBytes)
            {
                error = Fail(ImageErrorCode.TooLarge, ImageFormat.LengthOffset, "declared length " + length + " exceeds the limit of " + limits.MaxImageBytes);
                return false;
            }

            if (length < ImageFormat.MinImageSize)
            {
                error = Fail(ImageErrorCode.BadHeader, ImageFormat.LengthOffset, "declared length " + length + " is below the minimum image of " + ImageFormat.MinImageSize + " bytes");
                return false;
            }

            if (length % 4 != 0)
            {
                error = Fail(ImageErrorCode.Misaligned, ImageFormat.LengthOffset, "declared length " + length + " is not a multiple of 4");
                return false;
            }

            if (length > count)
            {
                error = Fail(ImageErrorCode.Truncated, count, "image declares " + length + " bytes but " + count + " were given");
                return false;
            }

            if (length < count)
            {
                error = Fail(ImageErrorCode.TrailingBytes, length, (count - length) + " bytes follow the declared length " + length);
                return false;
            }

            Length = (int)length;
            int trailer = Length - ImageFormat.TrailerSize;
            Crc = ImageBytes.ReadUInt32(b, s + trailer);
            actual = Crc32.Compute(b, s, trailer);
            if (Crc != actual)
            {
                error = Fail(ImageErrorCode.ImageCrcMismatch, trailer, "image CRC-32 is " + ImageBytes.Hex8(Crc) + ", bytes 0.." + (trailer - 1) + " give " + ImageBytes.Hex8(actual));
                return false;
            }

            ImageKind = ImageBytes.ReadUInt16(b, s + ImageFormat.ImageKindOffset);
            if (ImageKind != ImageFormat.InferenceImage && ImageKind != ImageFormat.FullImage)
            {
                error = Fail(ImageErrorCode.UnknownImageKind, ImageFormat.ImageKindOffset, "image kind " + ImageKind + " is neither 1 (inference) nor 2 (full)");
                return false;
            }

            LearnerKind = ImageBytes.ReadUInt16(b, s + ImageFormat.LearnerKindOffset);
            if (!ImageLearnerKinds.IsKnown(LearnerKind))
            {
                error = Fail(ImageErrorCode.UnknownLearnerKind, ImageFormat.LearnerKindOffset, "learner kind " + LearnerKind + " is not assigned (1 .. " + ImageLearnerKinds.Last + ")");
                return false;
            }

            int n = ImageBytes.ReadUInt16(b, s + ImageFormat.SectionCountOffset);
            long tableEnd = ImageFormat.HeaderSize + (long)ImageFormat.SectionEntrySize * n;
            if (n < 1 || n > limits.MaxSections || tableEnd > trailer)
            {
                error = Fail(ImageErrorCode.BadSectionCount, ImageFormat.SectionCountOffset, "section count " + n + " is outside [1, " + limits.MaxSections + "] or its table (" + tableEnd + " bytes) does not fit before the trailer at " + trailer);
                return false;
            }

            _types = new int[n];
            _indices = new int[n];
            _offsets = new int[n];
            _lengths = new int[n];
            _crcs = new uint[n];
            long end = tableEnd;
            for (int i = 0; i < n; i++)
            {
                int e = ImageFormat.HeaderSize + ImageFormat.SectionEntrySize * i;
                int type = ImageBytes.ReadUInt16(b, s + e);
                int index = ImageBytes.ReadUInt16(b, s + e + 2);
                long at = ImageBytes.ReadUInt32(b, s + e + 4);
                long len = ImageBytes.ReadUInt32(b, s + e + 8);
                uint crc = ImageBytes.ReadUInt32(b, s + e + 12);
                string name = ImageSectionTypes.Name(type) + "[" + index + "]";
                if (i > 0 && type == _types[i - 1] && index == _indices[i - 1])
                {
                    error = Fail(ImageErrorCode.DuplicateSection, e, "section " + name + " appears twice in the table");
                    return false;
                }

                if (i > 0 && (type < _types[i - 1] || (type == _types[i - 1] && index < _indices[i - 1])))
                {
                    error = Fail(ImageErrorCode.SectionOrder, e, "section " + name + " follows " + ImageSectionTypes.Name(_types[i - 1]) + "[" + _indices[i - 1] + "]; entries must be in increasing (type, index) order");
                    return false;
                }

                if (type == 0 || (!ImageSectionTypes.IsKnown(type) && !ImageSectionTypes.IsOptional(type)))
                {
                    error = Fail(ImageErrorCode.UnknownSectionType, e, "section type " + ImageSectionTypes.Hex4(type) + " is required but unknown to this reader");
                    return false;
                }

                if (at % 4 != 0)
                {
                    error = Fail(ImageErrorCode.SectionMisaligned, e + 4, "section " + name + " starts at " + at + ", not a multiple of 4");
                    return false;
                }

                long expected = i == 0 ? tableEnd : ImageFormat.Align4(end);
                if (at < expected)
                {
                    error = Fail(ImageErrorCode.SectionOverlap, e + 4, "section " + name + " starts at " + at + ", inside " + (i == 0 ? "the section table" : "the previous section") + " which ends at " + expected);
                    return false;
                }

                if (at > expected)
                {
                    error = Fail(ImageErrorCode.SectionGap, e + 4, "section " + name + " starts at " + at + ", leaving " + (at - expected) + " unaccounted bytes after " + expected);
                    return false;
                }

                if (at + len > trailer)
                {
                    error = Fail(ImageErrorCode.SectionOutOfBounds, e + 8, "section " + name + " of " + len + " bytes at " + at + " runs past the trailer at " + trailer);
                    return false;
                }

                end = at + len;
                long padEnd = ImageFormat.Align4(end);
                for (long p = end; p < padEnd; p++)
                {
                    if (b[s + (int)p] != 0)
                    {
                        error = Fail(ImageErrorCode.PaddingNotZero, p, "padding byte after section " + name + " is " + b[s + (int)p]);
                        return false;
                    }
                }

                actual = Crc32.Compute(b, s + (int)at, (int)len);
                if (crc != actual)
                {
                    error = Fail(ImageErrorCode.SectionCrcMismatch, e + 12, "section " + name + " CRC-32 is " + ImageBytes.Hex8(crc) + ", its payload gives " + ImageBytes.Hex8(actual));
                    return false;
                }

                _types[i] = type;
                _indices[i] = index;
                _offsets[i] = (int)at;
                _lengths[i] = (int)len;
                _crcs[i] = crc;
            }

            if (ImageFormat.Align4(end) != trailer)
            {
                error = Fail(ImageErrorCode.SectionGap, ImageFormat.Align4(end), (trailer - ImageFormat.Align4(end)) + " unaccounted bytes between the last section and the trailer at " + trailer);
                return false;
            }

            error = null;
            return true;
        }

        private bool CheckModel(ImageLimits limits, out ImageError error)
        {
            for (int i = 0; i < _types.Length; i++)
            {
                int t = _types[i];
                if (ImageSectionTypes.IsSingle(t) && _indices[i] != 0)
                {
                    error = Fail(ImageErrorCode.BadSectionIndex, EntryOffset(i) + 2, "section " + ImageSectionTypes.Name(t) + " has index " + _indices[i] + "; it exists once, with index 0");
                    return false;
                }
            }

            int model = FindSection(ImageSectionTypes.Model, 0);
            if (model < 0)
            {
                error = Fail(ImageErrorCode.MissingSection, ImageFormat.HeaderSize, "the image has no MODEL section");
                return false;
            }

            byte[] b = Buffer;
            int p = PayloadStart(model);
            int rel = _offsets[model];
            int len = _lengths[model];
            if (len < 8)
            {
                error = Fail(ImageErrorCode.BadSectionLength, EntryOffset(model) + 8, "MODEL payload of " + len + " bytes is shorter than its 8-byte fixed part");
                return false;
            }

            int layers = ImageBytes.ReadUInt16(b, p);
            int perClass = ImageBytes.ReadUInt16(b, p + 2);
            if (layers < 2 || layers - 1 > limits.MaxWeightLayers)
            {
                error = Fail(ImageErrorCode.BadArchitecture, rel, "layer count " + layers + " is outside [2, " + (limits.MaxWeightLayers + 1) + "]");
                return false;
            }

            if (len != 8 + 2 * layers)
            {
                error = Fail(ImageErrorCode.BadSectionLength, EntryOffset(model) + 8, "MODEL payload of " + len + " bytes; " + layers + " layers need " + (8 + 2 * layers));
                return false;
            }

            int[] sizes = new int[layers];
            for (int l = 0; l < layers; l++)
            {
                sizes[l] = ImageBytes.ReadUInt16(b, p + 8 + 2 * l);
                if (sizes[l] == 0)
                {
                    error = Fail(ImageErrorCode.BadArchitecture, rel + 8 + 2 * l, "layer " + l + " has width 0");
                    return false;
                }
            }

            if (perClass == 0 || sizes[layers - 1] % perClass != 0)
            {
                error = Fail(ImageErrorCode.BadArchitecture, rel + 2, "output width " + sizes[layers - 1] + " is not a positive multiple of " + perClass + " neurons per class");
                return false;
            }

            WeightFormat = b[p + 4];
            ActivationFormat = b[p + 5];
            BiasFormat = b[p + 6];
            ScaleFormat = b[p + 7];
            if (WeightFormat < ImageFormat.WeightsB1 || WeightFormat > ImageFormat.WeightsS16)
            {
                error = Fail(ImageErrorCode.UnsupportedFormat, rel + 4, "weight format " + WeightFormat + " is not defined (1 b1, 2 s8, 3 s16)");
                return false;
            }

            if (ActivationFormat != ImageFormat.ActivationsQ15 && ActivationFormat != ImageFormat.ActivationsBinary)
            {
                error = Fail(ImageErrorCode.UnsupportedFormat, rel + 5, "activation format " + ActivationFormat + " is not defined (1 q0.15, 2 binary)");
                return false;
            }

            if (BiasFormat != ImageFormat.BiasesQ8_24)
            {
                error = Fail(ImageErrorCode.UnsupportedFormat, rel + 6, "bias format " + BiasFormat + " is not defined (1 s32 Q8.24)");
                return false;
            }

            if (ScaleFormat != ImageFormat.ScalesQ0_15)
            {
                error = Fail(ImageErrorCode.UnsupportedFormat, rel + 7, "scale format " + ScaleFormat + " is not defined (1 s32 Q0.15)");
                return false;
            }

            Description = new NetworkDescription(sizes, perClass);
            error = null;
            return true;
        }

        private bool CheckSections(ImageLimits limits, out ImageError error)
        {
            byte[] b = Buffer;
            NetworkDescription d = Description;
            int layers = d.WeightLayerCount;
            int weightType = WeightFormat == ImageFormat.WeightsB1 ? ImageSectionTypes.WeightsB1
                : WeightFormat == ImageFormat.WeightsS8 ? ImageSectionTypes.WeightsS8 : ImageSectionTypes.WeightsS16;
            Metadata = new ImageRecords();
            for (int i = 0; i < _types.Length; i++)
            {
                int t = _types[i];
                int index = _indices[i];
                int e = EntryOffset(i);
                string name = ImageSectionTypes.Name(t) + "[" + index + "]";
                if (ImageSectionTypes.IsLearnerState(t) && !IsFull)
                {
                    error = Fail(ImageErrorCode.UnexpectedSection, e, "learner-state section " + name + " in an inference image");
                    return false;
                }

                if (t >= ImageSectionTypes.WeightsB1 && t <= ImageSectionTypes.WeightsS16 && t != weightType)
                {
                    error = Fail(ImageErrorCode.UnexpectedSection, e, "section " + name + " in an image whose MODEL declares " + ImageFormat.WeightFormatName(WeightFormat) + " weights");
                    return false;
                }

                long expected = -1;
                if (ImageSectionTypes.IsPerLayer(t))
                {
                    if (index >= layers)
                    {
                        error = Fail(ImageErrorCode.BadSectionIndex, e + 2, "section " + name + ": the network has weight layers 0 .. " + (layers - 1));
                        return false;
                    }

                    long rows = d.Size(index + 1);
                    long cols = d.Size(index);
                    switch (t)
                    {
                        case ImageSectionTypes.WeightsB1:
                            expected = 4 * rows * BinaryKernels.WordsPerRow((int)cols);
                            break;
                        case ImageSectionTypes.WeightsS8:
                        case ImageSectionTypes.BopAccumulatorsS8:
                            expected = rows * cols;
                            break;
                        case ImageSectionTypes.WeightsS16:
                        case ImageSectionTypes.BopAccumulatorsS16:
                            expected = 2 * rows * cols;
                            break;
                        case ImageSectionTypes.BopAccumulatorsS32:
                        case ImageSectionTypes.LatentWeightsS32:
                            expected = 4 * rows * cols;
                            break;
                        default:
                            expected = 4 * rows; // biases, homeostasis
                            break;
                    }
                }
                else if (t == ImageSectionTypes.Scales)
                {
                    expected = 4L * layers;
                }
                else if (t == ImageSectionTypes.ClassMapS32)
                {
                    expected = 4L * d.OutputSize;
                }

                if (expected >= 0 && _lengths[i] != expected)
                {
                    error = Fail(ImageErrorCode.ShapeMismatch, e + 8, "section " + name + " holds " + _lengths[i] + " bytes; architecture " + d.ToString() + " needs " + expected);
                    return false;
                }

                int p = PayloadStart(i);
                if (t == ImageSectionTypes.Scales)
                {
                    for (int l = 0; l < layers; l++)
                    {
                        int v = ImageBytes.ReadInt32(b, p + 4 * l);
                        if (v <= 0)
                        {
                            error = Fail(ImageErrorCode.BadValue, _offsets[i] + 4 * l, "scale of layer " + l + " is " + v + "; scales are positive Q0.15");
                            return false;
                        }
                    }
                }
                else if (t == ImageSectionTypes.WeightsB1)
                {
                    int cols = d.Size(index);
                    int words = BinaryKernels.WordsPerRow(cols);
                    uint pad = ~BinaryKernels.LastWordMask(cols);
                    for (int r = 0; r < d.Size(index + 1); r++)
                    {
                        int at = 4 * (r * words + words - 1);
                        if ((ImageBytes.ReadUInt32(b, p + at) & pad) != 0)
                        {
                            error = Fail(ImageErrorCode.PaddingBitsSet, _offsets[i] + at, "section " + name + " row " + r + ": bits above column " + (cols - 1) + " must be clear");
                            return false;
                        }
                    }
                }
                else if (t == ImageSectionTypes.Hyperparameters || t == ImageSectionTypes.LearnerCounters || t == ImageSectionTypes.Metadata)
                {
                    ImageRecords records;
                    if (!ImageRecords.TryParse(b, p, _lengths[i], Start, limits, out records, out error))
                    {
                        return false;
                    }

                    if (t == ImageSectionTypes.Hyperparameters)
                    {
                        Hyperparameters = records;
                    }
                    else if (t == ImageSectionTypes.LearnerCounters)
                    {
                        Counters = records;
                    }
                    else
                    {
                        Metadata = records;
                    }
                }
            }

            // Per-layer types: present for every layer or not at all (entries are sorted, so count them).
            for (int i = 0; i < _types.Length; i++)
            {
                int t = _types[i];
                if (!ImageSectionTypes.IsPerLayer(t) || (i > 0 && _types[i - 1] == t))
                {
                    continue;
                }

                for (int l = 0; l < layers; l++)
                {
                    if (i + l >= _types.Length || _types[i + l] != t || _indices[i + l] != l)
                    {
                        error = Fail(ImageErrorCode.MissingSection, EntryOffset(i), "section " + ImageSectionTypes.Name(t) + " is missing for weight layer " + l + " of " + layers);
                        return false;
                    }
                }
            }

            if (!Require(weightType, out error) || !Require(ImageSectionTypes.BiasesS32, out error)
                || !Require(ImageSectionTypes.Scales, out error) || !Require(ImageSectionTypes.Hyperparameters, out error))
            {
                return false;
            }

            if (IsFull && !Require(ImageSectionTypes.LearnerCounters, out error))
            {
                return false;
            }

            error = null;
            return true;
        }

        private bool Require(int type, out ImageError error)
        {
            if (!HasSectionType(type))
            {
                error = Fail(ImageErrorCode.MissingSection, ImageFormat.HeaderSize, "the " + ImageFormat.ImageKindName(ImageKind) + " image has no " + ImageSectionTypes.Name(type) + " section");
                return false;
            }

            error = null;
            return true;
        }

        private static int EntryOffset(int i)
        {
            return ImageFormat.HeaderSize + ImageFormat.SectionEntrySize * i;
        }
    }
}
