namespace AsyncRL.Algorithms.Replay;

/// <summary>
/// A samples-per-insert rate limiter (as Reverb's <c>SampleToInsertRatio</c>): once the buffer holds
/// <see cref="MinSizeToSample"/> rows, sampled rows track <see cref="SamplesPerInsert"/> × inserted rows
/// within ± <see cref="ErrorBuffer"/>. Sampling waits for data when it runs ahead; inserting waits for the
/// learner when it runs ahead (on the learner node that wait is the ingestion queue filling, which
/// withholds credits from actors).
/// </summary>
/// <param name="SamplesPerInsert">Rows sampled per row inserted (a replay ratio; batch 32 every 4 env steps is 8).</param>
/// <param name="MinSizeToSample">Rows the buffer must hold before the first sample.</param>
/// <param name="ErrorBuffer">Slack, in sampled rows, either way (at least one batch, or nothing could ever be sampled).</param>
public sealed record SampleToInsertRatio(double SamplesPerInsert, int MinSizeToSample, double ErrorBuffer)
{
    /// <summary>Throws when a value is out of range.</summary>
    public void Validate()
    {
        if (!(SamplesPerInsert > 0) || double.IsInfinity(SamplesPerInsert)) throw new ArgumentException($"Rate limiter: samples per insert must be positive, got {SamplesPerInsert}.");
        if (MinSizeToSample < 1) throw new ArgumentException($"Rate limiter: the minimum size to sample must be at least 1, got {MinSizeToSample}.");
        if (!(ErrorBuffer >= 0)) throw new ArgumentException($"Rate limiter: the error buffer must not be negative, got {ErrorBuffer}.");
    }

    /// <summary>SPI·(inserted − min size) − sampled: how far sampling is behind its target (negative: ahead).</summary>
    public double Deficit(long inserted, long sampled) => SamplesPerInsert * (inserted - MinSizeToSample) - sampled;

    /// <summary>Whether <paramref name="batch"/> more rows may be sampled now.</summary>
    public bool CanSample(long inserted, long sampled, int size, int batch) =>
        size >= MinSizeToSample && Deficit(inserted, sampled) - batch >= -ErrorBuffer;

    /// <summary>Whether more rows may be inserted now: while filling up, or while sampling is at most <see cref="ErrorBuffer"/> rows behind.</summary>
    public bool CanInsert(long inserted, long sampled, int size, int rows) =>
        size + rows <= MinSizeToSample || Deficit(inserted, sampled) <= ErrorBuffer;
}
