// IBlockStore: persistent storage as erase blocks, the common shape of NOR flash on a microcontroller and of a
// file on a Raspberry Pi or a host. Addresses are byte offsets from 0 to BlockSize * BlockCount.
namespace EdgeLearn.Runtime.Checkpoints
{
    /// <summary>
    /// Erase-block storage. Flash semantics: <see cref="Erase"/> sets a whole block to 0xFF, and
    /// <see cref="Write"/> may only program bytes that were erased since they were last written (a store may
    /// refuse or corrupt anything else). <see cref="Flush"/> orders durability: every earlier write or erase
    /// reaches the medium before any later one starts.
    /// </summary>
    public interface IBlockStore
    {
        /// <summary>Bytes per erase block.</summary>
        int BlockSize { get; }

        /// <summary>Number of blocks.</summary>
        int BlockCount { get; }

        /// <summary>Reads <paramref name="count"/> bytes at <paramref name="address"/> into <paramref name="buffer"/> from <paramref name="offset"/>.</summary>
        void Read(int address, byte[] buffer, int offset, int count);

        /// <summary>Programs <paramref name="count"/> erased bytes at <paramref name="address"/> from <paramref name="buffer"/>.</summary>
        void Write(int address, byte[] buffer, int offset, int count);

        /// <summary>Erases block <paramref name="block"/> (every byte becomes 0xFF).</summary>
        void Erase(int block);

        /// <summary>Makes every earlier write and erase durable before returning.</summary>
        void Flush();
    }
}
