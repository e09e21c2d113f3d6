// Kernels never allocate: 1,000 calls of every reference kernel (and of every KernelSet.Reference entry)
// after a warm-up add 0 bytes to GC.GetAllocatedBytesForCurrentThread (see AllocationMeter).
using System;
using System.Collections.Generic;
using EdgeLearn.Kernels;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using static EdgeLearn.Tests.Kernels.WideReference;
using EdgeLearn.Tests.Support;

namespace EdgeLearn.Tests.Kernels;

[TestClass]
public sealed class KernelAllocationTests
{
    private const int Calls = 1000;

    // Results go to static fields so the calls cannot be optimised away.
    private static long _sinkLong;
    private static int _sinkInt;

    private static readonly Random Rng = new(801);
    private static readonly sbyte[] W8 = RandomS8(Rng, 4 * 65 + 2);
    private static readonly short[] W16 = RandomS16(Rng, 4 * 65 + 2);
    private static readonly uint[] Wb = RandomU32(Rng, 4 * 3 + 2);
    private static readonly short[] X = RandomS16(Rng, 70);
    private static readonly short[] X2 = RandomS16(Rng, 70);
    private static readonly short[] B = RandomS16(Rng, 70);
    private static readonly short[] B2 = RandomS16(Rng, 70);
    private static readonly uint[] Hb = RandomU32(Rng, 4);
    private static readonly int[] Y = new int[70];
    private static readonly int[] Acc32 = new int[4 * 65 + 2];
    private static readonly short[] Acc16 = new short[4 * 65 + 2];
    private static readonly sbyte[] Acc8 = new sbyte[4 * 65 + 2];
    private static readonly short[] S = new short[70];
    private static readonly int[] Indices = new int[10];
    private static readonly byte[] Bytes = new byte[100];
    private static readonly Xoshiro128 Generator = new(1, 0);

    private static Action KernelCall(string kernel)
    {
        // Shapes: 4 x 65 matrices (three words per packed row), offsets of 1 everywhere.
        var set = KernelSet.Reference;
        return kernel switch
        {
            "FixedPoint" => () => _sinkLong = FixedPoint.RoundingShiftRight(_sinkInt | 12345, 3) + FixedPoint.RoundingShiftRight((long)_sinkInt << 20, 17)
                + FixedPoint.SaturateToS32(_sinkLong) + FixedPoint.SaturateToS16(_sinkInt) + FixedPoint.SaturateToS8(_sinkInt) + FixedPoint.SaturateToU8(_sinkInt)
                + FixedPoint.SaturateToQ15(_sinkInt) + FixedPoint.AddSaturate(_sinkInt, 7) + FixedPoint.Requantize(_sinkInt, 1 << 20, 21)
                + FixedPoint.UnitByteToQ15((byte)_sinkInt) + FixedPoint.Q15ToQ8((short)_sinkInt),
            "Xoshiro128" => () => _sinkLong = Generator.NextUInt32() + Generator.NextBelow(1000) + Generator.NextGaussianQ16() + (Generator.NextBit() ? 1 : 0),
            "Crc32" => () => _sinkLong = Crc32.Compute(Bytes, 1, 90) ^ Crc32.Update(0xFFFFFFFFu, Bytes, 3, 40),
            "MatVecS8S32" => () => DenseKernels.MatVecS8S32(W8, 1, X, 1, 4, 65, Y, 1),
            "MatVecTransposedS8S32" => () => DenseKernels.MatVecTransposedS8S32(W8, 1, X, 1, 4, 65, Y, 1),
            "MatVecS16S32" => () => DenseKernels.MatVecS16S32(W16, 1, X, 1, 4, 65, Y, 1),
            "MatVecTransposedS16S32" => () => DenseKernels.MatVecTransposedS16S32(W16, 1, X, 1, 4, 65, Y, 1),
            "BitHelpers" => () =>
            {
                BinaryKernels.SetBit(Wb, 1, 65, 2, 40, !BinaryKernels.GetBit(Wb, 1, 65, 2, 40));
                _sinkInt = BinaryKernels.PopCount(Wb[3]) + BinaryKernels.WordsPerRow(65) + (int)BinaryKernels.LastWordMask(65);
            },
            "SignMatVecB1S32" => () => BinaryKernels.SignMatVecB1S32(Wb, 1, X, 1, 4, 65, Y, 1),
            "SignMatVecTransposedB1S32" => () => BinaryKernels.SignMatVecTransposedB1S32(Wb, 1, X, 1, 4, 65, Y, 1),
            "XnorPopcountB1S32" => () => BinaryKernels.XnorPopcountB1S32(Wb, 1, Hb, 1, 4, 65, Y, 1),
            "SignMatVecB1U1" => () => BinaryKernels.SignMatVecB1U1(Wb, 1, Hb, 1, 4, 65, Y, 1),
            "SignMatVecTransposedB1U1" => () => BinaryKernels.SignMatVecTransposedB1U1(Wb, 1, Hb, 1, 4, 65, Y, 1),
            "HeavisidePackU1" => () => BinaryKernels.HeavisidePackU1(X, 1, 65, 0, Hb, 1),
            "OuterProductAccumulateS32" => () => OuterProductKernels.OuterProductAccumulateS32(Acc32, 1, X, 1, 4, B, 1, 65, 8),
            "ContrastiveOuterAccumulateS32" => () => OuterProductKernels.ContrastiveOuterAccumulateS32(Acc32, 1, X, X2, 1, 4, B, B2, 1, 65, 8),
            "ContrastiveOuterAccumulateS16" => () => OuterProductKernels.ContrastiveOuterAccumulateS16(Acc16, 1, X, X2, 1, 4, B, B2, 1, 65, 8),
            "ContrastiveOuterAccumulateS8" => () => OuterProductKernels.ContrastiveOuterAccumulateS8(Acc8, 1, X, X2, 1, 4, B, B2, 1, 65, 8),
            "Leak" => () =>
            {
                OuterProductKernels.LeakS32(Acc32, 1, 260, 4);
                OuterProductKernels.LeakS16(Acc16, 1, 260, 4);
                OuterProductKernels.LeakS8(Acc8, 1, 260, 4);
            },
            "HardSigmoidQ15" => () => ActivationKernels.HardSigmoidQ15(Y, 1, 65, 3, 2, S, 1),
            "ReluS32" => () => ActivationKernels.ReluS32(Y, 1, 65),
            "ArgMax" => () => _sinkInt = ActivationKernels.ArgMaxS32(Y, 1, 65) + ActivationKernels.ArgMaxS16(X, 1, 65),
            "TopKS32" => () => ActivationKernels.TopKS32(Y, 1, 65, 8, Indices, 1),
            "SqrtU64" => () => _sinkLong = ActivationKernels.SqrtU64((ulong)_sinkLong * 2654435761UL),
            "LookupTables" => () => _sinkInt = LookupTables.LogisticQ15(_sinkInt & 0xFFFF) + LookupTables.SoftplusQ12(-(_sinkInt & 0xFFFF)),
            "KernelSet.Reference" => () =>
            {
                set.MatVecS8S32(W8, 1, X, 1, 4, 65, Y, 1);
                set.MatVecTransposedS8S32(W8, 1, X, 1, 4, 65, Y, 1);
                set.MatVecS16S32(W16, 1, X, 1, 4, 65, Y, 1);
                set.MatVecTransposedS16S32(W16, 1, X, 1, 4, 65, Y, 1);
                set.SignMatVecB1S32(Wb, 1, X, 1, 4, 65, Y, 1);
                set.SignMatVecTransposedB1S32(Wb, 1, X, 1, 4, 65, Y, 1);
                set.XnorPopcountB1S32(Wb, 1, Hb, 1, 4, 65, Y, 1);
                set.SignMatVecB1U1(Wb, 1, Hb, 1, 4, 65, Y, 1);
                set.SignMatVecTransposedB1U1(Wb, 1, Hb, 1, 4, 65, Y, 1);
                set.OuterProductAccumulateS32(Acc32, 1, X, 1, 4, B, 1, 65, 8);
                set.ContrastiveOuterAccumulateS32(Acc32, 1, X, X2, 1, 4, B, B2, 1, 65, 8);
                set.ContrastiveOuterAccumulateS16(Acc16, 1, X, X2, 1, 4, B, B2, 1, 65, 8);
                set.ContrastiveOuterAccumulateS8(Acc8, 1, X, X2, 1, 4, B, B2, 1, 65, 8);
            },
            _ => throw new ArgumentOutOfRangeException(nameof(kernel), kernel, "no such kernel in this test"),
        };
    }

