// ImageMutationFuzzer: seeded mutation fuzzing of the image reader. Each mutant is a valid seed image changed by
// one operator (bit flips, byte sets, field sets with boundary values, truncation, extension, splices of two
// images, chunk copy/insert/delete) in one of three families:
//   raw             the mutant as is: it is corrupt, so the reader must refuse it
//   header-resealed length field, header CRC and image CRC recomputed: reaches the table and section checks
//   fully-resealed  also every section CRC whose range lies in the buffer: reaches the semantic checks
// and is read by the full host check (container, the mapping of its learner kind: bep, scff or sdt, learner build). Outcomes: crash (any exception),
// refused (counted by error code), or accepted. A raw mutant that is accepted is a corrupt image accepted. A
// resealed mutant is a crafted image; accepting it is correct only if it is a well-formed image, which the
// fuzzer checks by re-exporting what was loaded: the bytes must come back identical ("canonical"), except where
// the format allows a difference on purpose (a newer minor version, unknown optional sections skipped).
using System;
using System.Collections.Generic;
using System.Diagnostics;
using EdgeLearn.Kernels;
using EdgeLearn.Runtime.Images;
using EdgeLearn.Runtime.Learners.EquilibriumPropagation;
using EdgeLearn.Runtime.Learners.Readout;
using EdgeLearn.Runtime.Learners.SelfContrastiveForwardForward;
using EdgeLearn.Runtime.Learners.SelfDefinedTargets;

namespace EdgeLearn.HostSim.Images;

/// <summary>Counts of one fuzzing run.</summary>
public sealed class ImageFuzzResult
{
    /// <summary>Mutants read (each differs from every seed image).</summary>
    public long Mutants { get; internal set; }

    /// <summary>Mutants per family: raw, header-resealed, fully-resealed.</summary>
    public long[] MutantsByFamily { get; } = new long[3];

    /// <summary>Reads that threw any exception.</summary>
    public long Crashes { get; internal set; }

    /// <summary>Raw (corrupt) mutants the reader accepted.</summary>
    public long CorruptAccepted { get; internal set; }

    /// <summary>Resealed mutants accepted whose re-export is byte-identical (well-formed images).</summary>
    public long ResealedAcceptedCanonical { get; internal set; }

    /// <summary>Resealed mutants accepted that differ from their re-export only as the format allows (minor version, skipped optional sections).</summary>
    public long ResealedAcceptedForwardCompatible { get; internal set; }

    /// <summary>Resealed mutants accepted whose re-export differs otherwise (the reader accepted an ill-formed image).</summary>
    public long NonCanonicalAccepted { get; internal set; }

    /// <summary>Refusals by error code.</summary>
    public SortedDictionary<ImageErrorCode, long> Refusals { get; } = new();

    /// <summary>The first few failures (crashes, corrupt or non-canonical acceptances), described.</summary>
    public List<string> Failures { get; } = new();

    /// <summary>Wall-clock time of the run.</summary>
    public TimeSpan Elapsed { get; internal set; }

    /// <summary>Crashes + corrupt accepted + non-canonical accepted.</summary>
    public long FailureCount => Crashes + CorruptAccepted + NonCanonicalAccepted;
}

/// <summary>Seeded mutation fuzzer of the model-image reader.</summary>
public static class ImageMutationFuzzer
{
    /// <summary>Family names, indexed like <see cref="ImageFuzzResult.MutantsByFamily"/>.</summary>
    public static readonly string[] FamilyNames = { "raw", "header-resealed", "fully-resealed" };

    private static readonly string[] OperatorNames = { "flip", "byte", "field", "truncate", "extend", "splice", "copy", "insert", "delete" };

