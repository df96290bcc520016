using AsyncRL.Algorithms.Ppo;
using AsyncRL.Algorithms.Replay;
using AsyncRL.Contracts.V1;
using AsyncRL.Environments;
using AsyncRL.Environments.Goals;
using AsyncRL.Models.Nn;
using EnvSpec = AsyncRL.Environments.EnvSpec;
using Tensor = AsyncRL.Models.Tensor;

namespace AsyncRL.Algorithms.Dqn;

/// <summary>
/// Ape-X DQN behind the learner node's seam: incoming n-step transitions go into a (prioritized) replay
/// buffer; an update is ready whenever the samples-per-insert limiter allows one more batch, so the update
/// loop waits for data when actors are slow and, when the learner is slow, its ingestion queue fills and
/// credits are withheld from actors. Priorities come from the actors and are refreshed after each update.
/// </summary>
public sealed class DqnLearnerAlgorithm : ILearnerAlgorithm, IScoredLearnerAlgorithm, ISolvedConfirmation
{
    private const string ReplayPrefix = "replay.";

    /// <summary>Greedy episodes behind <see cref="Score"/> (goal tasks).</summary>
    public const int ScoreEpisodes = 100;

    /// <summary>Greedy episodes behind <see cref="ConfirmSolved"/>: the solved check's window of training episodes.</summary>
    public const int ConfirmEpisodes = 20;

    // A fixed seed: the same policy gets the same score.
    private const ulong ScoreSeed = 0x5C0E;

    private readonly DqnOptions _options;
    private readonly EnvSpec _env;
    private readonly IReadOnlyDictionary<string, string> _envArgs;
    private readonly Generator _rng;
    private readonly DqnLearner _learner;
    private readonly ReplayBuffer _replay;
    private readonly ReplaySample _sample;
    private readonly SampleToInsertRatio _limiter;
    private readonly ReplayRates _rates;
    private readonly int? _maxStaleness;
    private readonly List<LearnerBatch> _ingested = [];
    private readonly int[] _actions;
    private readonly float[] _weights;
    private readonly bool _isGoalTask;

    /// <summary>Builds network, replay and learner from one seed.</summary>
    /// <param name="maxStaleness">Sampled rows whose acting policy lags more than this many versions get weight 0 (0: no bound).</param>
    public DqnLearnerAlgorithm(DqnOptions options, EnvSpec env, IReadOnlyDictionary<string, string>? envArgs, ulong seed, uint maxStaleness = 0, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(env);
        options.Validate();
        (_options, _env, _envArgs) = (options, env, envArgs ?? new Dictionary<string, string>());
        var root = new Generator(seed);
        _learner = new DqnLearner(new QNetwork(env.ObservationSize, env.ActionCount, options.Hidden, root), options);
        _rng = root.Fork();
        _replay = new ReplayBuffer(options.Replay(), Columns(env.ObservationSize));
        _sample = new ReplaySample(_replay.Columns, options.BatchSize);
        _limiter = options.RateLimiter();
        _rates = new ReplayRates(time ?? TimeProvider.System);
        (_maxStaleness, MaxStaleness) = (maxStaleness == 0 ? null : checked((int)maxStaleness), maxStaleness);
        (_actions, _weights) = (new int[options.BatchSize], new float[options.BatchSize]);
        Schema = DqnWire.Schema(env.ObservationSize);
        _isGoalTask = EnvRegistry.Create(env.Id, _envArgs, new Generator(0)) is IGoalEnvironment;
    }

    /// <summary>The replay layout: s, a, G, s′, γᵐ.</summary>
    public static ReplayColumn[] Columns(int observationSize) =>
        [new("obs", observationSize), new("action", 1), new("reward", 1), new("next_obs", observationSize), new("discount", 1)];

    /// <inheritdoc />
    public string Name => DqnRunSpec.Algorithm;

    /// <inheritdoc />
    public SampleSchema Schema { get; }

    /// <inheritdoc />
    public Module Policy => _learner.Online;

    /// <summary>The staleness bound the run spec announces (0: none).</summary>
    public uint MaxStaleness { get; }

    /// <summary>The replay store.</summary>
    public ReplayBuffer Replay => _replay;

