// EdgeLearn.Parity: cross-target parity of every kernel.
//
// Runs every kernel (all KernelSet methods on the reference and on the selected host set, plus FixedPoint,
// Xoshiro128, Crc32, ActivationKernels, LookupTables and the static Binary/OuterProduct helpers) on inputs
// drawn from seeded Xoshiro128 streams, ragged shapes and extreme values included, and prints one line per
// kernel, "name crc32", the CRC-32 of the outputs serialised little-endian byte by byte. The first line is
// the only one that names the machine and the backend, so the x64 and linux-arm64 (Raspberry Pi) outputs
// must be identical from line 2 on:  diff <(tail -n +2 x64.txt) <(tail -n +2 arm64.txt)
//
// It ends with short EP training runs (TrainingCases) in every learner mode: their final weights must hash
// the same on every target, reference and host kernels alike.
//
// Usage: EdgeLearn.Parity            print the header and the hash lines
//        EdgeLearn.Parity --check    compare the outputs of every available host set with the reference
//                                    byte for byte; exit code 1 on any difference
using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using EdgeLearn.Kernels;
using EdgeLearn.Kernels.Host;

namespace EdgeLearn.Parity;

internal static class Program
{
    private static int Main(string[] args)
    {
        bool check = args.Length == 1 && args[0] == "--check";
        if (args.Length > 1 || (args.Length == 1 && !check))
        {
            Console.Error.WriteLine("usage: EdgeLearn.Parity [--check]");
            return 2;
        }

        KernelSet host = HostKernels.Best;
        var names = new List<string>();
        foreach (KernelSet set in HostKernels.Available)
        {
            names.Add(set.Name);
        }

        Console.WriteLine($"# parity arch={RuntimeInformation.ProcessArchitecture} host={host.Name} available={string.Join(",", names)}");
        return check ? Check() : Print(host);
    }

    private static int Print(KernelSet host)
    {
        foreach ((string name, Action<KernelSet, Output> run) in Cases.KernelSetCases())
        {
            Console.WriteLine($"KernelSet.{name}/reference {Hash(KernelSet.Reference, run)}");
            Console.WriteLine($"KernelSet.{name}/host {Hash(host, run)}");
        }

        foreach ((string name, Action<Output> run) in Cases.StaticCases())
        {
            var output = new Output();
            run(output);
            Console.WriteLine($"{name} {output.Crc:x8}");
        }

        foreach ((string name, Action<KernelSet, Output> run) in TrainingCases.Cases())
        {
            Console.WriteLine($"Training.{name}/reference {Hash(KernelSet.Reference, run)}");
            Console.WriteLine($"Training.{name}/host {Hash(host, run)}");
        }

        return 0;
    }

    private static int Check()
    {
        int failures = 0;
        int checks = 0;
        foreach (KernelSet set in HostKernels.Available)
        {
            if (ReferenceEquals(set, KernelSet.Reference))
            {
                continue;
            }

            foreach ((string name, Action<KernelSet, Output> run) in AllKernelSetCases())
            {
                var expected = new Output();
                run(KernelSet.Reference, expected);
                var actual = new Output();
                run(set, actual);
                int at = expected.FirstDifference(actual);
                checks++;
                if (at >= 0)
                {
                    failures++;
                    Console.WriteLine($"MISMATCH {set.Name} {name}: first differing output byte {at} of {expected.Length}");
                }
            }
        }

        Console.WriteLine($"check: {checks - failures} of {checks} kernel outputs identical to the reference");
        return failures == 0 ? 0 : 1;
    }

    private static IEnumerable<(string, Action<KernelSet, Output>)> AllKernelSetCases()
    {
        foreach (var c in Cases.KernelSetCases())
        {
            yield return c;
        }

        foreach (var c in TrainingCases.Cases())
        {
            yield return c;
        }
    }

    private static string Hash(KernelSet set, Action<KernelSet, Output> run)
    {
        var output = new Output();
        run(set, output);
        return output.Crc.ToString("x8");
    }
}

/// <summary>Kernel outputs as little-endian bytes (written explicitly, independent of the machine's byte order).</summary>
internal sealed class Output
{
    private readonly List<byte> _bytes = new();

    public int Length => _bytes.Count;

    public uint Crc
    {
        get
        {
            byte[] data = _bytes.ToArray();
            return Crc32.Compute(data, 0, data.Length);
        }
    }

    public void Add(int v)
    {
        _bytes.Add((byte)v);
        _bytes.Add((byte)(v >> 8));
        _bytes.Add((byte)(v >> 16));
        _bytes.Add((byte)(v >> 24));
    }

    public void Add(long v)
    {
        Add((int)v);
        Add((int)(v >> 32));
    }

    public void Add(uint v) => Add((int)v);

    public void Add(short v)
    {
        _bytes.Add((byte)v);
        _bytes.Add((byte)(v >> 8));
    }

    public void Add(bool v) => _bytes.Add(v ? (byte)1 : (byte)0);

    public void Add(int[] v)
    {
        foreach (int e in v)
        {
            Add(e);
        }
    }

    public void Add(uint[] v)
    {
        foreach (uint e in v)
        {
            Add(e);
        }
    }

    public void Add(short[] v)
    {
        foreach (short e in v)
        {
            Add(e);
        }
    }

    public void Add(sbyte[] v)
    {
        foreach (sbyte e in v)
        {
            _bytes.Add((byte)e);
        }
    }

    public void Add(byte[] v) => _bytes.AddRange(v);

    public int FirstDifference(Output other)
    {
        int n = Math.Min(_bytes.Count, other._bytes.Count);
        for (int i = 0; i < n; i++)
        {
            if (_bytes[i] != other._bytes[i])
            {
                return i;
            }
        }

        return _bytes.Count == other._bytes.Count ? -1 : n;
    }
}
