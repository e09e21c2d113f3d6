// FieldCheckpoint: what a field checkpoint holds besides the learner, and the ICheckpointWriter the
// FieldLearner calls, over the A/B-slot CheckpointStore.
//
// A field checkpoint is a full EP model image (EquilibriumPropagationImage.WriteFull: weights, biases, BOP
// accumulators, learner counters and random state) whose METADATA section carries the rest of the learned
// state and the running totals:
//   norm_mean i32[N], norm_spread i32[N], norm_frames i64    RunningNormalizer statistics (Export/Import)
//   field_frames, field_samples, field_correct, field_dropped, field_faulty, field_recoveries   i64 totals
//   field_self_samples i64                                    unlabelled frames learned from (absent = 0)
//   scene_position i64                                        simulated scene position (--simulate), else 0
//   homeostasis_h i32[C], homeostasis_average i32[C], homeostasis_updates i64
//                                                             streaming homeostasis of self-defined targets
//                                                             (learner.unlabelled = learn only)
// N, C <= 64 (one record array each). Resume restores learner, normaliser and homeostasis exactly as committed;
// the totals continue from the committed values. A checkpoint without homeostasis records (written while
// unlabelled frames were only predicted) starts the homeostasis fresh. A cut between two commits loses only the
// frames since the last one.
using System;
using System.IO;
using EdgeLearn.Runtime.Checkpoints;
using EdgeLearn.Runtime.Images;
using EdgeLearn.Runtime.Learners.EquilibriumPropagation;
using EdgeLearn.Runtime.Learners.SelfDefinedTargets;
using EdgeLearn.Runtime.Streaming;

namespace EdgeLearn.HostSim.Field;

/// <summary>Running totals of a field run, carried from checkpoint to checkpoint across restarts.</summary>
public sealed record FieldTotals
{
    /// <summary>Good frames read.</summary>
    public long FramesRead { get; init; }

    /// <summary>Labelled frames learned from.</summary>
    public long SamplesLearned { get; init; }

    /// <summary>Unlabelled frames learned from with a self-defined target.</summary>
    public long SamplesSelfLearned { get; init; }

    /// <summary>Labelled frames predicted right before learning.</summary>
    public long CorrectPredictions { get; init; }

    /// <summary>Good frames dropped by back-pressure.</summary>
    public long FramesDropped { get; init; }

    /// <summary>Faulty reads (every kind).</summary>
    public long FaultyFrames { get; init; }

    /// <summary>Recoveries after a fault.</summary>
    public long Recoveries { get; init; }

    /// <summary>Position of the simulated scene (0 on a real board).</summary>
    public long ScenePosition { get; init; }

    /// <summary>Prequential accuracy over every labelled frame (0 before the first).</summary>
    public double Accuracy => SamplesLearned == 0 ? 0 : CorrectPredictions / (double)SamplesLearned;
}

/// <summary>How a resume attempt ended.</summary>
public enum FieldRestoreOutcome
{
    /// <summary>The store holds no committed checkpoint: start fresh.</summary>
    Fresh = 0,

    /// <summary>The newest committed checkpoint was restored.</summary>
    Restored = 1,

    /// <summary>A committed checkpoint exists but does not fit this configuration (nothing was changed).</summary>
    Incompatible = 2,
}

/// <summary>The metadata records of field checkpoints, and resume.</summary>
public static class FieldCheckpoint
{
    /// <summary>Record key of the normaliser means.</summary>
    public const string KeyNormMean = "norm_mean";

    /// <summary>Record key of the normaliser spreads.</summary>
    public const string KeyNormSpread = "norm_spread";

    /// <summary>Record key of the normaliser frame count.</summary>
    public const string KeyNormFrames = "norm_frames";

    /// <summary>Record key of the frames-read total.</summary>
    public const string KeyFrames = "field_frames";

    /// <summary>Record key of the samples-learned total.</summary>
    public const string KeySamples = "field_samples";

    /// <summary>Record key of the correct-predictions total.</summary>
    public const string KeyCorrect = "field_correct";

    /// <summary>Record key of the dropped-frames total.</summary>
    public const string KeyDropped = "field_dropped";

    /// <summary>Record key of the faulty-frames total.</summary>
    public const string KeyFaulty = "field_faulty";

    /// <summary>Record key of the recoveries total.</summary>
    public const string KeyRecoveries = "field_recoveries";

    /// <summary>Record key of the simulated scene position.</summary>
    public const string KeyScenePosition = "scene_position";

    /// <summary>Record key of the unlabelled-frames-learned total.</summary>
    public const string KeySelfSamples = "field_self_samples";

    /// <summary>Record key of the homeostasis thresholds H (Q8.24).</summary>
    public const string KeyHomeostasis = "homeostasis_h";

    /// <summary>Record key of the homeostasis running averages (Q8.24).</summary>
    public const string KeyHomeostasisAverage = "homeostasis_average";

    /// <summary>Record key of the homeostasis update count.</summary>
    public const string KeyHomeostasisUpdates = "homeostasis_updates";

