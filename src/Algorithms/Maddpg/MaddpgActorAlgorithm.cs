using AsyncRL.Contracts.V1;
using AsyncRL.Environments;
using AsyncRL.Models.Nn;
using WireEpisode = AsyncRL.Contracts.V1.EpisodeStats;

namespace AsyncRL.Algorithms.Maddpg;

/// <summary>
/// MADDPG's actor: a vector of multi-agent environments, a copy of the decentralised policies (each agent acting on
/// its own observation), and joint transitions sent with each finished episode's per-agent returns.
/// </summary>
public sealed class MaddpgActorAlgorithm : IActorAlgorithm
{
    private readonly MaddpgActors _actors;
    private readonly MaddpgCollector _collector;
    private readonly MultiAgentEnvSpec _spec;
    private readonly string _actorId;
    private readonly List<MultiAgentEpisodeStats> _finished = [];

    /// <summary>Builds environments and policies from the run spec; everything random derives from <c>settings.Seed</c>.</summary>
    public MaddpgActorAlgorithm(RunSpec spec, ActorAlgorithmSettings settings)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        if (spec.Env is null || string.IsNullOrEmpty(spec.Env.Id)) throw new ArgumentException("Run spec: env.id is missing.", nameof(spec));
        var acting = MaddpgRunSpec.Acting(spec);
        _spec = EnvRegistry.MultiAgentSpecOf(spec.Env.Id, spec.Env.Args);
        if (spec.Env.AgentCount != 0 && spec.Env.AgentCount != _spec.AgentCount)
            throw new ArgumentException($"Run spec: env.agent_count {spec.Env.AgentCount} does not match {_spec.Id}'s {_spec.AgentCount} agents.", nameof(spec));
        var root = new Generator(settings.Seed);
        var env = EnvRegistry.CreateMultiAgentVector(_spec.Id, spec.Env.Args, settings.EnvsPerActor, root.NextUInt64());
        _actors = new MaddpgActors(_spec, acting.Hidden, root.Fork());
        _actors.Eval();
        _collector = new MaddpgCollector(env, new MaddpgActingPolicy(_actors, settings.EnvsPerActor), root.Fork(), acting.RolloutLength);
        _actorId = settings.ActorId;
    }

    /// <inheritdoc />
    public Module Policy => _actors;

    /// <inheritdoc />
    public ActorFragment Collect(long policyVersion)
    {
        var transitions = _collector.Collect(policyVersion);
        long steps = (long)_collector.Steps * _collector.Env.Count;
        var batch = MaddpgWire.ToBatch(transitions, _spec, _actorId, steps);
        _finished.Clear();
        _collector.Env.DrainEpisodes(_finished);
        foreach (var episode in _finished)
        {
            var stats = new WireEpisode
            {
                EpisodeReturn = episode.Return,
                Length = (uint)episode.Length,
                PolicyVersion = policyVersion,
                Truncated = episode.Length >= _spec.MaxEpisodeSteps,
            };
            stats.AgentReturns.AddRange(episode.AgentReturns.Select(r => (double)r));
            batch.FinishedEpisodes.Add(stats);
        }
        return new ActorFragment(batch, steps);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        // Nothing unmanaged: environments and networks are plain managed objects.
    }
}
