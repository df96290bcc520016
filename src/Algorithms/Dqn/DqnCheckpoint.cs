using System.Globalization;

namespace AsyncRL.Algorithms.Dqn;

/// <summary>
/// A <see cref="DqnLearner"/>'s checkpoint: the online network as the model (what actors and <c>eval</c>
/// load), the optimizer state with the target network beside it under <c>target_network.</c>, and the
/// sampler's RNG and update count as strings.
/// </summary>
public static class DqnCheckpoint
{
    private const string TargetPrefix = "target_network.";

    /// <summary>The learner's state under metadata keys prefixed with <paramref name="prefix"/>.</summary>
    public static LearnerAlgorithmState Save(DqnLearner learner, Generator rng, string prefix)
    {
        ArgumentNullException.ThrowIfNull(learner);
        ArgumentNullException.ThrowIfNull(rng);
        var optimizer = learner.Networks.OptimizerState().ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        foreach (var (name, t) in learner.Target.StateDict()) optimizer[TargetPrefix + name] = t;
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [prefix + "rng"] = string.Join(',', rng.GetState().Select(w => w.ToString(CultureInfo.InvariantCulture))),
            [prefix + "updates"] = learner.Updates.ToString(CultureInfo.InvariantCulture),
        };
        return new LearnerAlgorithmState(learner.Online.StateDict(), optimizer, metadata);
    }

    /// <summary>Restores what <see cref="Save"/> wrote; throws naming what is missing.</summary>
    public static void Restore(LearnerAlgorithmState state, DqnLearner learner, Generator rng, string prefix)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(learner);
        ArgumentNullException.ThrowIfNull(rng);
        if (!state.Metadata.TryGetValue(prefix + "rng", out var words) || !state.Metadata.TryGetValue(prefix + "updates", out var updates))
            throw new ArgumentException($"Checkpoint lacks '{prefix}rng' or '{prefix}updates'.", nameof(state));
        var optimizer = state.Optimizer ?? throw new ArgumentException("Checkpoint lacks the optimizer state and target network.", nameof(state));
        bool IsTarget(string key) => key.StartsWith(TargetPrefix, StringComparison.Ordinal);
        learner.Online.LoadStateDict(state.Model);
        learner.Target.LoadStateDict(optimizer.Where(kv => IsTarget(kv.Key)).ToDictionary(kv => kv.Key[TargetPrefix.Length..], kv => kv.Value, StringComparer.Ordinal));
        learner.Networks.PullFromHost();
        learner.Networks.LoadOptimizerState(optimizer.Where(kv => !IsTarget(kv.Key)).ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal));
        rng.SetState(words.Split(',').Select(w => ulong.Parse(w, CultureInfo.InvariantCulture)).ToArray());
        learner.RestoreUpdateCount(long.Parse(updates, CultureInfo.InvariantCulture));
    }
}