    /// <summary>
    /// The metadata records of a checkpoint: normaliser statistics, totals and, when unlabelled frames are learned
    /// from, the streaming <paramref name="homeostasis"/> (null otherwise).
    /// </summary>
    public static ImageRecords CreateRecords(RunningNormalizer normalizer, FieldTotals totals, Homeostasis? homeostasis = null)
    {
        ArgumentNullException.ThrowIfNull(normalizer);
        ArgumentNullException.ThrowIfNull(totals);
        int n = normalizer.Channels;
        var stats = new int[2 * n];
        normalizer.Export(stats, 0, out long frames);
        var records = new ImageRecords();
        records.SetInt32Array(KeyNormMean, stats[..n]);
        records.SetInt32Array(KeyNormSpread, stats[n..]);
        records.SetInt64(KeyNormFrames, frames);
        records.SetInt64(KeyFrames, totals.FramesRead);
        records.SetInt64(KeySamples, totals.SamplesLearned);
        records.SetInt64(KeyCorrect, totals.CorrectPredictions);
        records.SetInt64(KeyDropped, totals.FramesDropped);
        records.SetInt64(KeyFaulty, totals.FaultyFrames);
        records.SetInt64(KeyRecoveries, totals.Recoveries);
        records.SetInt64(KeyScenePosition, totals.ScenePosition);
        records.SetInt64(KeySelfSamples, totals.SamplesSelfLearned);
        if (homeostasis != null)
        {
            records.SetInt32Array(KeyHomeostasis, homeostasis.Values);
            records.SetInt32Array(KeyHomeostasisAverage, homeostasis.Averages);
            records.SetInt64(KeyHomeostasisUpdates, homeostasis.Updates);
        }

        return records;
    }

    /// <summary>
    /// Restores the newest committed checkpoint of <paramref name="store"/> into <paramref name="learner"/> and
    /// <paramref name="normalizer"/> (and <paramref name="homeostasis"/> when given and saved). Everything is checked
    /// before anything changes: on <see cref="FieldRestoreOutcome.Incompatible"/> (with <paramref name="problem"/>
    /// saying why) and on <see cref="FieldRestoreOutcome.Fresh"/> all are untouched.
    /// </summary>
    public static FieldRestoreOutcome TryRestore(CheckpointStore store, EquilibriumPropagationLearner learner, RunningNormalizer normalizer,
        out FieldTotals totals, out uint sequence, out string? problem, Homeostasis? homeostasis = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(learner);
        ArgumentNullException.ThrowIfNull(normalizer);
        totals = new FieldTotals();
        sequence = 0;
        problem = null;
        if (!store.TryReadLatest(out CheckpointSlotInfo latest, out ImageError _))
        {
            return FieldRestoreOutcome.Fresh;
        }

        ImageRecords md = latest.Parsed.Metadata;
        int n = normalizer.Channels;
        if (!md.TryGetInt32Array(KeyNormMean, out int[] mean) || !md.TryGetInt32Array(KeyNormSpread, out int[] spread) || !md.TryGetInt64(KeyNormFrames, out long normFrames))
        {
            problem = $"checkpoint {latest.Sequence} has no normaliser statistics ({KeyNormMean}, {KeyNormSpread}, {KeyNormFrames}); it was not written by the field loop";
            return FieldRestoreOutcome.Incompatible;
        }

        if (mean.Length != n || spread.Length != n || normFrames < 0)
        {
            problem = $"checkpoint {latest.Sequence} has normaliser statistics for {mean.Length} channels (frames {normFrames}); the sensor has {n}";
            return FieldRestoreOutcome.Incompatible;
        }

        for (int c = 0; c < n; c++)
        {
            if (spread[c] < 0)
            {
                problem = $"checkpoint {latest.Sequence} has a negative normaliser spread {spread[c]} on channel {c}";
                return FieldRestoreOutcome.Incompatible;
            }
        }

        long Get(string key)
        {
            return md.TryGetInt64(key, out long v) && v >= 0 ? v : -1;
        }

        var restored = new FieldTotals
        {
            FramesRead = Get(KeyFrames),
            SamplesLearned = Get(KeySamples),
            CorrectPredictions = Get(KeyCorrect),
            FramesDropped = Get(KeyDropped),
            FaultyFrames = Get(KeyFaulty),
            Recoveries = Get(KeyRecoveries),
            ScenePosition = Get(KeyScenePosition),
            SamplesSelfLearned = md.TryGetInt64(KeySelfSamples, out long self) ? self : 0,
        };
        if (restored.FramesRead < 0 || restored.SamplesLearned < 0 || restored.CorrectPredictions < 0 || restored.CorrectPredictions > restored.SamplesLearned
            || restored.FramesDropped < 0 || restored.FaultyFrames < 0 || restored.Recoveries < 0 || restored.ScenePosition < 0 || restored.SamplesSelfLearned < 0)
        {
            problem = $"checkpoint {latest.Sequence} has missing or inconsistent field totals";
            return FieldRestoreOutcome.Incompatible;
        }

        int[]? savedH = null;
        int[]? savedAverage = null;
        long savedUpdates = 0;
        if (homeostasis != null && md.TryGetInt32Array(KeyHomeostasis, out int[] h))
        {
            if (!md.TryGetInt32Array(KeyHomeostasisAverage, out int[] average) || !md.TryGetInt64(KeyHomeostasisUpdates, out savedUpdates)
                || h.Length != homeostasis.Values.Length || average.Length != h.Length || savedUpdates < 0)
            {
                problem = $"checkpoint {latest.Sequence} has homeostasis for {h.Length} outputs (incomplete or inconsistent); the learner has {homeostasis.Values.Length}";
                return FieldRestoreOutcome.Incompatible;
            }

            savedH = h;
            savedAverage = average;
        }

        if (!EquilibriumPropagationImage.TryRestore(latest.Parsed, learner, out ImageError error))
        {
            problem = $"checkpoint {latest.Sequence} does not fit the configured learner: {error}";
            return FieldRestoreOutcome.Incompatible;
        }

        var stats = new int[2 * n];
        Array.Copy(mean, 0, stats, 0, n);
        Array.Copy(spread, 0, stats, n, n);
        normalizer.Import(stats, 0, normFrames);
        if (savedH != null)
        {
            homeostasis!.Restore(savedH, savedAverage!, savedUpdates);
        }

        totals = restored;
        sequence = latest.Sequence;
        return FieldRestoreOutcome.Restored;
    }
}

