using System.Diagnostics;

namespace AsyncRL.Benchmarks;

/// <summary>Times an action: warms up, then repeats until a time budget is spent; reports the median of rounds.</summary>
public static class QuickTimer
{
    /// <summary>Median seconds per call, and bytes allocated per call on this thread.</summary>
    public static (double SecondsPerCall, double BytesPerCall) Measure(Action action, double budgetSeconds = 1.0, int rounds = 7)
    {
        ArgumentNullException.ThrowIfNull(action);
        // Warm up for long enough that tiered compilation has promoted the hot methods to tier 1.
        var warm = Stopwatch.StartNew();
        while (warm.Elapsed.TotalSeconds < Math.Max(0.5, budgetSeconds / 2)) action();
        // Calibrate the count per round to about budget / rounds.
        long calls = 1;
        while (true)
        {
            var sw = Stopwatch.StartNew();
            for (long i = 0; i < calls; i++) action();
            if (sw.Elapsed.TotalSeconds > budgetSeconds / rounds / 4 || calls > 1L << 30) break;
            calls *= 2;
        }
        calls *= 4;
        var times = new double[rounds];
        long allocBefore = GC.GetAllocatedBytesForCurrentThread();
        for (int r = 0; r < rounds; r++)
        {
            var sw = Stopwatch.StartNew();
            for (long i = 0; i < calls; i++) action();
            times[r] = sw.Elapsed.TotalSeconds / calls;
        }
        double bytes = (GC.GetAllocatedBytesForCurrentThread() - allocBefore) / (double)(calls * rounds);
        Array.Sort(times);
        return (times[rounds / 2], bytes);
    }
}