    /// <summary>The learner step (networks and optimizer).</summary>
    public DqnLearner Learner => _learner;

    /// <inheritdoc />
    public bool ReadyToUpdate => _limiter.CanSample(_replay.Inserted, _replay.Sampled, _replay.Size, _options.BatchSize);

    /// <inheritdoc />
    public RunSpec CreateRunSpec(ulong seed, uint lag) =>
        DqnRunSpec.Create(Name, _options, _env.Id, _envArgs, Schema, seed, lag, MaxStaleness);

    /// <inheritdoc />
    public ILearnerSamples Decode(SampleBatch batch) => new DqnSamples(DqnWire.FromBatch(batch, _env.ObservationSize, _env.ActionCount));

    /// <inheritdoc />
    public void Ingest(LearnerBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Samples is not DqnSamples { Transitions: var t })
            throw new ArgumentException($"DQN stores DQN transitions, got {batch.Samples.GetType().Name}.", nameof(batch));
        var actions = new float[t.Rows];
        for (int i = 0; i < actions.Length; i++) actions[i] = t.Actions[i];
        _replay.Insert(t.Rows, [t.Observations, actions, t.Returns, t.NextObservations, t.Discounts], t.PolicyVersions, t.Priorities);
        _ingested.Add(batch);
    }

    /// <inheritdoc />
    public LearnerUpdateResult Update(long learnerVersion)
    {
        if (!ReadyToUpdate) throw new InvalidOperationException("DQN update: the rate limiter allows no sample now.");
        _replay.Sample(_sample, _rng, learnerVersion);
        var action = _sample.Column(1);
        int dropped = 0;
        for (int i = 0; i < _actions.Length; i++)
        {
            _actions[i] = (int)action[i];
            bool tooStale = _maxStaleness is { } bound && _sample.PolicyLag[i] > bound;
            _weights[i] = tooStale ? 0f : _sample.Weights[i];
            if (tooStale) dropped++;
        }
        var stats = _learner.Update(_sample.ColumnArray(0), _actions, _sample.ColumnArray(2), _sample.ColumnArray(3), _sample.ColumnArray(4), _weights);
        _replay.UpdatePriorities(_sample.Keys, _learner.TdErrors);
        _replay.CurrentUpdate = _learner.Updates;
        var metrics = ReplayMetrics.Describe(_replay, _sample, _rates);
        metrics["loss"] = stats.Loss;
        metrics["q_mean"] = stats.QMean;
        metrics["td_abs_mean"] = stats.TdAbsMean;
        metrics["grad_norm"] = stats.GradNorm;
        metrics["lr"] = _learner.Networks.LearningRate;
        metrics["skipped_steps"] = _learner.SkippedSteps;
        var consumed = _ingested.ToArray();
        _ingested.Clear();
        return new LearnerUpdateResult(metrics, StalenessSummary.Of(_sample.PolicyLag), _options.BatchSize, dropped, consumed);
    }

    /// <inheritdoc />
    public LearnerAlgorithmState SaveState()
    {
        var state = DqnCheckpoint.Save(_learner, _rng, "dqn.");
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
        DqnCheckpoint.Restore(state, _learner, _rng, "dqn.");
        _replay.CurrentUpdate = _learner.Updates;
        // Resume with the replay only when asked to and when the checkpoint has it; otherwise it refills (the limiter waits for it).
        if (_options.CheckpointReplay && state.Replay is { } replay) _replay.RestoreState(replay, state.Metadata, ReplayPrefix);
    }

    /// <inheritdoc />
    public bool ConfirmSolved(float threshold) =>
        GreedyEvaluation.Run(_learner.Online, _env.Id, _envArgs, ConfirmEpisodes, ScoreSeed).ReturnMean >= threshold;

    /// <inheritdoc />
    public double? Score() => _isGoalTask ? GreedyEvaluation.Run(_learner.Online, _env.Id, _envArgs, ScoreEpisodes, ScoreSeed).SuccessRate : null;

    /// <summary>A decoded DQN batch.</summary>
    private sealed record DqnSamples(DqnTransitions Transitions) : ILearnerSamples
    {
        public int Rows => Transitions.Rows;
    }
}
