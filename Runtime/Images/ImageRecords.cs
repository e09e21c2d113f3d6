// ImageRecords: the typed key/value records of the HYPERPARAMETERS, LEARNER_COUNTERS and METADATA sections.
//
// Record layout (docs/MODEL-IMAGE-FORMAT.md, "Records"), records back to back, sorted by key:
//
//   +0  u8   key length k (1 .. 32)
//   +1  u8   value type (1 i32, 2 i64, 3 f64, 4 string, 5 i32 array, 6 f64 array)
//   +2  u16  value length v in bytes
//   +4  k    key: [a-z][a-z0-9_]*
//   +4+k v   value, little-endian; f64 as IEEE 754 bits, finite; strings printable ASCII (0x20 .. 0x7E)
//   ...      zero padding to a multiple of 4
//
// Keys are compared byte by byte (ordinal); a section's records are in strictly increasing key order, so the
// encoding of a set of records is unique. The same class builds records for writing and holds the parsed
// records of an image (values are copied out of the image).
using System;

namespace EdgeLearn.Runtime.Images
{
    /// <summary>An ordered set of typed key/value records.</summary>
    public sealed class ImageRecords
    {
        /// <summary>Value type: s32.</summary>
        public const int TypeInt32 = 1;

        /// <summary>Value type: s64.</summary>
        public const int TypeInt64 = 2;

        /// <summary>Value type: IEEE 754 binary64, finite.</summary>
        public const int TypeFloat64 = 3;

        /// <summary>Value type: printable ASCII string.</summary>
        public const int TypeString = 4;

        /// <summary>Value type: array of s32.</summary>
        public const int TypeInt32Array = 5;

        /// <summary>Value type: array of finite binary64.</summary>
        public const int TypeFloat64Array = 6;

        /// <summary>Longest key.</summary>
        public const int MaxKeyLength = 32;

        /// <summary>Most records a writer puts in one section (the default reader limit).</summary>
        public const int MaxRecordsWritten = 64;

        /// <summary>Longest string a writer accepts (the default reader limit).</summary>
        public const int MaxStringWritten = 256;

        /// <summary>Most array elements a writer accepts (the default reader limit).</summary>
        public const int MaxArrayWritten = 64;

        private string[] _keys = new string[4];
        private int[] _types = new int[4];
        private long[] _integers = new long[4];
        private double[] _reals = new double[4];
        private object[] _objects = new object[4];
        private int[] _at = new int[4];
        private int _count;

        /// <summary>Number of records.</summary>
        public int Count
        {
            get { return _count; }
        }

        /// <summary>Bytes of the encoded records (a multiple of 4).</summary>
        public int EncodedLength
        {
            get
            {
                int total = 0;
                for (int i = 0; i < _count; i++)
                {
                    total += (int)ImageFormat.Align4(4 + _keys[i].Length + ValueLength(i));
                }

                return total;
            }
        }

        /// <summary>Key of record <paramref name="i"/> (records are in key order).</summary>
        public string Key(int i)
        {
            CheckIndex(i);
            return _keys[i];
        }

        /// <summary>Value type of record <paramref name="i"/>.</summary>
        public int ValueType(int i)
        {
            CheckIndex(i);
            return _types[i];
        }

        /// <summary>Value of an s32 or s64 record.</summary>
        public long IntegerValue(int i)
        {
            CheckIndex(i);
            return _integers[i];
        }

        /// <summary>Value of an f64 record.</summary>
        public double RealValue(int i)
        {
            CheckIndex(i);
            return _reals[i];
        }

        /// <summary>Value of a string record (null for other types).</summary>
        public string StringValue(int i)
        {
            CheckIndex(i);
            return _objects[i] as string;
        }

        /// <summary>A copy of an s32-array record's value (null for other types).</summary>
        public int[] Int32ArrayValue(int i)
        {
            CheckIndex(i);
            int[] a = _objects[i] as int[];
            return a == null ? null : (int[])a.Clone();
        }

