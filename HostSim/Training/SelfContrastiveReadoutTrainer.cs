// SelfContrastiveReadoutTrainer: trains and evaluates a readout on frozen features, for the fixed-point readout
// (FixedPointReadout) and its float64 oracle alike, so both see the same labelled subset, order and schedule.
//
// Labelled subset: the first ceil(fraction N) indices of a Fisher-Yates permutation of the training part drawn
// from Xoshiro128(seed, LabelStream); the readout never sees the other labels. Per readout epoch the subset is
// shuffled with Xoshiro128(seed, ReadoutOrderStream). Schedule (the authors' readout schedule, in powers of two): the
// rate 2^-p0 halves at 20, 35, 50, 60, 70, 80 and 90 % of the readout epochs, so the last epochs average out the noise
// of the one-sample steps. Features are computed once per sample and
// cached (they are deterministic: no views at readout time), which is a host convenience: a device computes them
// on the fly with the same integers.
using System;
using System.Diagnostics;
using EdgeLearn.HostSim.Cli;
using EdgeLearn.Kernels;

namespace EdgeLearn.HostSim.Training;

/// <summary>What one readout run measured.</summary>
public sealed class ReadoutRunResult
{
    /// <summary>Test accuracy after the last readout epoch.</summary>
    public required double TestAccuracy { get; init; }

    /// <summary>Accuracy on the labelled samples during the last epoch (predictions before each step).</summary>
    public required double TrainAccuracy { get; init; }

    /// <summary>Seconds spent computing features (train and test).</summary>
    public required double FeatureSeconds { get; init; }

    /// <summary>Seconds spent in readout steps.</summary>
    public required double TrainSeconds { get; init; }

    /// <summary>Microseconds per test sample: features and readout prediction.</summary>
    public required double InferMicrosecondsPerSample { get; init; }

    /// <summary>Bytes allocated per readout train step (after the first epoch).</summary>
    public required double AllocatedBytesPerTrainStep { get; init; }
}

/// <summary>Labelled-subset selection and the readout epoch loop.</summary>
public static class SelfContrastiveReadoutTrainer
{
    /// <summary>Stream of the labelled-subset permutation.</summary>
    public const uint LabelStream = 6;

    /// <summary>Stream of the readout's per-epoch order.</summary>
    public const uint ReadoutOrderStream = 7;

    /// <summary>Indices of the labelled training samples: ceil(fraction N) of a seeded permutation, at least one.</summary>
    public static int[] LabelledSubset(int trainCount, double fraction, uint seed)
    {
        if (!(fraction > 0 && fraction <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(fraction), fraction, "The labels fraction must be in (0, 1].");
        }

        var order = new int[trainCount];
        for (int i = 0; i < trainCount; i++)
        {
            order[i] = i;
        }

        SupervisedTrainingLoop.Shuffle(order, new Xoshiro128(seed, LabelStream));
        int k = Math.Max(1, (int)Math.Ceiling(fraction * trainCount - 1e-9));
        return order[..Math.Min(k, trainCount)];
    }

    /// <summary>Fractions of the readout epochs at which the rate halves (the authors' readout schedule).</summary>
    public static readonly double[] HalvingFractions = { 0.2, 0.35, 0.5, 0.6, 0.7, 0.8, 0.9 };

    /// <summary>
    /// Rate shift of epoch <paramref name="epoch"/> (0-based) of <paramref name="epochs"/>: the base shift plus one for
    /// every halving point floor(fraction E) at or before the epoch.
    /// </summary>
    public static int ShiftForEpoch(int baseShift, int epoch, int epochs)
    {
        int shift = baseShift;
        foreach (double f in HalvingFractions)
        {
            int at = (int)(f * epochs);
            if (at > 0 && epoch >= at)
            {
                shift++;
            }
        }

        return shift;
    }

    /// <summary>
    /// Generic loop: <paramref name="computeTrain"/>(k) caches the features of labelled sample k (index into
    /// the labelled subset), <paramref name="computeTest"/>(i) those of test sample i; <paramref name="setShift"/>
    /// sets the epoch's rate shift; <paramref name="train"/>(k) trains on cached sample k and says whether the prediction
    /// before the step was right; <paramref name="test"/>(i) says whether test sample i is classified right.
    /// </summary>
    public static ReadoutRunResult Run(
        string title,
        IRunConsole console,
        uint seed,
        int epochs,
        int baseShift,
        int labelledCount,
        int testCount,
        Action<int> computeTrain,
        Action<int> computeTest,
        Action<int> setShift,
        Func<int, bool> train,
        Func<int, bool> test)
    {
        console.Info(title);
        long start = Stopwatch.GetTimestamp();
        for (int k = 0; k < labelledCount; k++)
        {
            computeTrain(k);
        }

        long testStart = Stopwatch.GetTimestamp();
        for (int i = 0; i < testCount; i++)
        {
            computeTest(i);
        }

        long testTicks = Stopwatch.GetTimestamp() - testStart;
        double featureSeconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        var order = new int[labelledCount];
        for (int k = 0; k < labelledCount; k++)
        {
            order[k] = k;
        }

        var rng = new Xoshiro128(seed, ReadoutOrderStream);
        long trainTicks = 0;
        long allocated = 0;
        long measured = 0;
        double trainAccuracy = 0;
        for (int e = 0; e < epochs; e++)
        {
            SupervisedTrainingLoop.Shuffle(order, rng);
            setShift(ShiftForEpoch(baseShift, e, epochs));
            int right = 0;
            long t0 = Stopwatch.GetTimestamp();
            for (int k = 0; k < labelledCount; k++)
            {
                long before = GC.GetAllocatedBytesForCurrentThread();
                if (train(order[k]))
                {
                    right++;
                }

                long after = GC.GetAllocatedBytesForCurrentThread();
                if (e > 0)
                {
                    allocated += after - before;
                    measured++;
                }
            }

            trainTicks += Stopwatch.GetTimestamp() - t0;
            trainAccuracy = right / (double)labelledCount;
        }

        long evalStart = Stopwatch.GetTimestamp();
        int correct = 0;
        for (int i = 0; i < testCount; i++)
        {
            if (test(i))
            {
                correct++;
            }
        }

        long evalTicks = Stopwatch.GetTimestamp() - evalStart;
        double accuracy = testCount == 0 ? 0 : correct / (double)testCount;
        console.Info($"  readout: {epochs} epoch(s) on {labelledCount} labelled samples, train {trainAccuracy:P2}, test {accuracy:P2}");
        return new ReadoutRunResult
        {
            TestAccuracy = accuracy,
            TrainAccuracy = trainAccuracy,
            FeatureSeconds = featureSeconds,
            TrainSeconds = trainTicks / (double)Stopwatch.Frequency,
            InferMicrosecondsPerSample = testCount == 0 ? 0 : (testTicks + evalTicks) * 1e6 / Stopwatch.Frequency / testCount,
            AllocatedBytesPerTrainStep = measured == 0 ? 0 : allocated / (double)measured,
        };
    }
}
