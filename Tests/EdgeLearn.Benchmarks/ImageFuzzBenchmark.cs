// ImageFuzzBenchmark: the long robustness run of model images and checkpoints (not a BenchmarkDotNet timing).
//   dotnet run -c Release --project Tests/EdgeLearn.Benchmarks -- --fuzz-images 100000 [--seed S]
// 1. mutation fuzzing of the reader: N seeded mutants (raw, header-resealed, fully-resealed) of the fuzz corpus,
//    including the 784-256-10 b1 inference image; prints mutants, crashes, corrupt images accepted, resealed
//    images accepted (canonical / forward-compatible / ill-formed), refusals by check, time;
// 2. power-cut sweep of a checkpoint commit at every operation byte, both cut modes, for histories of 0, 1 and 2
//    earlier checkpoints; prints cut points, recoveries (previous / new / nothing), follow-up commits, failures;
// 3. the size of the 784-256-10 b1 inference image.
// Exit code 0 when there are no crashes, no corrupt or ill-formed image accepted and no failed recovery.
using System;
using System.Globalization;
using EdgeLearn.HostSim.Images;
using EdgeLearn.Runtime.Images;
using EdgeLearn.Runtime.Models;

namespace EdgeLearn.Benchmarks;

internal static class ImageFuzzBenchmark
{
    public const string Switch = "--fuzz-images";

    public static int Run(string[] args)
    {
        long mutants = 100_000;
        uint seed = 1;
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == Switch && i + 1 < args.Length && long.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out long n) && n > 0)
            {
                mutants = n;
                i++;
            }
            else if (args[i] == "--seed" && i + 1 < args.Length && uint.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out uint s))
            {
                seed = s;
                i++;
            }
            else if (args[i] != Switch)
            {
                Console.Error.WriteLine($"usage: {Switch} N [--seed S]   (unexpected '{args[i]}')");
                return 2;
            }
        }

        var inv = CultureInfo.InvariantCulture;
        byte[][] corpus = ImageFuzzCorpus.Create(includeLarge: true);
        Console.WriteLine($"Model-image fuzzing: {mutants.ToString("N0", inv)} mutants, seed {seed}, corpus of {corpus.Length} images ({string.Join(", ", Array.ConvertAll(corpus, c => c.Length.ToString(inv)))} bytes)");
        ImageFuzzResult f = ImageMutationFuzzer.Run(corpus, mutants, seed, ImageLimits.Default);
        Console.WriteLine($"  mutants tried         {f.Mutants.ToString("N0", inv)} (raw {f.MutantsByFamily[0].ToString("N0", inv)}, header-resealed {f.MutantsByFamily[1].ToString("N0", inv)}, fully-resealed {f.MutantsByFamily[2].ToString("N0", inv)})");
        Console.WriteLine($"  crashes               {f.Crashes}");
        Console.WriteLine($"  corrupt accepted      {f.CorruptAccepted}   (raw mutants the reader accepted)");
        Console.WriteLine($"  ill-formed accepted   {f.NonCanonicalAccepted}   (resealed mutants accepted that do not re-export to the same bytes)");
        Console.WriteLine($"  resealed accepted     {f.ResealedAcceptedCanonical} well-formed (re-export identical), {f.ResealedAcceptedForwardCompatible} forward-compatible (newer minor version or skipped optional section)");
        Console.WriteLine($"  time                  {f.Elapsed.TotalSeconds.ToString("F1", inv)} s ({(f.Mutants / f.Elapsed.TotalSeconds).ToString("N0", inv)} mutants/s, one thread)");
        Console.WriteLine("  refusals by check:");
        foreach (var pair in f.Refusals)
        {
            Console.WriteLine($"    {ImageError.CodeName(pair.Key),-22} {pair.Value.ToString("N0", inv),9}");
        }

        foreach (string failure in f.Failures)
        {
            Console.WriteLine($"  FAILURE: {failure}");
        }

        Console.WriteLine();
        Console.WriteLine("Checkpoint power-cut sweep: a cut at every operation byte (erase + program) of one commit, stop and tear modes");
        var learner = ImageFuzzCorpus.Train(new[] { 32, 24, 4 }, 1, WeightFormat.B1, ActivationFormat.MultiBit, 16, seed);
        var states = new byte[4][];
        var x = new short[32];
        for (int k = 0; k < states.Length; k++)
        {
            states[k] = EquilibriumPropagationImage.WriteFull(learner, null);
            x[k] = 20000;
            learner.TrainSample(x, 0, k % 4);
        }

        long cuts = 0;
        long failures = 0;
        for (int history = 0; history <= 2; history++)
        {
            PowerCutSweepResult p = PowerCutSweep.Run(256, 32, states[..history], states[history], states[3], seed);
            cuts += p.CutsTried;
            failures += p.Failures;
            Console.WriteLine($"  history {history}: image {states[history].Length} bytes, {p.OperationBytesPerCommit.ToString("N0", inv)} operation bytes per commit, {p.CutsTried.ToString("N0", inv)} cuts: "
                + $"recovered previous {p.RecoveredPrevious.ToString("N0", inv)}, new {p.RecoveredNew}, nothing {p.RecoveredNothing.ToString("N0", inv)}; follow-up commits verified {p.FollowUpsVerified.ToString("N0", inv)}; failures {p.Failures}; {p.Elapsed.TotalSeconds.ToString("F1", inv)} s");
            foreach (string failure in p.FailureDescriptions)
            {
                Console.WriteLine($"    FAILURE: {failure}");
            }
        }

        Console.WriteLine($"  total: {cuts.ToString("N0", inv)} cuts, {failures} failures");
        Console.WriteLine();
        byte[] large = ImageFuzzCorpus.LargeInferenceImage(1);
        Console.WriteLine($"784-256-10 b1 inference image (with run metadata): {large.Length.ToString("N0", inv)} bytes (budget 28,672)");
        return f.FailureCount == 0 && failures == 0 && large.Length <= 28 * 1024 ? 0 : 1;
    }
}