        /// <summary>A copy of an f64-array record's value (null for other types).</summary>
        public double[] Float64ArrayValue(int i)
        {
            CheckIndex(i);
            double[] a = _objects[i] as double[];
            return a == null ? null : (double[])a.Clone();
        }

        /// <summary>Offset of record <paramref name="i"/> from the image start when it was parsed from an image, else -1.</summary>
        public int RecordOffset(int i)
        {
            CheckIndex(i);
            return _at[i];
        }

        /// <summary>Index of the record with <paramref name="key"/>, or -1.</summary>
        public int IndexOf(string key)
        {
            for (int i = 0; i < _count; i++)
            {
                if (_keys[i] == key)
                {
                    return i;
                }
            }

            return -1;
        }

        /// <summary>Sets an s32 record (replacing any record with that key).</summary>
        public void SetInt32(string key, int value)
        {
            int i = Slot(key, TypeInt32);
            _integers[i] = value;
        }

        /// <summary>Sets an s64 record.</summary>
        public void SetInt64(string key, long value)
        {
            int i = Slot(key, TypeInt64);
            _integers[i] = value;
        }

        /// <summary>Sets an f64 record; the value must be finite.</summary>
        public void SetFloat64(string key, double value)
        {
            CheckFinite(value, key);
            int i = Slot(key, TypeFloat64);
            _reals[i] = value;
        }

        /// <summary>Sets a string record: printable ASCII, at most <see cref="MaxStringWritten"/> characters.</summary>
        public void SetString(string key, string value)
        {
            if (value == null)
            {
                throw new ArgumentNullException(nameof(value));
            }

            if (value.Length > MaxStringWritten)
            {
                throw new ArgumentException("record '" + key + "': string of " + value.Length + " characters; at most " + MaxStringWritten, nameof(value));
            }

            for (int c = 0; c < value.Length; c++)
            {
                if (value[c] < 0x20 || value[c] > 0x7E)
                {
                    throw new ArgumentException("record '" + key + "': character " + c + " (code " + (int)value[c] + ") is not printable ASCII", nameof(value));
                }
            }

            int i = Slot(key, TypeString);
            _objects[i] = value;
        }

        /// <summary>Sets an s32-array record (copied): 1 .. <see cref="MaxArrayWritten"/> elements.</summary>
        public void SetInt32Array(string key, int[] value)
        {
            CheckArray(value, key);
            int i = Slot(key, TypeInt32Array);
            _objects[i] = value.Clone();
        }

        /// <summary>Sets an f64-array record (copied): 1 .. <see cref="MaxArrayWritten"/> finite elements.</summary>
        public void SetFloat64Array(string key, double[] value)
        {
            CheckArray(value, key);
            for (int k = 0; k < value.Length; k++)
            {
                CheckFinite(value[k], key);
            }

            int i = Slot(key, TypeFloat64Array);
            _objects[i] = value.Clone();
        }

        /// <summary>Removes the record with <paramref name="key"/>; returns false when there is none.</summary>
        public bool Remove(string key)
        {
            int i = IndexOf(key);
            if (i < 0)
            {
                return false;
            }

            for (int k = i; k < _count - 1; k++)
            {
                Move(k + 1, k);
            }

            _count--;
            _keys[_count] = null;
            _objects[_count] = null;
            return true;
        }

        /// <summary>An s32 value by key; false when absent or of another type.</summary>
        public bool TryGetInt32(string key, out int value)
        {
            int i = IndexOf(key);
            value = i >= 0 && _types[i] == TypeInt32 ? (int)_integers[i] : 0;
            return i >= 0 && _types[i] == TypeInt32;
        }

        /// <summary>An s64 value by key; false when absent or of another type.</summary>
        public bool TryGetInt64(string key, out long value)
        {
            int i = IndexOf(key);
            value = i >= 0 && _types[i] == TypeInt64 ? _integers[i] : 0;
            return i >= 0 && _types[i] == TypeInt64;
        }

        /// <summary>An f64 value by key; false when absent or of another type.</summary>
        public bool TryGetFloat64(string key, out double value)
        {
            int i = IndexOf(key);
            value = i >= 0 && _types[i] == TypeFloat64 ? _reals[i] : 0;
            return i >= 0 && _types[i] == TypeFloat64;
        }

