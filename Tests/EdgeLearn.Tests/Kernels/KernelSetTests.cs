// KernelSet.Reference dispatches to the static reference kernels: every virtual entry gives the same
// integers as the kernel it documents, on random ragged inputs with offsets.
using System;
using EdgeLearn.Kernels;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using static EdgeLearn.Tests.Kernels.WideReference;

namespace EdgeLearn.Tests.Kernels;

[TestClass]
public sealed class KernelSetTests
{
    [TestMethod]
    public void Reference_IsThePlainKernelSetNamedReference()
    {
        Assert.AreEqual(typeof(KernelSet), KernelSet.Reference.GetType());
        Assert.AreEqual("reference", KernelSet.Reference.Name);
    }

    /// <summary>Runs <paramref name="viaSet"/> and <paramref name="direct"/> on equal copies of the output and compares.</summary>
    private static void AssertSame<T>(T[] output, Action<T[]> viaSet, Action<T[]> direct, string what)
    {
        var a = (T[])output.Clone();
        var b = (T[])output.Clone();
        viaSet(a);
        direct(b);
        CollectionAssert.AreEqual(b, a, what);
        CollectionAssert.AreNotEqual(output, a, $"{what}: the inputs were meant to change the output");
    }

    [TestMethod]
    [DataRow(1)]
    [DataRow(33)]
    [DataRow(65)]
    public void Reference_EveryEntry_MatchesStaticKernel(int cols)
    {
        var rng = new Random(900 + cols);
        var set = KernelSet.Reference;
        const int Rows = 5;
        int words = (cols + 31) / 32;
        sbyte[] w8 = RandomS8(rng, 2 + Rows * cols);
        short[] w16 = RandomS16(rng, 2 + Rows * cols);
        uint[] wb = RandomU32(rng, 2 + Rows * words);
        short[] x = RandomS16(rng, 3 + Math.Max(Rows, cols));
        short[] x2 = RandomS16(rng, 3 + Math.Max(Rows, cols));
        short[] b = RandomS16(rng, 3 + cols);
        short[] b2 = RandomS16(rng, 3 + cols);
        uint[] h = RandomU32(rng, 3 + words);
        foreach (short[] v in new[] { x, x2, b, b2 })
        {
            // No zero factors, so every kernel below really changes its output.
            for (int i = 0; i < v.Length; i++)
            {
                v[i] = v[i] == 0 ? (short)3 : v[i];
            }
        }

        int[] y = RandomS32(rng, 3 + Math.Max(Rows, cols));
        int[] acc32 = RandomS32(rng, 2 + Rows * cols);
        short[] acc16 = RandomS16(rng, 2 + Rows * cols);
        sbyte[] acc8 = RandomS8(rng, 2 + Rows * cols);

        AssertSame(y, o => set.MatVecS8S32(w8, 1, x, 2, Rows, cols, o, 1), o => DenseKernels.MatVecS8S32(w8, 1, x, 2, Rows, cols, o, 1), "MatVecS8S32");
        AssertSame(y, o => set.MatVecTransposedS8S32(w8, 1, x, 2, Rows, cols, o, 1), o => DenseKernels.MatVecTransposedS8S32(w8, 1, x, 2, Rows, cols, o, 1), "MatVecTransposedS8S32");
        AssertSame(y, o => set.MatVecS16S32(w16, 1, x, 2, Rows, cols, o, 1), o => DenseKernels.MatVecS16S32(w16, 1, x, 2, Rows, cols, o, 1), "MatVecS16S32");
        AssertSame(y, o => set.MatVecTransposedS16S32(w16, 1, x, 2, Rows, cols, o, 1), o => DenseKernels.MatVecTransposedS16S32(w16, 1, x, 2, Rows, cols, o, 1), "MatVecTransposedS16S32");
        AssertSame(y, o => set.SignMatVecB1S32(wb, 1, x, 2, Rows, cols, o, 1), o => BinaryKernels.SignMatVecB1S32(wb, 1, x, 2, Rows, cols, o, 1), "SignMatVecB1S32");
        AssertSame(y, o => set.SignMatVecTransposedB1S32(wb, 1, x, 2, Rows, cols, o, 1), o => BinaryKernels.SignMatVecTransposedB1S32(wb, 1, x, 2, Rows, cols, o, 1), "SignMatVecTransposedB1S32");
        AssertSame(y, o => set.XnorPopcountB1S32(wb, 1, h, 2, Rows, cols, o, 1), o => BinaryKernels.XnorPopcountB1S32(wb, 1, h, 2, Rows, cols, o, 1), "XnorPopcountB1S32");
        AssertSame(y, o => set.SignMatVecB1U1(wb, 1, h, 2, Rows, cols, o, 1), o => BinaryKernels.SignMatVecB1U1(wb, 1, h, 2, Rows, cols, o, 1), "SignMatVecB1U1");
        AssertSame(y, o => set.SignMatVecTransposedB1U1(wb, 1, h, 2, Rows, cols, o, 1), o => BinaryKernels.SignMatVecTransposedB1U1(wb, 1, h, 2, Rows, cols, o, 1), "SignMatVecTransposedB1U1");
        AssertSame(acc32, o => set.OuterProductAccumulateS32(o, 1, x, 2, Rows, b, 1, cols, 3), o => OuterProductKernels.OuterProductAccumulateS32(o, 1, x, 2, Rows, b, 1, cols, 3), "OuterProductAccumulateS32");
        AssertSame(acc32, o => set.ContrastiveOuterAccumulateS32(o, 1, x, x2, 2, Rows, b, b2, 1, cols, 3), o => OuterProductKernels.ContrastiveOuterAccumulateS32(o, 1, x, x2, 2, Rows, b, b2, 1, cols, 3), "ContrastiveOuterAccumulateS32");
        AssertSame(acc16, o => set.ContrastiveOuterAccumulateS16(o, 1, x, x2, 2, Rows, b, b2, 1, cols, 12), o => OuterProductKernels.ContrastiveOuterAccumulateS16(o, 1, x, x2, 2, Rows, b, b2, 1, cols, 12), "ContrastiveOuterAccumulateS16");
        AssertSame(acc8, o => set.ContrastiveOuterAccumulateS8(o, 1, x, x2, 2, Rows, b, b2, 1, cols, 20), o => OuterProductKernels.ContrastiveOuterAccumulateS8(o, 1, x, x2, 2, Rows, b, b2, 1, cols, 20), "ContrastiveOuterAccumulateS8");
    }
}
