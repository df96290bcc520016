using AsyncRL.Algorithms.Dqn;
using AsyncRL.Contracts.V1;
using AsyncRL.Environments;
using AsyncRL.Models.Nn;
using WireEpisode = AsyncRL.Contracts.V1.EpisodeStats;

namespace AsyncRL.Algorithms.Her;

/// <summary>HER's actor: ε-greedy on the goal-conditioned Q-network copy, sending whole episodes for the learner to relabel.</summary>
public sealed class HerActorAlgorithm : IActorAlgorithm
{
    private readonly QNetwork _model;
    private readonly HerCollector _collector;
    private readonly string _actorId;
    private readonly List<AsyncRL.Environments.EpisodeStats> _finished = [];

    /// <summary>Builds env and network from the run spec; everything random derives from <c>settings.Seed</c>.</summary>
    public HerActorAlgorithm(RunSpec spec, ActorAlgorithmSettings settings)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        if (spec.Env is null || string.IsNullOrEmpty(spec.Env.Id)) throw new ArgumentException("Run spec: env.id is missing.", nameof(spec));
        var acting = DqnRunSpec.Acting(spec);
        var envSpec = EnvRegistry.SpecOf(spec.Env.Id, spec.Env.Args);
        var root = new Generator(settings.Seed);
        var env = EnvRegistry.CreateVector(envSpec.Id, spec.Env.Args, settings.EnvsPerActor, root.NextUInt64());
        _model = new QNetwork(envSpec.ObservationSize, envSpec.ActionCount, acting.Hidden, root.Fork());
        _model.Eval();
        var epsilons = new float[settings.EnvsPerActor];
        for (int e = 0; e < epsilons.Length; e++)
        {
            int slot = ApeXExploration.Slot(settings.ActorId, e, settings.EnvsPerActor, acting.EpsilonSlots);
            epsilons[e] = ApeXExploration.Epsilon(slot, acting.EpsilonSlots, acting.Epsilon, acting.EpsilonAlpha);
        }
        _collector = new HerCollector(env, new DqnActingPolicy(_model, settings.EnvsPerActor), root.Fork(), acting.RolloutLength, epsilons);
        _actorId = settings.ActorId;
    }

    /// <inheritdoc />
    public Module Policy => _model;

    /// <inheritdoc />
    public ActorFragment Collect(long policyVersion)
    {
        var (episodes, steps) = _collector.Collect(policyVersion);
        var batch = HerWire.ToBatch(episodes, _actorId, steps);
        _finished.Clear();
        _collector.Env.DrainEpisodes(_finished);
        foreach (var episode in _finished)
            batch.FinishedEpisodes.Add(new WireEpisode { EpisodeReturn = episode.Return, Length = (uint)episode.Length, PolicyVersion = policyVersion });
        return new ActorFragment(batch, steps);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        // Nothing unmanaged.
    }
}