    /// <summary>
    /// Runs <paramref name="mutants"/> mutants of <paramref name="seeds"/> from random stream <paramref name="seed"/>.
    /// Seed images are used in proportion to 1 / sqrt(size), so large images do not dominate the time.
    /// </summary>
    public static ImageFuzzResult Run(byte[][] seeds, long mutants, uint seed, ImageLimits limits)
    {
        ArgumentNullException.ThrowIfNull(seeds);
        ArgumentNullException.ThrowIfNull(limits);
        if (seeds.Length == 0)
        {
            throw new ArgumentException("At least one seed image is needed.", nameof(seeds));
        }

        foreach (byte[] s in seeds)
        {
            if (!TryLoad(s, limits, out _, out bool canonical, out _) || !canonical)
            {
                throw new ArgumentException("Every seed image must be valid and canonical.", nameof(seeds));
            }
        }

        var weights = new double[seeds.Length];
        double total = 0;
        for (int i = 0; i < seeds.Length; i++)
        {
            weights[i] = 1.0 / Math.Sqrt(seeds[i].Length);
            total += weights[i];
        }

        var rng = new Xoshiro128(seed, 0xF0);
        var result = new ImageFuzzResult();
        long start = Stopwatch.GetTimestamp();
        while (result.Mutants < mutants)
        {
            byte[] original = seeds[Pick(rng, weights, total)];
            byte[] other = seeds[(int)rng.NextBelow((uint)seeds.Length)];
            int family = (int)rng.NextBelow(3);
            int op = (int)rng.NextBelow((uint)OperatorNames.Length);
            byte[] mutant = Mutate(original, other, op, rng);
            if (family > 0)
            {
                Reseal(mutant, sections: family == 2);
            }

            if (IsSeed(mutant, seeds))
            {
                continue; // a flip the reseal repaired, or a splice that rebuilt a whole seed image: not a mutant
            }

            result.Mutants++;
            result.MutantsByFamily[family]++;
            string Describe() => $"mutant {result.Mutants} ({FamilyNames[family]}, {OperatorNames[op]}, {mutant.Length} bytes from a {original.Length}-byte seed)";
            bool accepted;
            ImageError? error;
            bool canonical;
            bool forwardCompatible;
            try
            {
                accepted = TryLoad(mutant, limits, out error, out canonical, out forwardCompatible);
            }
            catch (Exception e)
            {
                result.Crashes++;
                Note(result, $"{Describe()}: {e.GetType().Name}: {e.Message}");
                continue;
            }

            if (!accepted)
            {
                ImageErrorCode code = error!.Code;
                result.Refusals[code] = result.Refusals.GetValueOrDefault(code) + 1;
            }
            else if (family == 0)
            {
                result.CorruptAccepted++;
                Note(result, $"{Describe()}: corrupt image accepted");
            }
            else if (canonical)
            {
                result.ResealedAcceptedCanonical++;
            }
            else if (forwardCompatible)
            {
                result.ResealedAcceptedForwardCompatible++;
            }
            else
            {
                result.NonCanonicalAccepted++;
                Note(result, $"{Describe()}: accepted, but the loaded model re-exports to other bytes");
            }
        }

        result.Elapsed = Stopwatch.GetElapsedTime(start);
        return result;
    }

    /// <summary>
    /// The full host read of an image of any mapped learner kind: container, mapping, and (for full images) learner construction; then
    /// re-export and compare. <paramref name="canonical"/> tells whether the re-export is byte-identical.
    /// </summary>
    public static bool TryLoad(byte[] image, ImageLimits limits, out ImageError? error, out bool canonical, out bool forwardCompatible)
    {
        canonical = false;
        forwardCompatible = false;
        if (!ModelImage.TryParse(image, 0, image.Length, limits, out ModelImage parsed, out error))
        {
            return false;
        }

        byte[] again;
        if (parsed.LearnerKind == ImageLearnerKinds.Scff)
        {
            if (parsed.IsFull)
            {
                if (!SelfContrastiveForwardForwardImage.TryCreateLearner(parsed, KernelSet.Reference, out SelfContrastiveForwardForwardModel full, out SelfContrastiveForwardForwardLearner scffLearner, out FixedPointReadout readout, out error))
                {
                    return false;
                }

                again = SelfContrastiveForwardForwardImage.WriteFull(scffLearner, readout, full.ReadoutAllLayers, full.Metadata);
            }
            else
            {
                if (!SelfContrastiveForwardForwardImage.TryRead(parsed, out SelfContrastiveForwardForwardModel scff, out error))
                {
                    return false;
                }

                again = SelfContrastiveForwardForwardImage.WriteInference(scff, KernelSet.Reference);
            }

            return Compare(image, parsed, again, out canonical, out forwardCompatible);
        }

        if (parsed.LearnerKind == ImageLearnerKinds.Sdt)
        {
            SelfDefinedTargetsModel sdt;
            if (parsed.IsFull)
            {
                if (!SelfDefinedTargetsImage.TryCreateLearner(parsed, KernelSet.Reference, out sdt, out error))
                {
                    return false;
                }

                again = SelfDefinedTargetsImage.WriteFull(sdt);
            }
            else
            {
                if (!SelfDefinedTargetsImage.TryRead(parsed, KernelSet.Reference, out sdt, out error))
                {
                    return false;
                }

                again = SelfDefinedTargetsImage.WriteInference(sdt);
            }

            return Compare(image, parsed, again, out canonical, out forwardCompatible);
        }

        if (!EquilibriumPropagationImage.TryRead(parsed, out EquilibriumPropagationModel model, out error))
        {
            return false;
        }

        if (parsed.IsFull)
        {
            if (!EquilibriumPropagationImage.TryCreateLearner(parsed, KernelSet.Reference, out EquilibriumPropagationLearner learner, out error))
            {
                return false;
            }

            again = EquilibriumPropagationImage.WriteFull(learner, model.Metadata);
        }
        else
        {
            again = EquilibriumPropagationImage.WriteInference(model.Network, model.Settings, model.Metadata);
        }

        return Compare(image, parsed, again, out canonical, out forwardCompatible);
    }

