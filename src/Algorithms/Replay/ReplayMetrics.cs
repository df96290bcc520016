using AsyncRL.Algorithms.Ppo;

namespace AsyncRL.Algorithms.Replay;

/// <summary>A replay store's figures for one metrics line: size, rates, priorities and the sample's two staleness measures.</summary>
public static class ReplayMetrics
{
    /// <summary>
    /// <c>replay_size</c>, <c>replay_inserted</c>, <c>replay_sampled</c>, <c>replay_evicted</c>, insert and sample
    /// rates, priority mean/min/max and β (prioritized only), and the sample's acting-policy lag
    /// (<c>policy_lag_*</c>, learner version − acting version) and age in updates (<c>sample_age_*</c>).
    /// </summary>
    public static Dictionary<string, double> Describe(ReplayBuffer replay, ReplaySample sample, ReplayRates rates)
    {
        ArgumentNullException.ThrowIfNull(replay);
        ArgumentNullException.ThrowIfNull(sample);
        ArgumentNullException.ThrowIfNull(rates);
        var s = replay.Stats();
        var (insertRate, sampleRate) = rates.Read(s.Inserted, s.Sampled);
        var metrics = Counters(s.Size, s.Inserted, s.Sampled, insertRate, sampleRate);
        metrics["replay_evicted"] = s.Evicted;
        if (replay.Options.Prioritized)
        {
            metrics["priority_mean"] = s.PriorityMean;
            metrics["priority_min"] = s.PriorityMin;
            metrics["priority_max"] = s.PriorityMax;
            metrics["beta"] = s.Beta;
            metrics["is_weight_mean"] = sample.Weights.Average();
        }
        AddStaleness(metrics, sample.PolicyLag, sample.Age);
        return metrics;
    }

    /// <summary>The size and rate figures every replay store reports.</summary>
    public static Dictionary<string, double> Counters(int size, long inserted, long sampled, double insertsPerSecond, double samplesPerSecond) => new(StringComparer.Ordinal)
    {
        ["replay_size"] = size,
        ["replay_inserted"] = inserted,
        ["replay_sampled"] = sampled,
        ["replay_inserts_per_s"] = insertsPerSecond,
        ["replay_samples_per_s"] = samplesPerSecond,
    };

    /// <summary>Adds <c>policy_lag_min/mean/max</c> and <c>sample_age_min/mean/max</c>.</summary>
    public static void AddStaleness(Dictionary<string, double> metrics, ReadOnlySpan<long> policyLag, ReadOnlySpan<long> age)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        var lag = StalenessSummary.Of(policyLag);
        var ages = StalenessSummary.Of(age);
        (metrics["policy_lag_min"], metrics["policy_lag_mean"], metrics["policy_lag_max"]) = (lag.Min, lag.Mean, lag.Max);
        (metrics["sample_age_min"], metrics["sample_age_mean"], metrics["sample_age_max"]) = (ages.Min, ages.Mean, ages.Max);
    }
}
