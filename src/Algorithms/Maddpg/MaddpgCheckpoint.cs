using System.Globalization;

namespace AsyncRL.Algorithms.Maddpg;

/// <summary>
/// A <see cref="MaddpgLearner"/>'s checkpoint: the policies as the model (what actors and <c>eval</c> load); the
/// critics, both target networks and every optimizer's state beside the optimizer state under their own prefixes;
/// the sampler's RNG and the update count as strings.
/// </summary>
public static class MaddpgCheckpoint
{
    private const string Critic = "critic.", TargetActor = "target_actor.", TargetCritic = "target_critic.";
    private const string ActorOptimizer = "actor_optimizer.", CriticOptimizer = "critic_optimizer.";
    private const string Rng = "maddpg.rng", Updates = "maddpg.updates";

    /// <summary>The learner's state.</summary>
    public static LearnerAlgorithmState Save(MaddpgLearner learner, Generator rng)
    {
        ArgumentNullException.ThrowIfNull(learner);
        ArgumentNullException.ThrowIfNull(rng);
        learner.SyncHost();
        var rest = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        void Add(string prefix, IReadOnlyDictionary<string, Tensor> state)
        {
            foreach (var (name, t) in state) rest[prefix + name] = t;
        }
        Add(Critic, learner.Critics.StateDict());
        Add(TargetActor, learner.TargetActors.StateDict());
        Add(TargetCritic, learner.TargetCritics.StateDict());
        for (int i = 0; i < learner.ActorOptimizers.Count; i++)
        {
            Add(AgentPrefix(ActorOptimizer, i), learner.ActorOptimizers[i].StateDict());
            Add(AgentPrefix(CriticOptimizer, i), learner.CriticOptimizers[i].StateDict());
        }
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [Rng] = string.Join(',', rng.GetState().Select(w => w.ToString(CultureInfo.InvariantCulture))),
            [Updates] = learner.Updates.ToString(CultureInfo.InvariantCulture),
        };
        return new LearnerAlgorithmState(learner.Actors.StateDict(), rest, metadata);
    }

    /// <summary>Restores what <see cref="Save"/> wrote; throws naming what is missing or does not fit.</summary>
    public static void Restore(LearnerAlgorithmState state, MaddpgLearner learner, Generator rng)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(learner);
        ArgumentNullException.ThrowIfNull(rng);
        if (!state.Metadata.TryGetValue(Rng, out var words) || !state.Metadata.TryGetValue(Updates, out var updates))
            throw new ArgumentException($"Checkpoint lacks '{Rng}' or '{Updates}'.", nameof(state));
        var rest = state.Optimizer ?? throw new ArgumentException("Checkpoint lacks the critics, target networks and optimizer states.", nameof(state));
        Dictionary<string, Tensor> Part(string prefix) =>
            rest.Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal)).ToDictionary(kv => kv.Key[prefix.Length..], kv => kv.Value, StringComparer.Ordinal);
        learner.Actors.LoadStateDict(state.Model);
        learner.Critics.LoadStateDict(Part(Critic));
        learner.TargetActors.LoadStateDict(Part(TargetActor));
        learner.TargetCritics.LoadStateDict(Part(TargetCritic));
        for (int i = 0; i < learner.ActorOptimizers.Count; i++)
        {
            learner.ActorOptimizers[i].LoadStateDict(Part(AgentPrefix(ActorOptimizer, i)));
            learner.CriticOptimizers[i].LoadStateDict(Part(AgentPrefix(CriticOptimizer, i)));
        }
        learner.PullFromHost();
        rng.SetState(words.Split(',').Select(w => ulong.Parse(w, CultureInfo.InvariantCulture)).ToArray());
        learner.RestoreUpdateCount(long.Parse(updates, CultureInfo.InvariantCulture));
    }

    private static string AgentPrefix(string prefix, int agent) => $"{prefix}{MaddpgActors.AgentName(agent)}.";
}
