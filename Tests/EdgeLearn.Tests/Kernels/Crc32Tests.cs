// Crc32 against the standard check values and an independent byte-wise table-driven CRC-32 (the kernel
// is bit-wise, so the two share no code path).
using System;
using System.Text;
using EdgeLearn.Kernels;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace EdgeLearn.Tests.Kernels;

[TestClass]
public sealed class Crc32Tests
{
    private static readonly uint[] Table = BuildTable();

    /// <summary>Table of the reflected polynomial 0xEDB88320: entry n is the register after shifting byte n through.</summary>
    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }

            table[n] = c;
        }

        return table;
    }

    private static uint TableCrc(byte[] data, int offset, int count)
    {
        uint crc = 0xFFFFFFFFu;
        for (int i = 0; i < count; i++)
        {
            crc = Table[(crc ^ data[offset + i]) & 0xFF] ^ (crc >> 8);
        }

        return crc ^ 0xFFFFFFFFu;
    }

    [TestMethod]
    [DataRow("123456789", 0xCBF43926u)]
    [DataRow("", 0x00000000u)]
    [DataRow("a", 0xE8B7BE43u)]
    [DataRow("abc", 0x352441C2u)]
    [DataRow("The quick brown fox jumps over the lazy dog", 0x414FA339u)]
    public void Compute_StandardCheckStrings_GivePublishedCrc(string text, uint expected)
    {
        byte[] data = Encoding.ASCII.GetBytes(text);
        Assert.AreEqual(expected, TableCrc(data, 0, data.Length), "the table oracle disagrees with the published value");
        Assert.AreEqual(expected, Crc32.Compute(data, 0, data.Length));
    }

    [TestMethod]
    public void Compute_RandomBuffersAndOffsets_MatchesTableDrivenOracle()
    {
        var rng = new Random(301);
        for (int length = 0; length < 600; length += 1 + length / 8)
        {
            int offset = rng.Next(0, 7);
            var data = new byte[offset + length + rng.Next(0, 5)];
            rng.NextBytes(data);
            Assert.AreEqual(TableCrc(data, offset, length), Crc32.Compute(data, offset, length), $"length={length}, offset={offset}");
        }
    }

    [TestMethod]
    public void Compute_AllZeroAndAllOnesBuffers_MatchesTableDrivenOracle()
    {
        foreach (byte fill in new byte[] { 0x00, 0xFF })
        {
            for (int length = 1; length <= 64; length++)
            {
                var data = new byte[length];
                Array.Fill(data, fill);
                Assert.AreEqual(TableCrc(data, 0, length), Crc32.Compute(data, 0, length), $"fill={fill}, length={length}");
            }
        }
    }

    [TestMethod]
    public void Compute_BytesOutsideRange_AreIgnored()
    {
        var rng = new Random(302);
        var inner = new byte[100];
        rng.NextBytes(inner);
        var padded = new byte[inner.Length + 20];
        rng.NextBytes(padded);
        Array.Copy(inner, 0, padded, 9, inner.Length);
        Assert.AreEqual(Crc32.Compute(inner, 0, inner.Length), Crc32.Compute(padded, 9, inner.Length));
    }

    [TestMethod]
    public void Update_ChainedOverChunks_EqualsOneCompute()
    {
        var rng = new Random(303);
        var data = new byte[1000];
        rng.NextBytes(data);
        uint whole = Crc32.Compute(data, 0, data.Length);
        for (int trial = 0; trial < 50; trial++)
        {
            uint register = 0xFFFFFFFFu;
            int position = 0;
            while (position < data.Length)
            {
                int chunk = Math.Min(rng.Next(0, 70), data.Length - position);
                register = Crc32.Update(register, data, position, chunk);
                position += chunk;
            }

            Assert.AreEqual(whole, ~register, $"trial {trial}");
        }
    }

    [TestMethod]
    public void Update_FromInitialRegister_IsComplementOfCompute()
    {
        byte[] data = Encoding.ASCII.GetBytes("123456789");
        Assert.AreEqual(~0xCBF43926u, Crc32.Update(0xFFFFFFFFu, data, 0, data.Length));
        Assert.AreEqual(0xFFFFFFFFu, Crc32.Update(0xFFFFFFFFu, data, 3, 0), "an empty chunk leaves the register alone");
    }
}
