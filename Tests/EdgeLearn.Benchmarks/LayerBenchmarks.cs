// LayerBenchmarks: reference against the fastest host kernel set on one 784x256 layer (784 inputs, 256
// outputs): forward matvecs (s8, b1), their transposes (the backward direction), XNOR-popcount and the
// outer-product accumulate of a learning step. Each category pairs the reference (baseline) with the host
// set; Program prints MAC/s and the fraction of the measured peak after the run.
using System;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using EdgeLearn.Kernels;
using EdgeLearn.Kernels.Host;

namespace EdgeLearn.Benchmarks;

[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class LayerBenchmarks
{
    public const int Inputs = 784;
    public const int Outputs = 256;

    /// <summary>Right shift of the outer-product benchmark: keeps per-call deltas small so nothing saturates.</summary>
    private const int OuterShift = 24;

    private readonly KernelSet _reference = KernelSet.Reference;
    private readonly KernelSet _host = HostKernels.Fastest;
    private sbyte[] _w8 = Array.Empty<sbyte>();       // Outputs x Inputs, row-major
    private uint[] _wBits = Array.Empty<uint>();      // Outputs x WordsPerRow(Inputs)
    private short[] _x = Array.Empty<short>();        // Inputs
    private short[] _g = Array.Empty<short>();        // Outputs (a gradient or error signal)
    private uint[] _xBits = Array.Empty<uint>();      // WordsPerRow(Inputs)
    private int[] _yOut = Array.Empty<int>();         // Outputs
    private int[] _yIn = Array.Empty<int>();          // Inputs
    private int[] _acc = Array.Empty<int>();          // Outputs x Inputs

    public static string HostName => HostKernels.Fastest.Name;

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Xoshiro128(2024, 1);
        int words = BinaryKernels.WordsPerRow(Inputs);
        _w8 = new sbyte[Outputs * Inputs];
        _wBits = new uint[Outputs * words];
        _x = new short[Inputs];
        _g = new short[Outputs];
        _xBits = new uint[words];
        _yOut = new int[Outputs];
        _yIn = new int[Inputs];
        _acc = new int[Outputs * Inputs];
        for (int i = 0; i < _w8.Length; i++)
        {
            _w8[i] = (sbyte)rng.NextUInt32();
        }

        for (int i = 0; i < _wBits.Length; i++)
        {
            _wBits[i] = rng.NextUInt32();
        }

        for (int i = 0; i < _x.Length; i++)
        {
            _x[i] = (short)(rng.NextUInt32() >> 17); // Q0.15 states in [0, 32767]
        }

        for (int i = 0; i < _g.Length; i++)
        {
            _g[i] = (short)rng.NextUInt32();
        }

        for (int i = 0; i < _xBits.Length; i++)
        {
            _xBits[i] = rng.NextUInt32();
        }
    }

    [Benchmark(Baseline = true), BenchmarkCategory("MatVecS8S32")]
    public void MatVecS8S32_Reference() => MatVecS8S32(_reference);

    [Benchmark, BenchmarkCategory("MatVecS8S32")]
    public void MatVecS8S32_Host() => MatVecS8S32(_host);

    [Benchmark(Baseline = true), BenchmarkCategory("SignMatVecB1S32")]
    public void SignMatVecB1S32_Reference() => SignMatVecB1S32(_reference);

    [Benchmark, BenchmarkCategory("SignMatVecB1S32")]
    public void SignMatVecB1S32_Host() => SignMatVecB1S32(_host);

    [Benchmark(Baseline = true), BenchmarkCategory("MatVecTransposedS8S32")]
    public void MatVecTransposedS8S32_Reference() => MatVecTransposedS8S32(_reference);

    [Benchmark, BenchmarkCategory("MatVecTransposedS8S32")]
    public void MatVecTransposedS8S32_Host() => MatVecTransposedS8S32(_host);

    [Benchmark(Baseline = true), BenchmarkCategory("SignMatVecTransposedB1S32")]
    public void SignMatVecTransposedB1S32_Reference() => SignMatVecTransposedB1S32(_reference);

    [Benchmark, BenchmarkCategory("SignMatVecTransposedB1S32")]
    public void SignMatVecTransposedB1S32_Host() => SignMatVecTransposedB1S32(_host);

    [Benchmark(Baseline = true), BenchmarkCategory("XnorPopcountB1S32")]
    public void XnorPopcountB1S32_Reference() => XnorPopcountB1S32(_reference);

    [Benchmark, BenchmarkCategory("XnorPopcountB1S32")]
    public void XnorPopcountB1S32_Host() => XnorPopcountB1S32(_host);

    [Benchmark(Baseline = true), BenchmarkCategory("OuterProductAccumulateS32")]
    public void OuterProductAccumulateS32_Reference() => OuterProductAccumulateS32(_reference);

    [Benchmark, BenchmarkCategory("OuterProductAccumulateS32")]
    public void OuterProductAccumulateS32_Host() => OuterProductAccumulateS32(_host);

    private void MatVecS8S32(KernelSet set)
    {
        Array.Clear(_yOut);
        set.MatVecS8S32(_w8, 0, _x, 0, Outputs, Inputs, _yOut, 0);
    }

    private void SignMatVecB1S32(KernelSet set)
    {
        Array.Clear(_yOut);
        set.SignMatVecB1S32(_wBits, 0, _x, 0, Outputs, Inputs, _yOut, 0);
    }

    private void MatVecTransposedS8S32(KernelSet set)
    {
        Array.Clear(_yIn);
        set.MatVecTransposedS8S32(_w8, 0, _g, 0, Outputs, Inputs, _yIn, 0);
    }

    private void SignMatVecTransposedB1S32(KernelSet set)
    {
        Array.Clear(_yIn);
        set.SignMatVecTransposedB1S32(_wBits, 0, _g, 0, Outputs, Inputs, _yIn, 0);
    }

    private void XnorPopcountB1S32(KernelSet set)
    {
        Array.Clear(_yOut);
        set.XnorPopcountB1S32(_wBits, 0, _xBits, 0, Outputs, Inputs, _yOut, 0);
    }

    private void OuterProductAccumulateS32(KernelSet set)
    {
        set.OuterProductAccumulateS32(_acc, 0, _g, 0, Outputs, _x, 0, Inputs, OuterShift);
    }
}