    // An accepted image: is its re-export byte-identical, and is it a newer minor version or does it carry skipped sections?
    private static bool Compare(byte[] image, ModelImage parsed, byte[] again, out bool canonical, out bool forwardCompatible)
    {
        canonical = again.AsSpan().SequenceEqual(image);
        forwardCompatible = parsed.MinorVersion != ImageFormat.MinorVersion || parsed.SkippedSectionCount > 0;
        return true;
    }

    /// <summary>
    /// Recomputes the length field, header CRC and image CRC of <paramref name="m"/> in place (and, with
    /// <paramref name="sections"/>, every section CRC whose range lies inside it), as far as the bytes allow.
    /// </summary>
    public static void Reseal(byte[] m, bool sections)
    {
        ArgumentNullException.ThrowIfNull(m);
        if (m.Length < ImageFormat.HeaderSize)
        {
            return;
        }

        ImageBytes.WriteInt32(m, ImageFormat.LengthOffset, m.Length);
        if (sections)
        {
            int n = ImageBytes.ReadUInt16(m, ImageFormat.SectionCountOffset);
            for (int i = 0; i < n; i++)
            {
                int e = ImageFormat.HeaderSize + ImageFormat.SectionEntrySize * i;
                if (e + ImageFormat.SectionEntrySize > m.Length)
                {
                    break;
                }

                long at = ImageBytes.ReadUInt32(m, e + 4);
                long len = ImageBytes.ReadUInt32(m, e + 8);
                if (at + len <= m.Length)
                {
                    ImageBytes.WriteUInt32(m, e + 12, Crc32.Compute(m, (int)at, (int)len));
                }
            }
        }

        ImageBytes.WriteUInt32(m, ImageFormat.HeaderCrcOffset, Crc32.Compute(m, 0, ImageFormat.HeaderCrcOffset));
        if (m.Length >= ImageFormat.HeaderSize + ImageFormat.TrailerSize)
        {
            ImageBytes.WriteUInt32(m, m.Length - 4, Crc32.Compute(m, 0, m.Length - 4));
        }
    }

    private static byte[] Mutate(byte[] original, byte[] other, int op, Xoshiro128 rng)
    {
        int n = original.Length;
        switch (op)
        {
            case 0:
            {
                byte[] m = (byte[])original.Clone();
                int flips = 1 + (int)rng.NextBelow(4);
                for (int k = 0; k < flips; k++)
                {
                    int at = Position(rng, m);
                    m[at] ^= (byte)(1 << (int)rng.NextBelow(8));
                }

                return m;
            }

            case 1:
            {
                byte[] m = (byte[])original.Clone();
                int count = 1 + (int)rng.NextBelow(4);
                for (int k = 0; k < count; k++)
                {
                    m[Position(rng, m)] = InterestingByte(rng);
                }

                return m;
            }

            case 2:
                return SetField(original, rng);
            case 3:
            {
                int length = rng.NextBit() ? (int)rng.NextBelow((uint)n) : (int)rng.NextBelow((uint)(n / 4)) * 4;
                return original.AsSpan(0, length).ToArray();
            }

            case 4:
            {
                int extra = rng.NextBit() ? 4 * (1 + (int)rng.NextBelow(16)) : 1 + (int)rng.NextBelow(64);
                byte[] m = new byte[n + extra];
                original.CopyTo(m, 0);
                if (rng.NextBit())
                {
                    for (int i = n; i < m.Length; i++)
                    {
                        m[i] = (byte)rng.NextUInt32();
                    }
                }

                return m;
            }

            case 5:
            {
                // Prefix of one image, suffix of another (or of itself, shifted).
                int cutA = (int)rng.NextBelow((uint)n + 1);
                int cutB = rng.NextBit() ? Math.Min(cutA, other.Length) : (int)rng.NextBelow((uint)other.Length + 1);
                byte[] m = new byte[cutA + other.Length - cutB];
                Array.Copy(original, m, cutA);
                Array.Copy(other, cutB, m, cutA, other.Length - cutB);
                return m;
            }

            case 6:
            {
                byte[] m = (byte[])original.Clone();
                int length = 1 + (int)rng.NextBelow((uint)Math.Min(64, n));
                int from = (int)rng.NextBelow((uint)(n - length + 1));
                int to = rng.NextBit() ? (int)rng.NextBelow((uint)(n - length + 1)) : (from + 16 * (1 + (int)rng.NextBelow(4))) % (n - length + 1);
                Array.Copy(original, from, m, to, length);
                return m;
            }

            case 7:
            {
                int length = rng.NextBit() ? 4 * (1 + (int)rng.NextBelow(8)) : 1 + (int)rng.NextBelow(32);
                int at = (int)rng.NextBelow((uint)n + 1);
                int from = (int)rng.NextBelow((uint)Math.Max(1, n - length));
                byte[] m = new byte[n + length];
                Array.Copy(original, m, at);
                Array.Copy(original, from, m, at, Math.Min(length, n - from));
                Array.Copy(original, at, m, at + length, n - at);
                return m;
            }

            default:
            {
                int length = 1 + (int)rng.NextBelow((uint)Math.Min(32, n - 1));
                if (rng.NextBit())
                {
                    length = Math.Max(4, length & ~3);
                }

                int at = (int)rng.NextBelow((uint)(n - length + 1));
                byte[] m = new byte[n - length];
                Array.Copy(original, m, at);
                Array.Copy(original, at + length, m, at, n - at - length);
                return m;
            }
        }
    }

