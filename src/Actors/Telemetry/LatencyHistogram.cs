using System.Globalization;
using System.Text;

namespace AsyncRL.Actors;

/// <summary>
/// Durations counted in fixed buckets 2^(1/8) apart (each bound about 9% above the one before) from 10 µs to about
/// 3 h; longer ones count in the last bucket. Recording is one logarithm and one interlocked increment, cheap enough
/// for every ack, and snapshots of separate processes merge by adding counts of the same bound.
/// </summary>
public sealed class LatencyHistogram
{
    /// <summary>Upper bound of the first bucket, in milliseconds.</summary>
    public const double FirstBoundMs = 0.01;

    /// <summary>Buckets per doubling of the duration.</summary>
    public const int PerOctave = 8;

    /// <summary>Number of buckets: 30 doublings of <see cref="FirstBoundMs"/>.</summary>
    public const int Buckets = 30 * PerOctave + 1;

    private readonly long[] _counts = new long[Buckets];

    /// <summary>Counts one duration.</summary>
    public void Record(TimeSpan duration)
    {
        double ms = duration.TotalMilliseconds;
        int bucket = ms <= FirstBoundMs ? 0 : (int)Math.Min(Buckets - 1, Math.Ceiling(Math.Log2(ms / FirstBoundMs) * PerOctave));
        Interlocked.Increment(ref _counts[bucket]);
    }

    /// <summary>The upper bound of <paramref name="bucket"/> in milliseconds (bucket b holds durations in (bound b−1, bound b]).</summary>
    public static double UpperBoundMs(int bucket) => FirstBoundMs * Math.Pow(2, (double)bucket / PerOctave);

    /// <summary>The counts so far (each read on its own: a snapshot taken while recording may be a count or two behind).</summary>
    public LatencySnapshot Snapshot()
    {
        var counts = new long[Buckets];
        for (int i = 0; i < Buckets; i++) counts[i] = Interlocked.Read(ref _counts[i]);
        return new LatencySnapshot(counts);
    }
}

/// <summary>The counts of a <see cref="LatencyHistogram"/> at one moment.</summary>
public sealed class LatencySnapshot
{
    private readonly long[] _counts;

    internal LatencySnapshot(long[] counts)
    {
        _counts = counts;
        Count = counts.Sum();
    }

    /// <summary>Durations counted.</summary>
    public long Count { get; }

    /// <summary>
    /// The upper bound (ms) of the bucket holding the <paramref name="quantile"/> quantile, so at most about 9% above
    /// the true value; NaN when nothing was counted.
    /// </summary>
    public double PercentileMs(double quantile)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(quantile, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(quantile, 1);
        if (Count == 0) return double.NaN;
        long rank = Math.Max(1, (long)Math.Ceiling(quantile * Count));
        long seen = 0;
        for (int i = 0; i < _counts.Length; i++)
        {
            seen += _counts[i];
            if (seen >= rank) return LatencyHistogram.UpperBoundMs(i);
        }
        return LatencyHistogram.UpperBoundMs(_counts.Length - 1);
    }

    /// <summary>The non-empty buckets as <c>BOUND_MS:COUNT</c> pairs separated by spaces (invariant culture), for scripts to merge.</summary>
    public string Buckets()
    {
        var text = new StringBuilder();
        for (int i = 0; i < _counts.Length; i++)
        {
            if (_counts[i] == 0) continue;
            if (text.Length > 0) text.Append(' ');
            text.Append(CultureInfo.InvariantCulture, $"{LatencyHistogram.UpperBoundMs(i):G6}:{_counts[i]}");
        }
        return text.ToString();
    }
}