        /// <summary>A string value by key; false when absent or of another type.</summary>
        public bool TryGetString(string key, out string value)
        {
            int i = IndexOf(key);
            value = i >= 0 ? _objects[i] as string : null;
            return value != null;
        }

        /// <summary>A copy of an s32-array value by key; false when absent or of another type.</summary>
        public bool TryGetInt32Array(string key, out int[] value)
        {
            int i = IndexOf(key);
            value = i >= 0 ? Int32ArrayValue(i) : null;
            return value != null;
        }

        /// <summary>A copy of an f64-array value by key; false when absent or of another type.</summary>
        public bool TryGetFloat64Array(string key, out double[] value)
        {
            int i = IndexOf(key);
            value = i >= 0 ? Float64ArrayValue(i) : null;
            return value != null;
        }

        /// <summary>A deep copy.</summary>
        public ImageRecords Clone()
        {
            ImageRecords c = new ImageRecords();
            for (int i = 0; i < _count; i++)
            {
                int k = c.Slot(_keys[i], _types[i]);
                c._integers[k] = _integers[i];
                c._reals[k] = _reals[i];
                object o = _objects[i];
                c._objects[k] = o is int[] ? ((int[])o).Clone() : o is double[] ? ((double[])o).Clone() : o;
            }

            return c;
        }

        /// <summary>Writes the records through <paramref name="builder"/> (inside an open section).</summary>
        public void WriteTo(ModelImageBuilder builder)
        {
            if (builder == null)
            {
                throw new ArgumentNullException(nameof(builder));
            }

            for (int i = 0; i < _count; i++)
            {
                string key = _keys[i];
                int v = ValueLength(i);
                builder.WriteByte(key.Length);
                builder.WriteByte(_types[i]);
                builder.WriteUInt16(v);
                for (int c = 0; c < key.Length; c++)
                {
                    builder.WriteByte(key[c]);
                }

                switch (_types[i])
                {
                    case TypeInt32:
                        builder.WriteInt32((int)_integers[i]);
                        break;
                    case TypeInt64:
                        builder.WriteInt64(_integers[i]);
                        break;
                    case TypeFloat64:
                        builder.WriteInt64(BitConverter.DoubleToInt64Bits(_reals[i]));
                        break;
                    case TypeString:
                        string s = (string)_objects[i];
                        for (int c = 0; c < s.Length; c++)
                        {
                            builder.WriteByte(s[c]);
                        }

                        break;
                    case TypeInt32Array:
                        int[] ia = (int[])_objects[i];
                        builder.WriteInt32s(ia, 0, ia.Length);
                        break;
                    default:
                        double[] da = (double[])_objects[i];
                        for (int k = 0; k < da.Length; k++)
                        {
                            builder.WriteInt64(BitConverter.DoubleToInt64Bits(da[k]));
                        }

                        break;
                }

                builder.WriteZeros((int)(ImageFormat.Align4(4 + key.Length + v) - (4 + key.Length + v)));
            }
        }

