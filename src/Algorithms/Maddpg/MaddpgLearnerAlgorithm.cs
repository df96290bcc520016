using System.Globalization;
using AsyncRL.Algorithms.Ppo;
using AsyncRL.Algorithms.Replay;
using AsyncRL.Contracts.V1;
using AsyncRL.Environments;
using AsyncRL.Models.Nn;

namespace AsyncRL.Algorithms.Maddpg;

/// <summary>
/// MADDPG behind the learner node's seam: joint transitions go into a uniform replay (one row per environment step,
/// all agents side by side); an update is ready whenever the samples-per-insert limiter allows one more batch, so the
/// update loop waits for data when actors are slow, and actors lose credits when the learner is. Each update trains
/// every agent's centralised critic and decentralised actor on one batch; the actors' weights are what is published.
/// </summary>
public sealed class MaddpgLearnerAlgorithm : ILearnerAlgorithm
{
    private const string ReplayPrefix = "replay.";

    private readonly MaddpgOptions _options;
    private readonly MultiAgentEnvSpec _spec;
    private readonly Generator _rng;
    private readonly MaddpgLearner _learner;
    private readonly ReplayBuffer _replay;
    private readonly ReplaySample _sample;
    private readonly SampleToInsertRatio _limiter;
    private readonly ReplayRates _rates;
    private readonly TeamReturns _returns;
    private readonly int? _maxStaleness;
    private readonly List<LearnerBatch> _ingested = [];
    private readonly float[] _weights;

    /// <summary>Builds networks, replay and learner from one seed.</summary>
    /// <param name="options">Hyper-parameters.</param>
    /// <param name="env">The multi-agent task.</param>
    /// <param name="seed">Seeds the networks, the replay sampler and the Gumbel noise.</param>
    /// <param name="maxStaleness">Sampled rows whose acting policy lags more than this many versions get weight 0 (0: no bound).</param>
    /// <param name="time">The clock of the replay rates.</param>
    public MaddpgLearnerAlgorithm(MaddpgOptions options, MultiAgentEnvSpec env, ulong seed, uint maxStaleness = 0, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(env);
        options.Validate();
        (_options, _spec) = (options, env);
        var root = new Generator(seed);
        var actors = new MaddpgActors(env, options.Hidden, root);
        var critics = new MaddpgCritics(env, options.Hidden, root);
        _rng = root.Fork();
        _learner = new MaddpgLearner(actors, critics, options, _rng);
        _replay = new ReplayBuffer(options.Replay(), Columns(env));
        _sample = new ReplaySample(_replay.Columns, options.BatchSize);
        _limiter = options.RateLimiter();
        _rates = new ReplayRates(time ?? TimeProvider.System);
        _returns = new TeamReturns(env);
        (_maxStaleness, MaxStaleness) = (maxStaleness == 0 ? null : checked((int)maxStaleness), maxStaleness);
        _weights = new float[options.BatchSize];
        Schema = MaddpgWire.Schema(env);
    }

    /// <summary>The replay layout: x (J), a (N), r (N), x′ (J), d (1).</summary>
    public static ReplayColumn[] Columns(MultiAgentEnvSpec env)
    {
        ArgumentNullException.ThrowIfNull(env);
        int j = env.JointObservationSize, n = env.AgentCount;
        return [new("obs", j), new("action", n), new("reward", n), new("next_obs", j), new("done", 1)];
    }

    /// <inheritdoc />
    public string Name => MaddpgRunSpec.Algorithm;

    /// <inheritdoc />
    public SampleSchema Schema { get; }

    /// <inheritdoc />
    public Module Policy => _learner.Actors;

    /// <summary>The staleness bound the run spec announces (0: none).</summary>
    public uint MaxStaleness { get; }

    /// <summary>The task.</summary>
    public MultiAgentEnvSpec Spec => _spec;

    /// <summary>The replay store.</summary>
    public ReplayBuffer Replay => _replay;

    /// <summary>The learner step (networks and optimizers).</summary>
    public MaddpgLearner Learner => _learner;

    /// <inheritdoc />
    public bool ReadyToUpdate => _limiter.CanSample(_replay.Inserted, _replay.Sampled, _replay.Size, _options.BatchSize);

    /// <inheritdoc />
    public RunSpec CreateRunSpec(ulong seed, uint lag) => MaddpgRunSpec.Create(_options, _spec, Schema, seed, lag, MaxStaleness);