    // Sets one 2- or 4-byte field: mostly in the header, table and first payloads, sometimes anywhere.
    private static byte[] SetField(byte[] original, Xoshiro128 rng)
    {
        byte[] m = (byte[])original.Clone();
        int n = m.Length;
        int sectionCount = ImageBytes.ReadUInt16(m, ImageFormat.SectionCountOffset);
        int structure = Math.Min(n - 4, ImageFormat.HeaderSize + ImageFormat.SectionEntrySize * sectionCount + 256);
        int at = rng.NextBelow(4) != 0 ? (int)rng.NextBelow((uint)structure / 2) * 2 : (int)rng.NextBelow((uint)(n - 4) / 2) * 2;
        bool wide = (at & 3) == 0 && rng.NextBit();
        if (wide)
        {
            long old = ImageBytes.ReadUInt32(m, at);
            long[] choices = { 0, 1, 3, 4, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, 0xFFFFFFFC, n, n - 4, n + 4, old + 1, old - 1, old + 4, old - 4, old * 2, rng.NextUInt32() };
            ImageBytes.WriteUInt32(m, at, (uint)choices[rng.NextBelow((uint)choices.Length)]);
        }
        else
        {
            int old = ImageBytes.ReadUInt16(m, at);
            int[] choices = { 0, 1, 2, 3, 0x7FFF, 0x8000, 0xFFFF, old + 1, old - 1, old + 2, old * 2, (int)rng.NextBelow(65536) };
            ImageBytes.WriteUInt16(m, at, choices[rng.NextBelow((uint)choices.Length)]);
        }

        return m;
    }

    private static bool IsSeed(byte[] mutant, byte[][] seeds)
    {
        foreach (byte[] s in seeds)
        {
            if (mutant.AsSpan().SequenceEqual(s))
            {
                return true;
            }
        }

        return false;
    }

    private static int Position(Xoshiro128 rng, byte[] m)
    {
        // Half of the positions in the header, table and first payloads, where a change is most telling.
        int structure = Math.Min(m.Length, 512);
        return rng.NextBit() ? (int)rng.NextBelow((uint)structure) : (int)rng.NextBelow((uint)m.Length);
    }

    private static byte InterestingByte(Xoshiro128 rng)
    {
        byte[] choices = { 0x00, 0xFF, 0x7F, 0x80, 0x01, 0x20, 0x7E };
        return rng.NextBit() ? choices[rng.NextBelow((uint)choices.Length)] : (byte)rng.NextUInt32();
    }

    private static int Pick(Xoshiro128 rng, double[] weights, double total)
    {
        double r = rng.NextUInt32() / 4294967296.0 * total;
        for (int i = 0; i < weights.Length; i++)
        {
            r -= weights[i];
            if (r < 0)
            {
                return i;
            }
        }

        return weights.Length - 1;
    }

    private static void Note(ImageFuzzResult result, string failure)
    {
        if (result.Failures.Count < 20)
        {
            result.Failures.Add(failure);
        }
    }
}