        /// <summary>
        /// Parses <paramref name="length"/> bytes of records at <paramref name="offset"/> of <paramref name="buffer"/>.
        /// Error offsets are reported as <paramref name="offset"/> - <paramref name="imageStart"/> based. Never throws
        /// for malformed content; the caller guarantees the byte range lies inside the buffer.
        /// </summary>
        public static bool TryParse(byte[] buffer, int offset, int length, int imageStart, ImageLimits limits, out ImageRecords records, out ImageError error)
        {
            records = null;
            ImageRecords r = new ImageRecords();
            int pos = offset;
            int end = offset + length;
            while (pos < end)
            {
                int at = pos - imageStart;
                if (r._count >= limits.MaxRecords)
                {
                    error = new ImageError(ImageErrorCode.BadRecord, at, "more than " + limits.MaxRecords + " records in one section");
                    return false;
                }

                if (end - pos < 4)
                {
                    error = new ImageError(ImageErrorCode.BadRecord, at, "record header needs 4 bytes, " + (end - pos) + " left in the section");
                    return false;
                }

                int k = buffer[pos];
                int type = buffer[pos + 1];
                int v = ImageBytes.ReadUInt16(buffer, pos + 2);
                if (k < 1 || k > MaxKeyLength)
                {
                    error = new ImageError(ImageErrorCode.BadRecord, at, "key length " + k + " is outside [1, " + MaxKeyLength + "]");
                    return false;
                }

                long padded = ImageFormat.Align4(4L + k + v);
                if (padded > end - pos)
                {
                    error = new ImageError(ImageErrorCode.BadRecord, at, "record of " + padded + " bytes runs past the section end (" + (end - pos) + " bytes left)");
                    return false;
                }

                char[] chars = new char[k];
                for (int c = 0; c < k; c++)
                {
                    int ch = buffer[pos + 4 + c];
                    bool ok = (ch >= 'a' && ch <= 'z') || (c > 0 && ((ch >= '0' && ch <= '9') || ch == '_'));
                    if (!ok)
                    {
                        error = new ImageError(ImageErrorCode.BadRecord, at + 4 + c, "key byte " + ch + " is not allowed (keys are [a-z][a-z0-9_]*)");
                        return false;
                    }

                    chars[c] = (char)ch;
                }

                string key = new string(chars);
                if (r._count > 0)
                {
                    int order = CompareKeys(r._keys[r._count - 1], key);
                    if (order == 0)
                    {
                        error = new ImageError(ImageErrorCode.DuplicateKey, at, "key '" + key + "' appears twice");
                        return false;
                    }

                    if (order > 0)
                    {
                        error = new ImageError(ImageErrorCode.RecordOrder, at, "key '" + key + "' follows '" + r._keys[r._count - 1] + "'; records must be in increasing key order");
                        return false;
                    }
                }

                int value = pos + 4 + k;
                int valueAt = value - imageStart;
                int i = r.Append(key, type, at);
                switch (type)
                {
                    case TypeInt32:
                        if (v != 4)
                        {
                            error = LengthError(key, at, "an i32", v, "4");
                            return false;
                        }

                        r._integers[i] = ImageBytes.ReadInt32(buffer, value);
                        break;
                    case TypeInt64:
                    case TypeFloat64:
                        if (v != 8)
                        {
                            error = LengthError(key, at, type == TypeInt64 ? "an i64" : "an f64", v, "8");
                            return false;
                        }

                        long bits = ImageBytes.ReadInt64(buffer, value);
                        if (type == TypeInt64)
                        {
                            r._integers[i] = bits;
                        }
                        else
                        {
                            double d = BitConverter.Int64BitsToDouble(bits);
                            if (double.IsNaN(d) || double.IsInfinity(d))
                            {
                                error = new ImageError(ImageErrorCode.BadValue, valueAt, "record '" + key + "': f64 value is not finite");
                                return false;
                            }

                            r._reals[i] = d;
                        }

                        break;
                    case TypeString:
                        if (v > limits.MaxStringLength)
                        {
                            error = LengthError(key, at, "a string", v, "at most " + limits.MaxStringLength);
                            return false;
                        }

                        char[] s = new char[v];
                        for (int c = 0; c < v; c++)
                        {
                            int ch = buffer[value + c];
                            if (ch < 0x20 || ch > 0x7E)
                            {
                                error = new ImageError(ImageErrorCode.BadValue, valueAt + c, "record '" + key + "': string byte " + ch + " is not printable ASCII");
                                return false;
                            }

                            s[c] = (char)ch;
                        }

                        r._objects[i] = new string(s);
                        break;
                    case TypeInt32Array:
                        if (v == 0 || v % 4 != 0 || v / 4 > limits.MaxArrayLength)
                        {
                            error = LengthError(key, at, "an i32 array", v, "a multiple of 4 for 1 .. " + limits.MaxArrayLength + " elements");
                            return false;
                        }

                        int[] ia = new int[v / 4];
                        for (int e = 0; e < ia.Length; e++)
                        {
                            ia[e] = ImageBytes.ReadInt32(buffer, value + 4 * e);
                        }

                        r._objects[i] = ia;
                        break;
                    case TypeFloat64Array:
                        if (v == 0 || v % 8 != 0 || v / 8 > limits.MaxArrayLength)
                        {
                            error = LengthError(key, at, "an f64 array", v, "a multiple of 8 for 1 .. " + limits.MaxArrayLength + " elements");
                            return false;
                        }

                        double[] da = new double[v / 8];
                        for (int e = 0; e < da.Length; e++)
                        {
                            double d = BitConverter.Int64BitsToDouble(ImageBytes.ReadInt64(buffer, value + 8 * e));
                            if (double.IsNaN(d) || double.IsInfinity(d))
                            {
                                error = new ImageError(ImageErrorCode.BadValue, valueAt + 8 * e, "record '" + key + "': element " + e + " is not finite");
                                return false;
                            }

                            da[e] = d;
                        }

                        r._objects[i] = da;
                        break;
                    default:
                        error = new ImageError(ImageErrorCode.BadRecord, at + 1, "record '" + key + "': value type " + type + " is not defined");
                        return false;
                }

                for (int p = pos + 4 + k + v; p < pos + (int)padded; p++)
                {
                    if (buffer[p] != 0)
                    {
                        error = new ImageError(ImageErrorCode.PaddingNotZero, p - imageStart, "record '" + key + "': padding byte is " + buffer[p]);
                        return false;
                    }
                }

                pos += (int)padded;
            }

            records = r;
            error = null;
            return true;
        }