    [TestMethod]
    [DataRow("FixedPoint")]
    [DataRow("Xoshiro128")]
    [DataRow("Crc32")]
    [DataRow("MatVecS8S32")]
    [DataRow("MatVecTransposedS8S32")]
    [DataRow("MatVecS16S32")]
    [DataRow("MatVecTransposedS16S32")]
    [DataRow("BitHelpers")]
    [DataRow("SignMatVecB1S32")]
    [DataRow("SignMatVecTransposedB1S32")]
    [DataRow("XnorPopcountB1S32")]
    [DataRow("SignMatVecB1U1")]
    [DataRow("SignMatVecTransposedB1U1")]
    [DataRow("HeavisidePackU1")]
    [DataRow("OuterProductAccumulateS32")]
    [DataRow("ContrastiveOuterAccumulateS32")]
    [DataRow("ContrastiveOuterAccumulateS16")]
    [DataRow("ContrastiveOuterAccumulateS8")]
    [DataRow("Leak")]
    [DataRow("HardSigmoidQ15")]
    [DataRow("ReluS32")]
    [DataRow("ArgMax")]
    [DataRow("TopKS32")]
    [DataRow("SqrtU64")]
    [DataRow("LookupTables")]
    [DataRow("KernelSet.Reference")]
    public void Kernel_ThousandCallsAfterWarmUp_AllocateZeroBytes(string kernel)
    {
        Action call = KernelCall(kernel);
        for (int i = 0; i < Calls; i++)
        {
            call();
        }

        long allocated = AllocationMeter.FewestBytesPerRound(() =>
        {
            for (int i = 0; i < Calls; i++)
            {
                call();
            }
        });
        Assert.AreEqual(0L, allocated, $"{kernel} allocated {allocated} bytes in {Calls} calls");
    }

    [TestMethod]
    public void Kernel_AllocatingCall_IsDetected()
    {
        // The measurement itself must be able to fail: a call that allocates in every round is seen.
        var keep = new List<int[]>();
        long allocated = AllocationMeter.FewestBytesPerRound(() =>
        {
            keep.Clear();
            for (int i = 0; i < Calls; i++)
            {
                keep.Add(new int[4]);
            }
        });

        Assert.IsGreaterThan(Calls * 16L, allocated);
        Assert.HasCount(Calls, keep);
    }
}
