// SelfDefinedTargetsSchedule: the training schedules of `edgelearn train --algo sdt`, run identically on the
// fixed-point runtime and on its float64 oracle (ISelfDefinedTargetsSubject), with the order of every pass drawn
// from Xoshiro128(seed, stream 2) created afresh for each run, so both see the same samples in the same order.
//
//   unsupervised, mini-batch  E epochs over all training samples without labels; after each epoch the partial
//                             batch is applied, the homeostasis optionally reset (the paper), and the test part
//                             evaluated by direct association labelled with the whole training part
//   unsupervised, stream      batch 1, streaming homeostasis, never reset: one continuous stream made of E shuffled
//                             passes; the evaluation between passes only watches (it changes nothing)
//   semi-supervised           P epochs of supervised pre-training on the labelled subset, then E rounds of one
//                             unsupervised pass over the unlabelled samples and one supervised pass over the labelled
//                             ones; evaluated by class groups (argmax of the mean of each class's G output neurons)
//   semi-supervised, stream   E shuffled passes over all training samples, labelled ones with their label
//   labelled-only baseline    the semi-supervised schedule without the unlabelled passes (WithoutUnlabelled)
// The labelled subset is class-balanced (count / C per class, the remainder to the first classes), drawn from
// a shuffle with Xoshiro128(seed, stream 5).
using System;
using System.Diagnostics;
using EdgeLearn.HostSim.Cli;
using EdgeLearn.HostSim.Data;
using EdgeLearn.Kernels;

namespace EdgeLearn.HostSim.Training;

/// <summary>What to run: epochs, stream or mini-batch, labels, resets.</summary>
public sealed class SelfDefinedTargetsPlan
{
    /// <summary>Epochs (mini-batch), rounds (semi-supervised) or passes of the stream.</summary>
    public int Epochs { get; init; } = 1;

    /// <summary>Stream: no epoch boundaries act on learning (no reset, batch 1 by construction of the learner).</summary>
    public bool Stream { get; init; }

    /// <summary>Reset the homeostasis after every unsupervised epoch (mini-batch only).</summary>
    public bool ResetEachEpoch { get; init; }

    /// <summary>Seed of the pass orders.</summary>
    public uint Seed { get; init; } = 1;

    /// <summary>Supervised pre-training epochs on the labelled subset (semi-supervised, mini-batch).</summary>
    public int PreEpochs { get; init; }

    /// <summary>Indices of labelled training samples, or null for fully unsupervised training.</summary>
    public int[]? Labelled { get; init; }

    /// <summary>Output neurons per class for class-group evaluation (semi-supervised).</summary>
    public int NeuronsPerClass { get; init; } = 1;

    /// <summary>Labelled-only baseline: skip every unlabelled sample.</summary>
    public bool WithoutUnlabelled { get; init; }

    /// <summary>Count bytes allocated per training step (fixed-point runs).</summary>
    public bool MeasureAllocation { get; init; }

    /// <summary>Unsupervised runs: the training samples to learn from (null = all).</summary>
    public int[]? Samples { get; init; }

    /// <summary>Unsupervised runs: the training samples whose labels label the neurons in direct association (null = all).</summary>
    public int[]? AssociationSamples { get; init; }

    /// <summary>Evaluate after every epoch (else after the last one only; evaluation never changes learning).</summary>
    public bool EvaluateEachEpoch { get; init; } = true;
}

/// <summary>What one schedule run measured.</summary>
public sealed class SelfDefinedTargetsRunResult
{
    /// <summary>Test accuracy after each evaluated epoch / round / pass (every one, or the last only).</summary>
    public required double[] TestAccuracyByEpoch { get; init; }

    /// <summary>Final test accuracy.</summary>
    public double TestAccuracy => TestAccuracyByEpoch[^1];

    /// <summary>Wall-clock training seconds (evaluation excluded).</summary>
    public required double TrainSeconds { get; init; }

    /// <summary>Training samples trained.</summary>
    public required long TrainedSamples { get; init; }

    /// <summary>Training samples per second.</summary>
    public double TrainSamplesPerSecond => TrainSeconds > 0 ? TrainedSamples / TrainSeconds : 0;

    /// <summary>Average time of one test prediction in the last evaluation (response plus decision), microseconds.</summary>
    public required double InferMicrosecondsPerSample { get; init; }

    /// <summary>Bytes allocated per training step after the first 64 steps (0 when not measured).</summary>
    public required double AllocatedBytesPerTrainStep { get; init; }

    /// <summary>Output neurons with a class at the last direct-association evaluation (unsupervised), else 0.</summary>
    public required int AssignedNeurons { get; init; }
}

/// <summary>Runs the sdt schedules (see the file header).</summary>
public static class SelfDefinedTargetsSchedule
{
    /// <summary>Generator stream of the pass orders.</summary>
    public const uint OrderStream = 2;

    /// <summary>Generator stream of the labelled subset.</summary>
    public const uint LabelStream = 5;