        /// <summary>True when both hold the same keys, types and values (reals compared bit for bit).</summary>
        public bool ContentEquals(ImageRecords other)
        {
            if (other == null || other._count != _count)
            {
                return false;
            }

            for (int i = 0; i < _count; i++)
            {
                if (_keys[i] != other._keys[i] || _types[i] != other._types[i] || _integers[i] != other._integers[i]
                    || BitConverter.DoubleToInt64Bits(_reals[i]) != BitConverter.DoubleToInt64Bits(other._reals[i]))
                {
                    return false;
                }

                object a = _objects[i];
                object b = other._objects[i];
                if (a is string)
                {
                    if ((string)a != (b as string))
                    {
                        return false;
                    }
                }
                else if (a is int[])
                {
                    int[] x = (int[])a;
                    int[] y = b as int[];
                    if (y == null || x.Length != y.Length)
                    {
                        return false;
                    }

                    for (int k = 0; k < x.Length; k++)
                    {
                        if (x[k] != y[k])
                        {
                            return false;
                        }
                    }
                }
                else if (a is double[])
                {
                    double[] x = (double[])a;
                    double[] y = b as double[];
                    if (y == null || x.Length != y.Length)
                    {
                        return false;
                    }

                    for (int k = 0; k < x.Length; k++)
                    {
                        if (BitConverter.DoubleToInt64Bits(x[k]) != BitConverter.DoubleToInt64Bits(y[k]))
                        {
                            return false;
                        }
                    }
                }
            }

            return true;
        }

        /// <summary>Ordinal comparison of two keys (negative, zero, positive).</summary>
        public static int CompareKeys(string a, string b)
        {
            int n = a.Length < b.Length ? a.Length : b.Length;
            for (int i = 0; i < n; i++)
            {
                if (a[i] != b[i])
                {
                    return a[i] < b[i] ? -1 : 1;
                }
            }

            return a.Length - b.Length;
        }

        /// <summary>True when <paramref name="key"/> is a valid record key ([a-z][a-z0-9_]*, 1 .. 32 characters).</summary>
        public static bool IsValidKey(string key)
        {
            if (key == null || key.Length < 1 || key.Length > MaxKeyLength)
            {
                return false;
            }

            for (int c = 0; c < key.Length; c++)
            {
                char ch = key[c];
                bool ok = (ch >= 'a' && ch <= 'z') || (c > 0 && ((ch >= '0' && ch <= '9') || ch == '_'));
                if (!ok)
                {
                    return false;
                }
            }

            return true;
        }

