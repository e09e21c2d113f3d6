// ImageLimits: how much a reader accepts before it allocates anything. A device passes limits that fit its
// memory; the defaults suit a host. Every count and length in an image is checked against these and against
// the image's own length before it is used.
using System;

namespace EdgeLearn.Runtime.Images
{
    /// <summary>Upper bounds the reader enforces.</summary>
    public sealed class ImageLimits
    {
        private int _maxImageBytes = 64 * 1024 * 1024;
        private int _maxSections = 256;
        private int _maxWeightLayers = 16;
        private int _maxRecords = 64;
        private int _maxStringLength = 256;
        private int _maxArrayLength = 64;

        /// <summary>Host defaults: 64 MiB, 256 sections, 16 weight layers, 64 records, strings of 256, arrays of 64.</summary>
        public static ImageLimits Default
        {
            get { return new ImageLimits(); }
        }

        /// <summary>Largest image accepted, in bytes (at least <see cref="ImageFormat.MinImageSize"/>).</summary>
        public int MaxImageBytes
        {
            get { return _maxImageBytes; }
            set { _maxImageBytes = Check(value, ImageFormat.MinImageSize, nameof(MaxImageBytes)); }
        }

        /// <summary>Largest section count (1 .. 65535).</summary>
        public int MaxSections
        {
            get { return _maxSections; }
            set { _maxSections = Check(value, 1, nameof(MaxSections)); }
        }

        /// <summary>Largest number of weight layers L (1 .. 65534).</summary>
        public int MaxWeightLayers
        {
            get { return _maxWeightLayers; }
            set { _maxWeightLayers = Check(value, 1, nameof(MaxWeightLayers)); }
        }

        /// <summary>Largest number of records in one record section.</summary>
        public int MaxRecords
        {
            get { return _maxRecords; }
            set { _maxRecords = Check(value, 1, nameof(MaxRecords)); }
        }

        /// <summary>Longest string value, in characters.</summary>
        public int MaxStringLength
        {
            get { return _maxStringLength; }
            set { _maxStringLength = Check(value, 1, nameof(MaxStringLength)); }
        }

        /// <summary>Most elements of an array value.</summary>
        public int MaxArrayLength
        {
            get { return _maxArrayLength; }
            set { _maxArrayLength = Check(value, 1, nameof(MaxArrayLength)); }
        }

        private static int Check(int value, int minimum, string name)
        {
            if (value < minimum || value > 0x7FFFFFF0)
            {
                throw new ArgumentOutOfRangeException(name, name + " must be at least " + minimum + ", got " + value);
            }

            if ((name == nameof(MaxSections) || name == nameof(MaxWeightLayers)) && value > 65534)
            {
                throw new ArgumentOutOfRangeException(name, name + " must be at most 65534, got " + value);
            }

            return value;
        }
    }
}
