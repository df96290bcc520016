using AsyncRL.Contracts.V1;
using AsyncRL.Environments;
using AsyncRL.Models.Nn;
using WireEpisode = AsyncRL.Contracts.V1.EpisodeStats;

namespace AsyncRL.Algorithms.Ppo;

/// <summary>
/// PPO's actor: a vector env, an <see cref="ActorCritic"/> copy and its allocation-free acting policy. Each
/// <see cref="Collect"/> is one rollout fragment of T steps × N envs, with the episodes that finished in it.
/// </summary>
public sealed class PpoActorAlgorithm : IActorAlgorithm
{
    private readonly ActorCritic _model;
    private readonly PpoRolloutCollector _collector;
    private readonly string _actorId;
    private readonly int _maxEpisodeSteps;
    private readonly List<AsyncRL.Environments.EpisodeStats> _finished = [];

    /// <summary>Builds the env and model from the run spec; everything random derives from <c>settings.Seed</c>.</summary>
    public PpoActorAlgorithm(RunSpec spec, ActorAlgorithmSettings settings)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        if (spec.Env is null || string.IsNullOrEmpty(spec.Env.Id)) throw new ArgumentException("Run spec: env.id is missing.", nameof(spec));
        var envSpec = EnvRegistry.SpecOf(spec.Env.Id);
        var root = new Generator(settings.Seed);
        var env = EnvRegistry.CreateVector(envSpec.Id, settings.EnvsPerActor, root.NextUInt64());
        // The initial parameters are overwritten by the first weights version; seeded only so nothing is left to chance.
        _model = new ActorCritic(envSpec.ObservationSize, envSpec.ActionCount, PpoRunSpec.Hidden(spec), root.Fork());
        _model.Eval();
        var policy = new PpoActingPolicy(_model, settings.EnvsPerActor);
        _collector = new PpoRolloutCollector(env, policy, root.Fork(), PpoRunSpec.RolloutLength(spec));
        _actorId = settings.ActorId;
        _maxEpisodeSteps = envSpec.MaxEpisodeSteps;
    }

    /// <inheritdoc />
    public Module Policy => _model;

    /// <summary>Rows per fragment (T·N).</summary>
    public int RowsPerFragment => _collector.Steps * _collector.Env.Count;

    /// <inheritdoc />
    public ActorFragment Collect(long policyVersion)
    {
        PpoFragment fragment = _collector.Collect(policyVersion);
        SampleBatch batch = PpoWire.ToBatch(fragment, _actorId, seq: 0);
        _finished.Clear();
        _collector.Env.DrainEpisodes(_finished);
        foreach (var episode in _finished)
        {
            batch.FinishedEpisodes.Add(new WireEpisode
            {
                EpisodeReturn = episode.Return,
                Length = (uint)episode.Length,
                PolicyVersion = policyVersion,
                // The vector env does not say which end it was; reaching the time limit is a truncation by definition.
                Truncated = episode.Length >= _maxEpisodeSteps,
            });
        }
        return new ActorFragment(batch, fragment.Rows);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        // Nothing unmanaged: environments and the model are plain managed objects.
    }
}