        private static ImageError LengthError(string key, int at, string what, int v, string expected)
        {
            return new ImageError(ImageErrorCode.BadRecord, at + 2, "record '" + key + "': " + what + " value of " + v + " bytes; expected " + expected);
        }

        private int ValueLength(int i)
        {
            switch (_types[i])
            {
                case TypeInt32:
                    return 4;
                case TypeInt64:
                case TypeFloat64:
                    return 8;
                case TypeString:
                    return ((string)_objects[i]).Length;
                case TypeInt32Array:
                    return 4 * ((int[])_objects[i]).Length;
                default:
                    return 8 * ((double[])_objects[i]).Length;
            }
        }

        // Finds or inserts (in key order) the record for key and sets its type; returns its index.
        private int Slot(string key, int type)
        {
            if (!IsValidKey(key))
            {
                throw new ArgumentException("record key '" + key + "' must be 1 .. " + MaxKeyLength + " characters of [a-z][a-z0-9_]*", nameof(key));
            }

            int at = 0;
            while (at < _count && CompareKeys(_keys[at], key) < 0)
            {
                at++;
            }

            if (at < _count && _keys[at] == key)
            {
                _at[at] = -1;
                _types[at] = type;
                _integers[at] = 0;
                _reals[at] = 0;
                _objects[at] = null;
                return at;
            }

            if (_count >= MaxRecordsWritten)
            {
                throw new InvalidOperationException("a record section holds at most " + MaxRecordsWritten + " records");
            }

            if (_count == _keys.Length)
            {
                Grow();
            }

            for (int k = _count; k > at; k--)
            {
                Move(k - 1, k);
            }

            _keys[at] = key;
            _at[at] = -1;
            _types[at] = type;
            _integers[at] = 0;
            _reals[at] = 0;
            _objects[at] = null;
            _count++;
            return at;
        }

        // Appends a record during parsing (keys arrive in increasing order; the reader's limit was checked).
        private int Append(string key, int type, int at)
        {
            if (_count == _keys.Length)
            {
                Grow();
            }

            _keys[_count] = key;
            _types[_count] = type;
            _at[_count] = at;
            _count++;
            return _count - 1;
        }

        private void Move(int from, int to)
        {
            _keys[to] = _keys[from];
            _types[to] = _types[from];
            _integers[to] = _integers[from];
            _reals[to] = _reals[from];
            _objects[to] = _objects[from];
            _at[to] = _at[from];
        }

        private void Grow()
        {
            int n = _keys.Length * 2;
            string[] keys = new string[n];
            int[] types = new int[n];
            long[] integers = new long[n];
            double[] reals = new double[n];
            object[] objects = new object[n];
            int[] at = new int[n];
            Array.Copy(_keys, keys, _count);
            Array.Copy(_types, types, _count);
            Array.Copy(_integers, integers, _count);
            Array.Copy(_reals, reals, _count);
            Array.Copy(_objects, objects, _count);
            Array.Copy(_at, at, _count);
            _keys = keys;
            _types = types;
            _integers = integers;
            _reals = reals;
            _objects = objects;
            _at = at;
        }

        private void CheckIndex(int i)
        {
            if (i < 0 || i >= _count)
            {
                throw new ArgumentOutOfRangeException(nameof(i), "record " + i + " of " + _count);
            }
        }

        private static void CheckFinite(double value, string key)
        {
            if (double.IsNaN(value) || double.IsInfinity(value))
            {
                throw new ArgumentOutOfRangeException(nameof(value), "record '" + key + "': values must be finite");
            }
        }

        private static void CheckArray(Array value, string key)
        {
            if (value == null)
            {
                throw new ArgumentNullException(nameof(value));
            }

            if (value.Length < 1 || value.Length > MaxArrayWritten)
            {
                throw new ArgumentException("record '" + key + "': arrays hold 1 .. " + MaxArrayWritten + " elements, got " + value.Length, nameof(value));
            }
        }
    }
}