    /// <summary>Class-balanced labelled subset of <paramref name="count"/> training samples (sorted indices).</summary>
    public static int[] ChooseLabelled(LabelledDataSet data, int count, uint seed)
    {
        ArgumentNullException.ThrowIfNull(data);
        int n = data.Train.Count;
        if (count < 1 || count > n)
        {
            throw new CommandLineUsageException($"--labels {count}: must be in [0, {n}] (the training samples)");
        }

        var order = new int[n];
        for (int i = 0; i < n; i++)
        {
            order[i] = i;
        }

        SupervisedTrainingLoop.Shuffle(order, new Xoshiro128(seed, LabelStream));
        int classes = data.ClassCount;
        var quota = new int[classes];
        for (int c = 0; c < classes; c++)
        {
            quota[c] = count / classes + (c < count % classes ? 1 : 0);
        }

        var chosen = new bool[n];
        int taken = 0;
        foreach (int i in order)
        {
            int c = data.Train.Labels[i];
            if (quota[c] > 0)
            {
                quota[c]--;
                chosen[i] = true;
                taken++;
            }
        }

        // A class with too few samples leaves its quota open: fill it from the rest of the order.
        foreach (int i in order)
        {
            if (taken >= count)
            {
                break;
            }

            if (!chosen[i])
            {
                chosen[i] = true;
                taken++;
            }
        }

        var labelled = new int[count];
        int k = 0;
        for (int i = 0; i < n; i++)
        {
            if (chosen[i])
            {
                labelled[k++] = i;
            }
        }

        return labelled;
    }

    /// <summary>
    /// Direct-association test accuracy: neurons labelled with the training samples <paramref name="labelled"/> (null:
    /// every one) and their labels, then each test sample predicted. <paramref name="assigned"/> is the number of
    /// neurons that got a class.
    /// </summary>
    public static double DirectAssociationAccuracy(ISelfDefinedTargetsSubject subject, LabelledDataSet data, int[]? labelled, out int assigned, out double inferMicroseconds)
    {
        subject.ClearAssociation();
        if (labelled is null)
        {
            for (int i = 0; i < data.Train.Count; i++)
            {
                subject.Observe(i);
            }
        }
        else
        {
            foreach (int i in labelled)
            {
                subject.Observe(i);
            }
        }

        assigned = subject.Assign();
        long start = Stopwatch.GetTimestamp();
        int right = 0;
        for (int i = 0; i < data.Test.Count; i++)
        {
            right += subject.PredictAssociated(i) == data.Test.Labels[i] ? 1 : 0;
        }

        inferMicroseconds = Stopwatch.GetElapsedTime(start).TotalMicroseconds / Math.Max(1, data.Test.Count);
        return data.Test.Count == 0 ? 0 : right / (double)data.Test.Count;
    }

    /// <summary>Class-group test accuracy (argmax of each class's mean output).</summary>
    public static double GroupAccuracy(ISelfDefinedTargetsSubject subject, LabelledDataSet data, int neuronsPerClass, out double inferMicroseconds)
    {
        long start = Stopwatch.GetTimestamp();
        int right = 0;
        for (int i = 0; i < data.Test.Count; i++)
        {
            right += subject.PredictGroup(i, neuronsPerClass) == data.Test.Labels[i] ? 1 : 0;
        }

        inferMicroseconds = Stopwatch.GetElapsedTime(start).TotalMicroseconds / Math.Max(1, data.Test.Count);
        return data.Test.Count == 0 ? 0 : right / (double)data.Test.Count;
    }

    /// <summary>Runs <paramref name="plan"/> on <paramref name="subject"/> with a progress display titled <paramref name="title"/>.</summary>
    public static SelfDefinedTargetsRunResult Run(string title, IRunConsole console, ISelfDefinedTargetsSubject subject, LabelledDataSet data, SelfDefinedTargetsPlan plan)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(subject);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(plan);
        var state = new RunState(subject, plan, data);
        console.Info(title);
        int n = data.Train.Count;
        int[] all = Range(n);
        int[] unsupervisedSamples = plan.Samples ?? all;
        bool semi = plan.Labelled is not null;
        var isLabelled = new bool[n];
        int[] labelled = plan.Labelled ?? Array.Empty<int>();
        foreach (int i in labelled)
        {
            isLabelled[i] = true;
        }

        int[] unlabelled = Array.FindAll(all, i => !isLabelled[i]);
        var byEpoch = new System.Collections.Generic.List<double>();
        int assigned = 0;
        double infer = 0;
        if (semi && !plan.Stream && plan.PreEpochs > 0)
        {
            TrainingProgress.Run(console, plan.PreEpochs, Math.Max(1, labelled.Length), progress =>
            {
                for (int e = 0; e < plan.PreEpochs; e++)
                {
                    progress.BeginEpoch(e + 1);
                    state.Pass(labelled, true, progress, 0);
                    subject.EndBatch();
                    progress.EndEpoch(GroupAccuracy(subject, data, plan.NeuronsPerClass, out infer));
                }
            });
        }