    /// <inheritdoc />
    public ILearnerSamples Decode(SampleBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var transitions = MaddpgWire.FromBatch(batch, _spec, Schema);
        return new MaddpgSamples(transitions, MaddpgWire.AgentReturns(batch.FinishedEpisodes, _spec.AgentCount));
    }

    /// <inheritdoc />
    public void Ingest(LearnerBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Samples is not MaddpgSamples { Transitions: var t, AgentReturns: var returns })
            throw new ArgumentException($"MADDPG stores MADDPG transitions, got {batch.Samples.GetType().Name}.", nameof(batch));
        var actions = new float[t.Actions.Length];
        for (int i = 0; i < actions.Length; i++) actions[i] = t.Actions[i];
        _replay.Insert(t.Rows, [t.Observations, actions, t.Rewards, t.NextObservations, t.Dones], t.PolicyVersions);
        _returns.Add(returns);
        _ingested.Add(batch);
    }

    /// <inheritdoc />
    public LearnerUpdateResult Update(long learnerVersion)
    {
        if (!ReadyToUpdate) throw new InvalidOperationException("MADDPG update: the rate limiter allows no sample now.");
        _replay.Sample(_sample, _rng, learnerVersion);
        int dropped = 0;
        for (int i = 0; i < _weights.Length; i++)
        {
            bool tooStale = _maxStaleness is { } bound && _sample.PolicyLag[i] > bound;
            _weights[i] = tooStale ? 0f : 1f;
            if (tooStale) dropped++;
        }
        var stats = _learner.Update(new MaddpgBatch(_sample.ColumnArray(0), _sample.ColumnArray(1), _sample.ColumnArray(2), _sample.ColumnArray(3), _sample.ColumnArray(4), _weights));
        _replay.CurrentUpdate = _learner.Updates;
        var metrics = ReplayMetrics.Describe(_replay, _sample, _rates);
        Describe(stats, metrics);
        _returns.Describe(metrics);
        metrics["lr"] = _options.LearningRate;
        var consumed = _ingested.ToArray();
        _ingested.Clear();
        return new LearnerUpdateResult(metrics, StalenessSummary.Of(_sample.PolicyLag), _options.BatchSize, dropped, consumed);
    }

    // `loss` (the contract's) is the critics' mean loss; per-agent figures follow as agent_{i}_….
    private static void Describe(MaddpgUpdateStats stats, Dictionary<string, double> metrics)
    {
        metrics["loss"] = stats.CriticLoss.Average();
        metrics["actor_loss"] = stats.ActorLoss.Average();
        metrics["q_mean"] = stats.QMean.Average();
        metrics["target_q_mean"] = stats.TargetMean.Average();
        metrics["critic_grad_norm"] = stats.CriticGradNorm.Average();
        metrics["actor_grad_norm"] = stats.ActorGradNorm.Average();
        metrics["policy_entropy"] = stats.Entropy.Average();
        for (int i = 0; i < stats.CriticLoss.Length; i++)
        {
            string p = string.Create(CultureInfo.InvariantCulture, $"agent_{i}_");
            metrics[p + "critic_loss"] = stats.CriticLoss[i];
            metrics[p + "actor_loss"] = stats.ActorLoss[i];
            metrics[p + "q_mean"] = stats.QMean[i];
            metrics[p + "policy_entropy"] = stats.Entropy[i];
        }
    }

    /// <inheritdoc />
    public LearnerAlgorithmState SaveState()
    {
        var state = MaddpgCheckpoint.Save(_learner, _rng);
        if (!_options.CheckpointReplay) return state;
        var (replay, replayMetadata) = _replay.SaveState(ReplayPrefix);
        var metadata = new Dictionary<string, string>(state.Metadata, StringComparer.Ordinal);
        foreach (var (k, v) in replayMetadata) metadata[k] = v;
        return state with { Metadata = metadata, Replay = replay };
    }

    /// <inheritdoc />
    public void RestoreState(LearnerAlgorithmState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        MaddpgCheckpoint.Restore(state, _learner, _rng);
        _replay.CurrentUpdate = _learner.Updates;
        // Resume with the replay only when asked to and when the checkpoint has it; otherwise it refills (the limiter waits for it).
        if (_options.CheckpointReplay && state.Replay is { } replay) _replay.RestoreState(replay, state.Metadata, ReplayPrefix);
    }

    /// <summary>A decoded MADDPG batch and its finished episodes' per-agent returns.</summary>
    private sealed record MaddpgSamples(MaddpgTransitions Transitions, float[][] AgentReturns) : ILearnerSamples
    {
        public int Rows => Transitions.Rows;
    }
}
