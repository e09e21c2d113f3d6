// FileBlockStore: an IBlockStore over one file, for checkpoints on a Raspberry Pi or a host. The file holds
// BlockSize * BlockCount bytes; a new file starts erased (0xFF). Flush calls fsync (FileStream.Flush(true)),
// which is what orders the image bytes before the commit record on a real file system.
using System;
using System.IO;
using EdgeLearn.Runtime.Checkpoints;

namespace EdgeLearn.HostSim.Images;

/// <summary>File-backed block store.</summary>
public sealed class FileBlockStore : IBlockStore, IDisposable
{
    private readonly FileStream file;

    private FileBlockStore(FileStream file, int blockSize, int blockCount)
    {
        this.file = file;
        BlockSize = blockSize;
        BlockCount = blockCount;
    }

    /// <inheritdoc />
    public int BlockSize { get; }

    /// <inheritdoc />
    public int BlockCount { get; }

    /// <summary>
    /// Opens <paramref name="path"/>, creating it erased when missing. An existing file must have exactly
    /// <paramref name="blockSize"/> x <paramref name="blockCount"/> bytes (else <see cref="InvalidDataException"/>).
    /// </summary>
    public static FileBlockStore Open(string path, int blockSize, int blockCount)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentOutOfRangeException.ThrowIfLessThan(blockSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(blockCount, 1);
        long size = (long)blockSize * blockCount;
        if (size > int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(blockCount), $"{blockCount} blocks of {blockSize} bytes exceed 2 GiB.");
        }

        bool created = !File.Exists(path);
        var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        try
        {
            if (created || stream.Length == 0)
            {
                var erased = new byte[blockSize];
                Array.Fill(erased, (byte)0xFF);
                for (int b = 0; b < blockCount; b++)
                {
                    stream.Write(erased);
                }

                stream.Flush(flushToDisk: true);
            }
            else if (stream.Length != size)
            {
                throw new InvalidDataException($"Block store '{path}' has {stream.Length} bytes; {blockCount} blocks of {blockSize} need {size}.");
            }

            return new FileBlockStore(stream, blockSize, blockCount);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public void Read(int address, byte[] buffer, int offset, int count)
    {
        CheckRange(address, buffer, offset, count);
        file.Position = address;
        file.ReadExactly(buffer, offset, count);
    }

    /// <inheritdoc />
    public void Write(int address, byte[] buffer, int offset, int count)
    {
        CheckRange(address, buffer, offset, count);
        file.Position = address;
        file.Write(buffer, offset, count);
    }

    /// <inheritdoc />
    public void Erase(int block)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(block);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(block, BlockCount);
        var erased = new byte[BlockSize];
        Array.Fill(erased, (byte)0xFF);
        file.Position = (long)block * BlockSize;
        file.Write(erased);
    }

    /// <inheritdoc />
    public void Flush() => file.Flush(flushToDisk: true);

    /// <inheritdoc />
    public void Dispose() => file.Dispose();

    private void CheckRange(int address, byte[] buffer, int offset, int count)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        long size = (long)BlockSize * BlockCount;
        if (count < 0 || offset < 0 || offset > buffer.Length - count || address < 0 || address > size - count)
        {
            throw new ArgumentOutOfRangeException(nameof(address), $"{count} bytes at address {address} are outside the store of {size} bytes or the buffer of {buffer.Length}.");
        }
    }
}