        long perEpoch = !semi ? unsupervisedSamples.Length : plan.Stream ? n : (plan.WithoutUnlabelled ? 0 : unlabelled.Length) + labelled.Length;
        TrainingProgress.Run(console, plan.Epochs, Math.Max(1, perEpoch), progress =>
        {
            for (int e = 0; e < plan.Epochs; e++)
            {
                progress.BeginEpoch(e + 1);
                if (!semi)
                {
                    state.Pass(unsupervisedSamples, false, progress, 0);
                }
                else if (plan.Stream)
                {
                    state.StreamPass(all, isLabelled, progress);
                }
                else
                {
                    int done = 0;
                    if (!plan.WithoutUnlabelled)
                    {
                        done = state.Pass(unlabelled, false, progress, 0);
                        subject.EndBatch();
                        if (plan.ResetEachEpoch)
                        {
                            subject.ResetHomeostasis();
                        }
                    }

                    state.Pass(labelled, true, progress, done);
                }

                subject.EndBatch();
                if (!semi && plan.ResetEachEpoch && !plan.Stream)
                {
                    subject.ResetHomeostasis();
                }

                if (!plan.EvaluateEachEpoch && e < plan.Epochs - 1)
                {
                    progress.EndEpoch();
                    continue;
                }

                byEpoch.Add(semi
                    ? GroupAccuracy(subject, data, plan.NeuronsPerClass, out infer)
                    : DirectAssociationAccuracy(subject, data, plan.AssociationSamples, out assigned, out infer));
                progress.EndEpoch(byEpoch[^1]);
            }
        });

        return new SelfDefinedTargetsRunResult
        {
            TestAccuracyByEpoch = byEpoch.ToArray(),
            TrainSeconds = state.TrainTicks / (double)Stopwatch.Frequency,
            TrainedSamples = state.Trained,
            InferMicrosecondsPerSample = infer,
            AllocatedBytesPerTrainStep = state.MeasuredSteps > 0 ? state.Allocated / (double)state.MeasuredSteps : 0,
            AssignedNeurons = assigned,
        };
    }

    private static int[] Range(int n)
    {
        var a = new int[n];
        for (int i = 0; i < n; i++)
        {
            a[i] = i;
        }

        return a;
    }

    // The pass loops and their measurements; one instance per run, so the order generator is the run's own.
    private sealed class RunState(ISelfDefinedTargetsSubject subject, SelfDefinedTargetsPlan plan, LabelledDataSet data)
    {
        private const int WarmupSteps = 64;
        private readonly Xoshiro128 rng = new(plan.Seed, OrderStream);

        public long TrainTicks { get; private set; }

        public long Trained { get; private set; }

        public long Allocated { get; private set; }

        public long MeasuredSteps { get; private set; }

        // One shuffled pass over `indices` (a copy is shuffled), with or without labels; returns the progress count.
        public int Pass(int[] indices, bool withLabels, TrainingProgress progress, int doneBefore)
        {
            int[] order = (int[])indices.Clone();
            SupervisedTrainingLoop.Shuffle(order, rng);
            long start = Stopwatch.GetTimestamp();
            for (int k = 0; k < order.Length; k++)
            {
                int i = order[k];
                Step(i, withLabels ? data.Train.Labels[i] : -1);
                if ((k & 63) == 63)
                {
                    progress.Report(doneBefore + k + 1);
                }
            }

            TrainTicks += Stopwatch.GetTimestamp() - start;
            progress.Report(doneBefore + order.Length);
            return doneBefore + order.Length;
        }

        // One shuffled pass of a stream: labelled samples carry their label, the others none.
        public void StreamPass(int[] indices, bool[] isLabelled, TrainingProgress progress)
        {
            int[] order = (int[])indices.Clone();
            SupervisedTrainingLoop.Shuffle(order, rng);
            long start = Stopwatch.GetTimestamp();
            for (int k = 0; k < order.Length; k++)
            {
                int i = order[k];
                if (isLabelled[i])
                {
                    Step(i, data.Train.Labels[i]);
                }
                else if (!plan.WithoutUnlabelled)
                {
                    Step(i, -1);
                }

                if ((k & 63) == 63)
                {
                    progress.Report(k + 1);
                }
            }

            TrainTicks += Stopwatch.GetTimestamp() - start;
            progress.Report(order.Length);
        }

        private void Step(int index, int label)
        {
            if (plan.MeasureAllocation && Trained >= WarmupSteps)
            {
                long before = GC.GetAllocatedBytesForCurrentThread();
                subject.Train(index, label);
                Allocated += GC.GetAllocatedBytesForCurrentThread() - before;
                MeasuredSteps++;
            }
            else
            {
                subject.Train(index, label);
            }

            Trained++;
        }
    }
}
