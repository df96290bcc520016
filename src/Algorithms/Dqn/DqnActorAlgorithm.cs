using AsyncRL.Contracts.V1;
using AsyncRL.Environments;
using AsyncRL.Models.Nn;
using WireEpisode = AsyncRL.Contracts.V1.EpisodeStats;

namespace AsyncRL.Algorithms.Dqn;

/// <summary>
/// DQN's actor (Ape-X): a vector env explored ε-greedily with one εᵢ per environment slot, a Q-network copy,
/// and n-step transitions with initial priorities computed here.
/// </summary>
public sealed class DqnActorAlgorithm : IActorAlgorithm
{
    private readonly QNetwork _model;
    private readonly DqnCollector _collector;
    private readonly string _actorId;
    private readonly int _maxEpisodeSteps;
    private readonly List<AsyncRL.Environments.EpisodeStats> _finished = [];

    /// <summary>Builds env and network from the run spec; everything random derives from <c>settings.Seed</c>.</summary>
    public DqnActorAlgorithm(RunSpec spec, ActorAlgorithmSettings settings)
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
        _collector = new DqnCollector(env, new DqnActingPolicy(_model, settings.EnvsPerActor), root.Fork(), acting.RolloutLength,
            acting.NStep, acting.Gamma, epsilons, acting.EpsilonDecaySteps);
        _actorId = settings.ActorId;
        _maxEpisodeSteps = envSpec.MaxEpisodeSteps;
    }

    /// <inheritdoc />
    public Module Policy => _model;

    /// <summary>ε of each environment now.</summary>
    public ReadOnlySpan<float> Epsilons => _collector.Epsilons;

    /// <inheritdoc />
    public ActorFragment Collect(long policyVersion)
    {
        var transitions = _collector.Collect(policyVersion);
        long steps = (long)_collector.Steps * _collector.Env.Count;
        var batch = DqnWire.ToBatch(transitions, _actorId, steps);
        _finished.Clear();
        _collector.Env.DrainEpisodes(_finished);
        foreach (var episode in _finished)
        {
            batch.FinishedEpisodes.Add(new WireEpisode
            {
                EpisodeReturn = episode.Return,
                Length = (uint)episode.Length,
                PolicyVersion = policyVersion,
                Truncated = episode.Length >= _maxEpisodeSteps,
            });
        }
        return new ActorFragment(batch, steps);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        // Nothing unmanaged: environments and the network are plain managed objects.
    }
}
