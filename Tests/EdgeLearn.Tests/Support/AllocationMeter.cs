// Counts the bytes a piece of steady-state code allocates on the calling thread.
//
// The runtime itself may allocate on the test thread while a measured loop runs: tiered
// compilation promotes a hot method after 30 calls and installs it from the calling thread, which
// shows up as a few hundred bytes once. Code that allocates per call allocates in every round, so
// the meter repeats the round and keeps the smallest count: a one-off runtime allocation passes,
// a real per-call allocation still fails.
using System;

namespace EdgeLearn.Tests.Support;

internal static class AllocationMeter
{
    /// <summary>Runs <paramref name="round"/> up to <paramref name="rounds"/> times and returns the
    /// fewest bytes any single round allocated on this thread (0 ends the search early).</summary>
    public static long FewestBytesPerRound(Action round, int rounds = 4)
    {
        long fewest = long.MaxValue;
        for (int r = 0; r < rounds && fewest > 0; r++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            round();
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            if (allocated < fewest)
            {
                fewest = allocated;
            }
        }

        return fewest;
    }
}
