// SupervisedTrainingLoop: the host's epoch loop shared by every supervised learner and its float64 oracle.
//
// Per epoch: a fresh Fisher-Yates shuffle of the training indices from Xoshiro128(seed, stream 2), so the
// fixed-point learner and its oracle see the same order; each sample trained once; the partial batch
// applied at the end; then the test part evaluated. Measures wall-clock train time, samples/s, test
// accuracy, inference time per sample and (for the fixed-point learner) bytes allocated per train step,
// counted around the learner call only so the progress display does not pollute it.
using System;
using System.Diagnostics;
using EdgeLearn.HostSim.Cli;
using EdgeLearn.Kernels;

namespace EdgeLearn.HostSim.Training;

/// <summary>What one supervised run measured.</summary>
public sealed class SupervisedRunResult
{
    /// <summary>Test accuracy after each epoch (fractions).</summary>
    public required double[] TestAccuracyByEpoch { get; init; }

    /// <summary>Training accuracy of the free-phase predictions during each epoch.</summary>
    public required double[] TrainAccuracyByEpoch { get; init; }

    /// <summary>Final test accuracy.</summary>
    public double TestAccuracy => TestAccuracyByEpoch[^1];

    /// <summary>Wall-clock seconds spent training (evaluation excluded).</summary>
    public required double TrainSeconds { get; init; }

    /// <summary>Training samples per second.</summary>
    public required double TrainSamplesPerSecond { get; init; }

    /// <summary>Average inference time per test sample, microseconds.</summary>
    public required double InferMicrosecondsPerSample { get; init; }

    /// <summary>Bytes allocated per train step, averaged over every step after the first epoch's first batch.</summary>
    public required double AllocatedBytesPerTrainStep { get; init; }
}

/// <summary>Runs epochs of training and evaluation over delegates, so learners and oracles share one loop.</summary>
public static class SupervisedTrainingLoop
{
    /// <summary>Shuffle stream of <see cref="Xoshiro128"/> for the training order.</summary>
    public const uint OrderStream = 2;

    /// <summary>
    /// Trains for <paramref name="epochs"/> epochs over <paramref name="trainCount"/> training samples.
    /// <paramref name="trainSample"/> trains on training sample i and returns how many free-phase predictions
    /// became known to be correct (1 or 0 for a per-sample learner; a batch learner may report a whole batch at
    /// its end); <paramref name="endBatch"/> applies a partial batch and returns the same count;
    /// <paramref name="testCorrect"/> says whether test sample i is classified correctly.
    /// Allocation is counted around <paramref name="trainSample"/> from step <paramref name="warmupSteps"/> on.
    /// <paramref name="beginEpoch"/>, when given, runs before each epoch with its number (1-based), for schedules.
    /// </summary>
    public static SupervisedRunResult Run(
        string title,
        IRunConsole console,
        uint seed,
        int epochs,
        int trainCount,
        int testCount,
        Func<int, int> trainSample,
        Func<int> endBatch,
        Func<int, bool> testCorrect,
        int warmupSteps,
        Action<int>? beginEpoch = null)
    {
        int n = trainCount;
        var order = new int[n];
        for (int i = 0; i < n; i++)
        {
            order[i] = i;
        }

        var rng = new Xoshiro128(seed, OrderStream);
        var testByEpoch = new double[epochs];
        var trainByEpoch = new double[epochs];
        long trainTicks = 0;
        long allocated = 0;
        long measuredSteps = 0;
        long inferTicks = 0;
        long inferred = 0;
        console.Info(title);
        TrainingProgress.Run(console, epochs, n, progress =>
        {
            for (int e = 0; e < epochs; e++)
            {
                beginEpoch?.Invoke(e + 1);
                progress.BeginEpoch(e + 1);
                Shuffle(order, rng);
                long correct = 0;
                long start = Stopwatch.GetTimestamp();
                for (int k = 0; k < n; k++)
                {
                    int i = order[k];
                    long before = GC.GetAllocatedBytesForCurrentThread();
                    correct += trainSample(i);
                    long after = GC.GetAllocatedBytesForCurrentThread();
                    if (e > 0 || k >= warmupSteps)
                    {
                        allocated += after - before;
                        measuredSteps++;
                    }

                    if ((k & 63) == 63)
                    {
                        progress.Report(k + 1, correct);
                    }
                }

                correct += endBatch();
                progress.Report(n, correct);
                trainTicks += Stopwatch.GetTimestamp() - start;
                trainByEpoch[e] = n == 0 ? 0 : correct / (double)n;

                long testStart = Stopwatch.GetTimestamp();
                int right = 0;
                for (int i = 0; i < testCount; i++)
                {
                    if (testCorrect(i))
                    {
                        right++;
                    }
                }

                inferTicks += Stopwatch.GetTimestamp() - testStart;
                inferred += testCount;
                testByEpoch[e] = testCount == 0 ? 0 : right / (double)testCount;
                progress.EndEpoch(testByEpoch[e]);
            }
        });

        double trainSeconds = trainTicks / (double)Stopwatch.Frequency;
        return new SupervisedRunResult
        {
            TestAccuracyByEpoch = testByEpoch,
            TrainAccuracyByEpoch = trainByEpoch,
            TrainSeconds = trainSeconds,
            TrainSamplesPerSecond = trainSeconds > 0 ? (double)n * epochs / trainSeconds : 0,
            InferMicrosecondsPerSample = inferred > 0 ? inferTicks * 1e6 / Stopwatch.Frequency / inferred : 0,
            AllocatedBytesPerTrainStep = measuredSteps > 0 ? allocated / (double)measuredSteps : 0,
        };
    }

    /// <summary>Fisher-Yates shuffle driven by <paramref name="rng"/> (the documented order of every run).</summary>
    public static void Shuffle(int[] order, Xoshiro128 rng)
    {
        for (int i = order.Length - 1; i > 0; i--)
        {
            int j = (int)rng.NextBelow((uint)(i + 1));
            (order[i], order[j]) = (order[j], order[i]);
        }
    }

    /// <summary>Grey levels of a data part scaled to Q0.15 once, with the shared runtime function.</summary>
    public static short[] ToQ15(byte[] grey)
    {
        var q = new short[grey.Length];
        for (int i = 0; i < grey.Length; i++)
        {
            q[i] = FixedPoint.UnitByteToQ15(grey[i]);
        }

        return q;
    }
}