/// <summary>
/// The <see cref="ICheckpointWriter"/> of the field loop: commits a full image of the learner with the normaliser
/// statistics and the totals into a <see cref="CheckpointStore"/>. An I/O failure of the store (disk full,
/// removed card) is counted and reported, not thrown: learning goes on and the next checkpoint tries again.
/// Anything else (a simulated power cut included) propagates.
/// </summary>
public sealed class FieldCheckpointWriter : ICheckpointWriter
{
    private readonly CheckpointStore store;
    private readonly EquilibriumPropagationLearner learner;
    private readonly RunningNormalizer normalizer;
    private readonly Func<FieldTotals> totals;
    private readonly Homeostasis? homeostasis;

    /// <summary>
    /// Creates the writer. <paramref name="totals"/> gives the run's totals at the moment of a checkpoint;
    /// <paramref name="homeostasis"/> (null when unlabelled frames are not learned from) is saved with them.
    /// </summary>
    public FieldCheckpointWriter(CheckpointStore store, EquilibriumPropagationLearner learner, RunningNormalizer normalizer, Func<FieldTotals> totals, Homeostasis? homeostasis = null)
    {
        this.homeostasis = homeostasis;
        this.store = store ?? throw new ArgumentNullException(nameof(store));
        this.learner = learner ?? throw new ArgumentNullException(nameof(learner));
        this.normalizer = normalizer ?? throw new ArgumentNullException(nameof(normalizer));
        this.totals = totals ?? throw new ArgumentNullException(nameof(totals));
    }

    /// <summary>Raised after a checkpoint is committed: its sequence number and the totals it holds.</summary>
    public event Action<uint, FieldTotals>? Committed;

    /// <summary>Raised when a checkpoint could not be written (the message says why).</summary>
    public event Action<string>? Failed;

    /// <summary>Checkpoints committed by this writer.</summary>
    public long CommitCount { get; private set; }

    /// <summary>Checkpoints that failed with an I/O error.</summary>
    public long FailureCount { get; private set; }

    /// <summary>Sequence number of the newest checkpoint committed by this writer (0 before the first).</summary>
    public uint LastSequence { get; private set; }

    /// <summary>Totals held by the newest checkpoint committed by this writer, or null.</summary>
    public FieldTotals? LastCommitted { get; private set; }

    /// <summary>Bytes of the newest committed image.</summary>
    public int LastImageBytes { get; private set; }

    /// <summary>Seconds the newest commit took (image, erase, write and both flushes).</summary>
    public double LastCommitSeconds { get; private set; }

    /// <inheritdoc />
    public void WriteCheckpoint(long samplesLearned)
    {
        FieldTotals now = totals();
        ImageRecords records = FieldCheckpoint.CreateRecords(normalizer, now, homeostasis);
        long start = System.Diagnostics.Stopwatch.GetTimestamp();
        uint sequence;
        try
        {
            byte[] image = EquilibriumPropagationImage.WriteFull(learner, records);
            sequence = store.Commit(image, 0, image.Length);
            LastImageBytes = image.Length;
        }
        catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
        {
            FailureCount++;
            Failed?.Invoke($"checkpoint at {samplesLearned} samples learned not written: {e.Message}");
            return;
        }

        LastCommitSeconds = System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalSeconds;
        CommitCount++;
        LastSequence = sequence;
        LastCommitted = now;
        Committed?.Invoke(sequence, now);
    }
}
