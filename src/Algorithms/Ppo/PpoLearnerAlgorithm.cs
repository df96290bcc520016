using System.Globalization;
using AsyncRL.Contracts.V1;
using AsyncRL.Models.Nn;
using EnvSpec = AsyncRL.Environments.EnvSpec;

namespace AsyncRL.Algorithms.Ppo;

/// <summary>
/// PPO behind the learner node's seam: a FIFO of rollout fragments that holds one update's worth of rows
/// (<see cref="PpoOptions.RowsPerUpdate"/>), consumed oldest first by <see cref="PpoLearner.Update"/>.
/// </summary>
public sealed class PpoLearnerAlgorithm : ILearnerAlgorithm
{
    private const string RngKey = "ppo.rng";
    private const string UpdatesKey = "ppo.updates";

    private readonly PpoOptions _options;
    private readonly EnvSpec _env;
    private readonly Generator _rng;
    private readonly PpoLearner _learner;
    private readonly int? _maxStaleness;
    private readonly Queue<LearnerBatch> _fragments = new();
    private int _bufferedRows;

    /// <summary>Builds the model and learner from one seed.</summary>
    /// <param name="options">PPO hyper-parameters.</param>
    /// <param name="env">The task (observation size, action count).</param>
    /// <param name="seed">Seeds the initial weights and the minibatch shuffling.</param>
    /// <param name="maxStaleness">Rows more than this many versions behind are left out of the loss (0: no bound).</param>
    /// <param name="totalUpdates">Updates over which the learning rate anneals (0: constant).</param>
    public PpoLearnerAlgorithm(PpoOptions options, EnvSpec env, ulong seed, uint maxStaleness = 0, long totalUpdates = 0)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(env);
        options.Validate();
        _options = options;
        _env = env;
        var root = new Generator(seed);
        var model = new ActorCritic(env.ObservationSize, env.ActionCount, options.Hidden, root);
        _rng = root.Fork();
        _learner = new PpoLearner(model, options, _rng, totalUpdates);
        _maxStaleness = maxStaleness == 0 ? null : checked((int)maxStaleness);
        MaxStaleness = maxStaleness;
        Schema = PpoWire.Schema(env.ObservationSize);
    }

    /// <inheritdoc />
    public string Name => PpoRunSpec.Algorithm;

    /// <inheritdoc />
    public SampleSchema Schema { get; }

    /// <inheritdoc />
    public Module Policy => _learner.Model;

    /// <summary>The staleness bound the run spec announces (0: none).</summary>
    public uint MaxStaleness { get; }

    /// <summary>Rows waiting in the FIFO.</summary>
    public int BufferedRows => _bufferedRows;

    /// <inheritdoc />
    public bool ReadyToUpdate => _bufferedRows >= _options.RowsPerUpdate;

    /// <inheritdoc />
    public RunSpec CreateRunSpec(ulong seed, uint lag) =>
        PpoRunSpec.Create(_options, _env.Id, _env.ObservationSize, seed, lag, MaxStaleness);

    /// <inheritdoc />
    public ILearnerSamples Decode(SampleBatch batch) =>
        new PpoSamples(PpoWire.FromBatch(batch, _env.ObservationSize, _env.ActionCount));

    /// <inheritdoc />
    public void Ingest(LearnerBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Samples is not PpoSamples)
            throw new ArgumentException($"PPO stores PPO fragments, got {batch.Samples.GetType().Name}.", nameof(batch));
        // The node updates as soon as the store is ready, so the FIFO never holds more than one update's
        // rows plus one fragment: that is its bound.
        if (ReadyToUpdate) throw new InvalidOperationException("PPO store is full: run an update before ingesting more.");
        _fragments.Enqueue(batch);
        _bufferedRows += batch.Rows;
    }

    /// <inheritdoc />
    public LearnerUpdateResult Update(long learnerVersion)
    {
        if (!ReadyToUpdate) throw new InvalidOperationException($"PPO update needs {_options.RowsPerUpdate} rows, {_bufferedRows} are buffered.");
        var consumed = new List<LearnerBatch>();
        int rows = 0;
        while (rows < _options.RowsPerUpdate && _fragments.TryDequeue(out var batch))
        {
            consumed.Add(batch);
            rows += batch.Rows;
        }
        _bufferedRows -= rows;
        var stats = _learner.Update([.. consumed.Select(b => ((PpoSamples)b.Samples).Fragment)], learnerVersion, _maxStaleness);
        var metrics = new Dictionary<string, double>(StringComparer.Ordinal)
        {
            ["loss"] = stats.Loss,
            ["policy_loss"] = stats.Last.PolicyLoss,
            ["value_loss"] = stats.Last.ValueLoss,
            ["entropy"] = stats.Last.Entropy,
            ["approx_kl"] = stats.ApproxKl,
            ["clip_fraction"] = stats.ClipFraction,
            ["ratio_mean"] = stats.RatioMean,
            ["ess"] = stats.EffectiveSampleSize,
            ["explained_variance"] = stats.ExplainedVariance,
            ["grad_norm"] = stats.GradNorm,
            ["lr"] = stats.LearningRate,
            ["skipped_steps"] = _learner.SkippedSteps,
        };
        return new LearnerUpdateResult(metrics, stats.Staleness, stats.Rows, stats.RowsDropped, consumed);
    }

    /// <inheritdoc />
    public LearnerAlgorithmState SaveState() => new(
        _learner.Model.StateDict(),
        _learner.Networks.OptimizerState(),
        new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [RngKey] = string.Join(',', _rng.GetState().Select(w => w.ToString(CultureInfo.InvariantCulture))),
            [UpdatesKey] = _learner.Updates.ToString(CultureInfo.InvariantCulture),
        });

    /// <inheritdoc />
    public void RestoreState(LearnerAlgorithmState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (!state.Metadata.TryGetValue(RngKey, out var rng) || !state.Metadata.TryGetValue(UpdatesKey, out var updates))
            throw new ArgumentException($"PPO state lacks '{RngKey}' or '{UpdatesKey}'.", nameof(state));
        var words = rng.Split(',').Select(w => ulong.Parse(w, CultureInfo.InvariantCulture)).ToArray();
        _learner.Model.LoadStateDict(state.Model);
        _learner.Networks.PullFromHost();
        if (state.Optimizer is not null) _learner.Networks.LoadOptimizerState(state.Optimizer);
        _rng.SetState(words);
        _learner.RestoreUpdateCount(long.Parse(updates, CultureInfo.InvariantCulture));
    }

    /// <summary>A decoded PPO batch.</summary>
    private sealed record PpoSamples(PpoFragment Fragment) : ILearnerSamples
    {
        public int Rows => Fragment.Rows;
    }
}
