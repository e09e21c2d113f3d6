// Crc32: the checksum of model images, checkpoints and parity hashes.
namespace EdgeLearn.Kernels
{
    /// <summary>
    /// CRC-32 (IEEE 802.3, polynomial 0xEDB88320 reflected, initial value 0xFFFFFFFF, final XOR 0xFFFFFFFF):
    /// the same CRC as zlib, PNG and Ethernet; CRC-32("123456789") = 0xCBF43926. Bitwise (no table), so it
    /// needs no memory on a microcontroller; callers may chain calls through <see cref="Update"/>.
    /// </summary>
    public static class Crc32
    {
        /// <summary>CRC-32 of <paramref name="count"/> bytes from <paramref name="offset"/>.</summary>
        public static uint Compute(byte[] data, int offset, int count)
        {
            return ~Update(0xFFFFFFFFu, data, offset, count);
        }

        /// <summary>
        /// Advances a running (un-finalised) CRC register: start with 0xFFFFFFFF, call for each chunk,
        /// finish by complementing. Compute(d) == ~Update(0xFFFFFFFF, d).
        /// </summary>
        public static uint Update(uint register, byte[] data, int offset, int count)
        {
            uint c = register;
            int end = offset + count;
            for (int i = offset; i < end; i++)
            {
                c ^= data[i];
                for (int b = 0; b < 8; b++)
                {
                    c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
                }
            }

            return c;
        }
    }
}
