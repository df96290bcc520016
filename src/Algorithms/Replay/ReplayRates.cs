namespace AsyncRL.Algorithms.Replay;

/// <summary>Insert and sample rates of a replay store between successive readings, on an injected clock.</summary>
public sealed class ReplayRates(TimeProvider time)
{
    private long _at = time.GetTimestamp();
    private long _inserted;
    private long _sampled;

    /// <summary>Rows inserted and sampled per second since the previous reading (NaN for the first zero-length interval).</summary>
    public (double InsertsPerSecond, double SamplesPerSecond) Read(long inserted, long sampled)
    {
        long now = time.GetTimestamp();
        double seconds = time.GetElapsedTime(_at, now).TotalSeconds;
        var rates = seconds > 0 ? ((inserted - _inserted) / seconds, (sampled - _sampled) / seconds) : (double.NaN, double.NaN);
        (_at, _inserted, _sampled) = (now, inserted, sampled);
        return rates;
    }
}
