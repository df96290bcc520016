using AsyncRL.Algorithms.Dqn;
using AsyncRL.Algorithms.Ppo;
using AsyncRL.Algorithms.Replay;
using AsyncRL.Contracts.V1;
using AsyncRL.Environments;
using AsyncRL.Environments.Goals;
using AsyncRL.Models.Nn;
using EnvSpec = AsyncRL.Environments.EnvSpec;

namespace AsyncRL.Algorithms.Her;

/// <summary>
/// DQN + HER behind the learner node's seam: actors send whole episodes, the learner keeps them in an
/// <see cref="EpisodeReplay"/> and relabels goals while sampling (with the environment's own reward
/// function), then takes a double-DQN step on the goal-conditioned Q(s ‖ g, a). Updates follow the same
/// samples-per-insert limiter as DQN.
/// </summary>
public sealed class HerLearnerAlgorithm : ILearnerAlgorithm, IScoredLearnerAlgorithm
{
    /// <summary>HER's name on the wire and in the CLI.</summary>
    public const string AlgorithmName = "her";

    private const ulong ScoreSeed = 0x5C0E;

    private readonly HerOptions _options;
    private readonly EnvSpec _env;
    private readonly IReadOnlyDictionary<string, string> _envArgs;
    private readonly Generator _rng;
    private readonly DqnLearner _learner;
    private readonly EpisodeReplay _store;
    private readonly HerSampler _sampler;
    private readonly SampleToInsertRatio _limiter;
    private readonly ReplayRates _rates;
    private readonly List<LearnerBatch> _ingested = [];
    private readonly float[] _obs, _next, _rewards, _discounts, _weights;
    private readonly int[] _actions;
    private readonly long[] _lag, _age;

    /// <summary>Builds network, episode store and learner from one seed; the environment must be a goal task.</summary>
    public HerLearnerAlgorithm(HerOptions options, EnvSpec env, IReadOnlyDictionary<string, string>? envArgs, ulong seed, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(env);
        options.Validate();
        (_options, _env, _envArgs) = (options, env, envArgs ?? new Dictionary<string, string>());
        var goalEnv = EnvRegistry.Create(env.Id, _envArgs, new Generator(0)) as IGoalEnvironment
            ?? throw new ArgumentException($"HER needs a goal-conditioned environment (bitflip); '{env.Id}' is not one.", nameof(env));
        var dqn = options.Dqn;
        var root = new Generator(seed);
        _learner = new DqnLearner(new QNetwork(env.ObservationSize, env.ActionCount, dqn.Hidden, root), dqn);
        _rng = root.Fork();
        _store = new EpisodeReplay(dqn.ReplayCapacity, HerSampler.Columns(env.ObservationSize));
        _sampler = new HerSampler(goalEnv, options);
        _limiter = dqn.RateLimiter();
        _rates = new ReplayRates(time ?? TimeProvider.System);
        int b = dqn.BatchSize, o = env.ObservationSize;
        (_obs, _next, _rewards, _discounts, _weights) = (new float[b * o], new float[b * o], new float[b], new float[b], Enumerable.Repeat(1f, b).ToArray());
        (_actions, _lag, _age) = (new int[b], new long[b], new long[b]);
        Schema = HerWire.Schema(o);
    }

    /// <inheritdoc />
    public string Name => AlgorithmName;

    /// <inheritdoc />
    public SampleSchema Schema { get; }

    /// <inheritdoc />
    public Module Policy => _learner.Online;

    /// <summary>The episode store.</summary>
    public EpisodeReplay Store => _store;

    /// <summary>The learner step.</summary>
    public DqnLearner Learner => _learner;

    /// <inheritdoc />
    public bool ReadyToUpdate => _store.Count > 0 && _limiter.CanSample(_store.Inserted, _store.Sampled, _store.Size, _options.Dqn.BatchSize);

    /// <inheritdoc />
    public RunSpec CreateRunSpec(ulong seed, uint lag) =>
        DqnRunSpec.Create(Name, _options.Dqn, _env.Id, _envArgs, Schema, seed, lag, maxStaleness: 0);

    /// <inheritdoc />
    public ILearnerSamples Decode(SampleBatch batch) => new HerSamples(HerWire.FromBatch(batch, _env.ObservationSize, _env.ActionCount));

    /// <inheritdoc />
    public void Ingest(LearnerBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Samples is not HerSamples { Episodes: var e })
            throw new ArgumentException($"HER stores HER episodes, got {batch.Samples.GetType().Name}.", nameof(batch));
        int o = _env.ObservationSize;
        foreach (var (start, length) in e.Episodes())
        {
            var actions = new float[length];
            for (int t = 0; t < length; t++) actions[t] = e.Actions[start + t];
            _store.Add(length, [e.Observations.AsMemory(start * o, length * o), actions, e.NextObservations.AsMemory(start * o, length * o)], e.PolicyVersions[start]);
        }
        _ingested.Add(batch);
    }

    /// <inheritdoc />
    public LearnerUpdateResult Update(long learnerVersion)
    {
        if (!ReadyToUpdate) throw new InvalidOperationException("HER update: the rate limiter allows no sample now.");
        int relabelled = _sampler.Sample(_store, _rng, learnerVersion, _obs, _actions, _rewards, _next, _discounts, _lag, _age);
        var stats = _learner.Update(_obs, _actions, _rewards, _next, _discounts, _weights);
        _store.CurrentUpdate = _learner.Updates;
        var (insertRate, sampleRate) = _rates.Read(_store.Inserted, _store.Sampled);
        var metrics = ReplayMetrics.Counters(_store.Size, _store.Inserted, _store.Sampled, insertRate, sampleRate);
        metrics["replay_episodes"] = _store.Count;
        metrics["replay_evicted_episodes"] = _store.EvictedEpisodes;
        ReplayMetrics.AddStaleness(metrics, _lag, _age);
        metrics["loss"] = stats.Loss;
        metrics["q_mean"] = stats.QMean;
        metrics["td_abs_mean"] = stats.TdAbsMean;
        metrics["grad_norm"] = stats.GradNorm;
        metrics["relabelled_fraction"] = (double)relabelled / _actions.Length;
        metrics["batch_success_fraction"] = _discounts.Count(d => d == 0f) / (double)_actions.Length;
        var consumed = _ingested.ToArray();
        _ingested.Clear();
        return new LearnerUpdateResult(metrics, StalenessSummary.Of(_lag), _actions.Length, 0, consumed);
    }

    /// <inheritdoc />
    public double? Score() => GreedyEvaluation.Run(_learner.Online, _env.Id, _envArgs, DqnLearnerAlgorithm.ScoreEpisodes, ScoreSeed).SuccessRate;

    /// <summary>Networks, optimizer, RNG and counters; the episode store is not checkpointed (it refills after a restart).</summary>
    public LearnerAlgorithmState SaveState() => DqnCheckpoint.Save(_learner, _rng, "her.");

    /// <inheritdoc />
    public void RestoreState(LearnerAlgorithmState state)
    {
        DqnCheckpoint.Restore(state, _learner, _rng, "her.");
        _store.CurrentUpdate = _learner.Updates;
    }

    /// <summary>A decoded HER batch.</summary>
    private sealed record HerSamples(HerEpisodes Episodes) : ILearnerSamples
    {
        public int Rows => Episodes.Rows;
    }
}
