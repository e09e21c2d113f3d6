// PowerCutSweep: cuts power at every operation byte of one checkpoint commit and checks recovery.
//
// Setup: a simulated flash store with a history of committed checkpoints. The commit of a new image costs
// N operation bytes (erased plus programmed). For every cut point k in [0, N) and both cut modes (stop: byte k
// untouched; tear: byte k half-programmed or half-erased) the sweep restores the pre-commit contents, schedules
// the cut, attempts the commit, "reboots" (new CheckpointStore over the same bytes) and recovers. Recovery must
// give exactly the previous checkpoint or the new one, byte for byte (or nothing when the history is empty).
// Then a follow-up commit on the recovered store must succeed and be the one recovered afterwards, so a cut
// never leaves the store unusable.
using System;
using System.Collections.Generic;
using System.Diagnostics;
using EdgeLearn.Runtime.Checkpoints;
using EdgeLearn.Runtime.Images;

namespace EdgeLearn.HostSim.Images;

/// <summary>Counts of one power-cut sweep.</summary>
public sealed class PowerCutSweepResult
{
    /// <summary>Operation bytes (erased + programmed) of one uninterrupted commit: the cut points per mode.</summary>
    public long OperationBytesPerCommit { get; internal set; }

    /// <summary>Cut points tried (both modes together).</summary>
    public long CutsTried { get; internal set; }

    /// <summary>Recoveries that returned the previous checkpoint.</summary>
    public long RecoveredPrevious { get; internal set; }

    /// <summary>Recoveries that returned the new checkpoint.</summary>
    public long RecoveredNew { get; internal set; }

    /// <summary>Recoveries that found no checkpoint (correct only with an empty history).</summary>
    public long RecoveredNothing { get; internal set; }

    /// <summary>Follow-up commits that succeeded and were recovered.</summary>
    public long FollowUpsVerified { get; internal set; }

    /// <summary>Anything else: a mix, a wrong image, nothing although something was committed, an unusable store.</summary>
    public long Failures { get; internal set; }

    /// <summary>The first few failures, described.</summary>
    public List<string> FailureDescriptions { get; } = new();

    /// <summary>Wall-clock time.</summary>
    public TimeSpan Elapsed { get; internal set; }
}

/// <summary>Power-cut simulation of <see cref="CheckpointStore"/> commits.</summary>
public static class PowerCutSweep
{
    /// <summary>
    /// Commits <paramref name="history"/> to a fresh store of <paramref name="blockCount"/> blocks of
    /// <paramref name="blockSize"/>, then cuts the commit of <paramref name="next"/> at every operation byte in
    /// both modes; <paramref name="followUp"/> is committed after each recovery. All images must be valid.
    /// </summary>
    public static PowerCutSweepResult Run(int blockSize, int blockCount, byte[][] history, byte[] next, byte[] followUp, uint seed)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(next);
        ArgumentNullException.ThrowIfNull(followUp);
        var limits = ImageLimits.Default;
        var store = new FlashBlockStore(blockSize, blockCount);
        var checkpoints = new CheckpointStore(store, limits);
        foreach (byte[] image in history)
        {
            checkpoints.Commit(image, 0, image.Length);
        }

        byte[]? previous = history.Length > 0 ? history[^1] : null;
        byte[] snapshot = store.CopyContents();
        long before = store.OperationBytes;
        new CheckpointStore(store, limits).Commit(next, 0, next.Length);
        var result = new PowerCutSweepResult { OperationBytesPerCommit = store.OperationBytes - before };
        long start = Stopwatch.GetTimestamp();
        for (int mode = 0; mode < 2; mode++)
        {
            for (long cut = 0; cut < result.OperationBytesPerCommit; cut++)
            {
                result.CutsTried++;
                string where = $"cut at operation byte {cut} ({(mode == 0 ? "stop" : "tear")})";
                store.RestorePower();
                store.LoadContents(snapshot);
                store.SchedulePowerCut(store.OperationBytes + cut, tear: mode == 1, seed: seed + (uint)cut);
                bool cutHappened = false;
                try
                {
                    new CheckpointStore(store, limits).Commit(next, 0, next.Length);
                }
                catch (PowerCutException)
                {
                    cutHappened = true;
                }

                store.RestorePower();
                if (!cutHappened)
                {
                    Fail(result, $"{where}: the commit finished without the scheduled cut");
                    continue;
                }

                var rebooted = new CheckpointStore(store, limits);
                bool found = rebooted.TryReadLatest(out CheckpointSlotInfo latest, out ImageError error);
                if (!found)
                {
                    if (previous is null)
                    {
                        result.RecoveredNothing++;
                    }
                    else
                    {
                        Fail(result, $"{where}: no checkpoint recovered ({error})");
                        continue;
                    }
                }
                else if (previous is not null && latest.Image.AsSpan().SequenceEqual(previous))
                {
                    result.RecoveredPrevious++;
                }
                else if (latest.Image.AsSpan().SequenceEqual(next))
                {
                    result.RecoveredNew++;
                }
                else
                {
                    Fail(result, $"{where}: recovered an image that is neither the previous nor the new checkpoint (slot {latest.Slot}, sequence {latest.Sequence})");
                    continue;
                }

                try
                {
                    rebooted.Commit(followUp, 0, followUp.Length);
                    bool again = new CheckpointStore(store, limits).TryReadLatest(out CheckpointSlotInfo after, out ImageError afterError);
                    if (again && after.Image.AsSpan().SequenceEqual(followUp))
                    {
                        result.FollowUpsVerified++;
                    }
                    else
                    {
                        Fail(result, $"{where}: the follow-up commit was not recovered ({(again ? "other image" : afterError.ToString())})");
                    }
                }
                catch (Exception e) when (e is InvalidOperationException or ArgumentException)
                {
                    Fail(result, $"{where}: the follow-up commit failed: {e.Message}");
                }
            }
        }

        result.Elapsed = Stopwatch.GetElapsedTime(start);
        return result;
    }

    private static void Fail(PowerCutSweepResult result, string description)
    {
        result.Failures++;
        if (result.FailureDescriptions.Count < 20)
        {
            result.FailureDescriptions.Add(description);
        }
    }
}
