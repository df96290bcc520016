namespace AsyncRL.Algorithms.Ppo;

/// <summary>What one learner update saw and did: losses, off-policy diagnostics and staleness.</summary>
public sealed record PpoUpdateStats(
    int Rows, int RowsDropped, float Loss, PpoLossStats Last, float ApproxKl, float ClipFraction, float RatioMean,
    float EffectiveSampleSize, float ExplainedVariance, float GradNorm, float LearningRate, StalenessSummary Staleness);

/// <summary>learner_version − policy_version over the rows of an update.</summary>
/// <param name="Histogram">Counts for staleness 0, 1, …, 15 and ≥ 16 (17 buckets).</param>
public sealed record StalenessSummary(long Min, double Mean, long Max, long[] Histogram)
{
    /// <summary>Buckets in <see cref="Histogram"/>: 0..15 and the overflow bucket.</summary>
    public const int Buckets = 17;

    /// <summary>Summarises per-row staleness values.</summary>
    public static StalenessSummary Of(ReadOnlySpan<long> staleness)
    {
        var hist = new long[Buckets];
        if (staleness.IsEmpty) return new StalenessSummary(0, 0, 0, hist);
        long min = long.MaxValue, max = long.MinValue;
        double sum = 0;
        foreach (var s in staleness)
        {
            min = Math.Min(min, s);
            max = Math.Max(max, s);
            sum += s;
            hist[Math.Clamp(s, 0, Buckets - 1)]++;
        }
        return new StalenessSummary(min, sum / staleness.Length, max, hist);
    }
}
