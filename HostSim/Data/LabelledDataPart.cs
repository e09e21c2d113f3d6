// LabelledDataPart: one part (train or test) of a labelled data set, held in memory as grey levels.
//
// Shapes (N = Count, D = Dimension):
//   Inputs  byte[N * D]  sample i occupies Inputs[i*D .. i*D + D), grey levels 0..255 (0 = black / absent)
//   Labels  byte[N]      class index of sample i, 0 .. ClassCount-1 (checked by LabelledDataSet)
// Grey levels stay bytes here; the runtime scales them into its fixed-point format with one shared
// kernel (FixedPoint.UnitByteToQ15), so every learner sees identical inputs.
using System;

namespace EdgeLearn.HostSim.Data;

/// <summary>One part (train or test) of a labelled data set: N samples of D grey levels and N labels.</summary>
public sealed class LabelledDataPart
{
    /// <summary>Wraps the arrays without copying them; they must not be changed afterwards.</summary>
    /// <param name="partName">"train" or "test" (any non-empty name is accepted).</param>
    /// <param name="inputs">Flat row-major grey levels, length count * <paramref name="dimension"/>.</param>
    /// <param name="labels">One class index per sample.</param>
    /// <param name="dimension">Grey levels per sample, at least 1.</param>
    public LabelledDataPart(string partName, byte[] inputs, byte[] labels, int dimension)
    {
        ArgumentException.ThrowIfNullOrEmpty(partName);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(labels);
        if (dimension < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(dimension), dimension, "The input dimension must be at least 1.");
        }

        if ((long)labels.Length * dimension != inputs.Length)
        {
            throw new ArgumentException(
                $"Part '{partName}': {labels.Length} labels of dimension {dimension} need {(long)labels.Length * dimension} input bytes, got {inputs.Length}.",
                nameof(inputs));
        }

        PartName = partName;
        Inputs = inputs;
        Labels = labels;
        Dimension = dimension;
    }

    /// <summary>"train" or "test".</summary>
    public string PartName { get; }

    /// <summary>Number of samples N.</summary>
    public int Count => Labels.Length;

    /// <summary>Grey levels per sample D.</summary>
    public int Dimension { get; }

    /// <summary>Grey levels, byte[N * D], sample i at offset i * D.</summary>
    public byte[] Inputs { get; }

    /// <summary>Class indices, byte[N].</summary>
    public byte[] Labels { get; }

    /// <summary>Offset of sample <paramref name="index"/> in <see cref="Inputs"/> (for kernels taking array + offset).</summary>
    public int GetInputOffset(int index)
    {
        CheckIndex(index);
        return index * Dimension;
    }

    /// <summary>The D grey levels of sample <paramref name="index"/>.</summary>
    public ReadOnlySpan<byte> GetInput(int index)
    {
        CheckIndex(index);
        return new ReadOnlySpan<byte>(Inputs, index * Dimension, Dimension);
    }

    /// <summary>Copy holding the first min(<paramref name="count"/>, N) samples, in order.</summary>
    public LabelledDataPart Take(int count)
    {
        if (count < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, "A sample limit must be at least 1.");
        }

        if (count >= Count)
        {
            return this;
        }

        var inputs = new byte[count * Dimension];
        Array.Copy(Inputs, inputs, inputs.Length);
        var labels = new byte[count];
        Array.Copy(Labels, labels, count);
        return new LabelledDataPart(PartName, inputs, labels, Dimension);
    }

    private void CheckIndex(int index)
    {
        if ((uint)index >= (uint)Count)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"Part '{PartName}' has {Count} samples.");
        }
    }
}
