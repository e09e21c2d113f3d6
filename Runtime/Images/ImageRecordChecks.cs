// ImageRecordChecks: the record checks every learner mapping makes on its HYPERPARAMETERS and LEARNER_COUNTERS
// sections: exactly the defined keys, each of its defined value type. Each returns false with a specific ImageError
// (UnknownKey, MissingKey, WrongValueType) and never throws on the records of a parsed image.
namespace EdgeLearn.Runtime.Images
{
    /// <summary>Key-set and value-type checks of record sections, for learner mappings.</summary>
    internal static class ImageRecordChecks
    {
        /// <summary>Every key of <paramref name="keys"/> present, no other key.</summary>
        public static bool CheckKeys(ImageRecords records, string[] keys, string section, string learner, int sectionOffset, out ImageError error)
        {
            for (int i = 0; i < records.Count; i++)
            {
                bool known = false;
                for (int k = 0; k < keys.Length; k++)
                {
                    known |= records.Key(i) == keys[k];
                }

                if (!known)
                {
                    error = new ImageError(ImageErrorCode.UnknownKey, records.RecordOffset(i), section + " record '" + records.Key(i) + "' is not defined for learner '" + learner + "'");
                    return false;
                }
            }

            for (int k = 0; k < keys.Length; k++)
            {
                if (records.IndexOf(keys[k]) < 0)
                {
                    error = new ImageError(ImageErrorCode.MissingKey, sectionOffset, section + " has no record '" + keys[k] + "'");
                    return false;
                }
            }

            error = null;
            return true;
        }

        /// <summary>Image offset of the record <paramref name="key"/>, or <paramref name="fallback"/>.</summary>
        public static int Offset(ImageRecords r, string key, int fallback)
        {
            int i = r.IndexOf(key);
            return i >= 0 && r.RecordOffset(i) >= 0 ? r.RecordOffset(i) : fallback;
        }

        /// <summary>The i32 record <paramref name="key"/> (present: see <see cref="CheckKeys"/>).</summary>
        public static bool Int32(ImageRecords r, string key, int fallback, out int value, out ImageError error)
        {
            value = 0;
            if (!TypeIs(r, key, ImageRecords.TypeInt32, "i32", fallback, out error))
            {
                return false;
            }

            r.TryGetInt32(key, out value);
            return true;
        }

        /// <summary>The i64 record <paramref name="key"/>.</summary>
        public static bool Int64(ImageRecords r, string key, int fallback, out long value, out ImageError error)
        {
            value = 0;
            if (!TypeIs(r, key, ImageRecords.TypeInt64, "i64", fallback, out error))
            {
                return false;
            }

            r.TryGetInt64(key, out value);
            return true;
        }

        /// <summary>The f64 record <paramref name="key"/>.</summary>
        public static bool Float64(ImageRecords r, string key, int fallback, out double value, out ImageError error)
        {
            value = 0;
            if (!TypeIs(r, key, ImageRecords.TypeFloat64, "f64", fallback, out error))
            {
                return false;
            }

            r.TryGetFloat64(key, out value);
            return true;
        }

        /// <summary>The f64-array record <paramref name="key"/>.</summary>
        public static bool Float64Array(ImageRecords r, string key, int fallback, out double[] value, out ImageError error)
        {
            value = null;
            if (!TypeIs(r, key, ImageRecords.TypeFloat64Array, "f64 array", fallback, out error))
            {
                return false;
            }

            r.TryGetFloat64Array(key, out value);
            return true;
        }

        /// <summary>The i32-array record <paramref name="key"/>.</summary>
        public static bool Int32Array(ImageRecords r, string key, int fallback, out int[] value, out ImageError error)
        {
            value = null;
            if (!TypeIs(r, key, ImageRecords.TypeInt32Array, "i32 array", fallback, out error))
            {
                return false;
            }

            r.TryGetInt32Array(key, out value);
            return true;
        }

        private static bool TypeIs(ImageRecords r, string key, int type, string typeName, int fallback, out ImageError error)
        {
            int i = r.IndexOf(key);
            if (r.ValueType(i) != type)
            {
                error = new ImageError(ImageErrorCode.WrongValueType, Offset(r, key, fallback) + 1, "record '" + key + "' has value type " + r.ValueType(i) + "; it must be " + typeName);
                return false;
            }

            error = null;
            return true;
        }
    }
}
