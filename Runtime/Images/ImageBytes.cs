// ImageBytes: little-endian reads and writes of the integer fields of images and checkpoint slots. The
// format is little-endian on every target, so these never depend on the machine's byte order. Callers
// check bounds first; these assume the bytes are there.
namespace EdgeLearn.Runtime.Images
{
    /// <summary>Little-endian field access on byte arrays.</summary>
    public static class ImageBytes
    {
        /// <summary>u16 at <paramref name="at"/>.</summary>
        public static int ReadUInt16(byte[] b, int at)
        {
            return b[at] | (b[at + 1] << 8);
        }

        /// <summary>s16 at <paramref name="at"/>.</summary>
        public static short ReadInt16(byte[] b, int at)
        {
            return (short)(b[at] | (b[at + 1] << 8));
        }

        /// <summary>u32 at <paramref name="at"/>.</summary>
        public static uint ReadUInt32(byte[] b, int at)
        {
            return (uint)(b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24));
        }

        /// <summary>s32 at <paramref name="at"/>.</summary>
        public static int ReadInt32(byte[] b, int at)
        {
            return b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24);
        }

        /// <summary>s64 at <paramref name="at"/>.</summary>
        public static long ReadInt64(byte[] b, int at)
        {
            return (long)ReadUInt32(b, at) | ((long)ReadInt32(b, at + 4) << 32);
        }

        /// <summary>Writes the low 16 bits of <paramref name="v"/> at <paramref name="at"/>.</summary>
        public static void WriteUInt16(byte[] b, int at, int v)
        {
            b[at] = (byte)v;
            b[at + 1] = (byte)(v >> 8);
        }

        /// <summary>Writes <paramref name="v"/> at <paramref name="at"/>.</summary>
        public static void WriteUInt32(byte[] b, int at, uint v)
        {
            b[at] = (byte)v;
            b[at + 1] = (byte)(v >> 8);
            b[at + 2] = (byte)(v >> 16);
            b[at + 3] = (byte)(v >> 24);
        }

        /// <summary>Writes <paramref name="v"/> at <paramref name="at"/>.</summary>
        public static void WriteInt32(byte[] b, int at, int v)
        {
            WriteUInt32(b, at, (uint)v);
        }

        /// <summary>Writes <paramref name="v"/> at <paramref name="at"/>.</summary>
        public static void WriteInt64(byte[] b, int at, long v)
        {
            WriteUInt32(b, at, (uint)v);
            WriteUInt32(b, at + 4, (uint)(v >> 32));
        }

        /// <summary>"0x" and eight upper-case hex digits of <paramref name="v"/>.</summary>
        public static string Hex8(uint v)
        {
            const string digits = "0123456789ABCDEF";
            char[] c = new char[10];
            c[0] = '0';
            c[1] = 'x';
            for (int i = 0; i < 8; i++)
            {
                c[9 - i] = digits[(int)((v >> (4 * i)) & 0xF)];
            }

            return new string(c);
        }
    }
}
