using System.Globalization;
using AsyncRL.Contracts.V1;
using AsyncRL.Models.Nn;
using Tensor = AsyncRL.Models.Tensor;

namespace AsyncRL.Algorithms.Language;

/// <summary>
/// dpo, ppo-lm and rloo behind the learner node's seam: the SFT model is prepared (or loaded from the SFT cache)
/// when the algorithm is built, becomes the reference and the first published policy; each ingested mini-batch is
/// one <see cref="LanguageLearner.Update"/>. Every <see cref="LanguageRlOptions.ScoreEvery"/> updates the metrics
/// carry the held-out <c>score</c> and <c>kl_to_reference</c>, so runs have learning curves.
/// </summary>
public sealed class LanguageLearnerAlgorithm : ILearnerAlgorithm, IReferenceScoredLearnerAlgorithm
{
    private const string UpdatesKey = "lm.updates";
    private const string RngKey = "lm.rng";
    private const string ExtraPrefix = "value.";

    private readonly LanguageRlOptions _options;
    private readonly PreparedTask _prepared;
    private readonly LanguageLearner _learner;
    private readonly IReadOnlyDictionary<string, string> _envArgs;
    private readonly Generator _rng;
    private readonly TimeProvider _time;
    private readonly int _k;
    private LearnerBatch? _pending;

    /// <summary>
    /// Prepares the task (SFT, and the proxy reward model for gold-rm) from the run's seed, then builds the learner.
    /// Cancelling stops the preparation between training steps.
    /// </summary>
    public LanguageLearnerAlgorithm(string algorithm, string env, IReadOnlyDictionary<string, string>? envArgs, ulong seed,
        LanguageRlOptions options, TimeProvider? time = null, CancellationToken cancellationToken = default)
        : this(algorithm, Prepare(algorithm, env, envArgs, seed, options, cancellationToken), envArgs, seed, options, time)
    {
    }

    /// <summary>Builds the learner on an already prepared task.</summary>
    public LanguageLearnerAlgorithm(string algorithm, PreparedTask prepared, IReadOnlyDictionary<string, string>? envArgs, ulong seed,
        LanguageRlOptions options, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(prepared);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate(algorithm);
        _options = options;
        _prepared = prepared;
        _envArgs = envArgs ?? new Dictionary<string, string>();
        _k = options.KFor(algorithm);
        var root = new Generator(seed ^ 0x1EA7_0000_0000_0004UL);
        var objective = LanguageObjectives.Create(algorithm, options, prepared, root.Fork());
        _learner = new LanguageLearner(prepared.CopyOfSft(), prepared.CopyOfSft(), prepared.Rewarder, objective,
            new LanguageLearnerSettings(options.LearningRate, options.Temperature), options.Engine);
        _rng = root.Fork();
        _time = time ?? TimeProvider.System;
        Schema = LanguageWire.Schema(prepared.Task.PromptLength, prepared.Task.CompletionLength);
    }

    /// <inheritdoc />
    public string Name => _learner.Objective.Name;

    /// <inheritdoc />
    public SampleSchema Schema { get; }

    /// <inheritdoc />
    public Module Policy => _learner.Policy;

    /// <summary>The prepared task (SFT model, proxy reward model).</summary>
    public PreparedTask Prepared => _prepared;

    /// <summary>The learner (policy, reference, optimizer).</summary>
    public LanguageLearner Learner => _learner;

    /// <inheritdoc />
    public bool ReadyToUpdate => _pending is not null;

    /// <inheritdoc />
    public double ReferenceScore => _prepared.SftScore;

    /// <inheritdoc />
    public RunSpec CreateRunSpec(ulong seed, uint lag) =>
        LanguageRunSpec.Create(Name, _prepared.Task.Id, _envArgs, Schema,
            new LanguageActing(_options.CompletionsPerBatch, _k, _options.Temperature, _options.Preparation.Model, LanguageRunSpec.AsyncPipelineDepth),
            seed, lag);

    /// <inheritdoc />
    public ILearnerSamples Decode(SampleBatch batch) =>
        new LanguageSamples(LanguageWire.FromBatch(batch, _prepared.Task.PromptLength, _prepared.Task.CompletionLength, _k, Name));

    /// <inheritdoc />
    public void Ingest(LearnerBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Samples is not LanguageSamples)
            throw new ArgumentException($"{Name} stores language mini-batches, got {batch.Samples.GetType().Name}.", nameof(batch));
        // One mini-batch is one update, and the node updates as soon as one is in: the store holds at most one.
        if (_pending is not null) throw new InvalidOperationException($"{Name} store is full: run an update before ingesting more.");
        _pending = batch;
    }

    /// <inheritdoc />
    public LearnerUpdateResult Update(long learnerVersion)
    {
        var batch = _pending ?? throw new InvalidOperationException($"{Name} update needs a mini-batch; none is stored.");
        _pending = null;
        float eta = LearningRates.Eta(_options.Schedule, _options.LearningRate, _learner.Updates, _options.TotalUpdates ?? 0);
        _learner.Engine.LearningRate = eta;
        long start = _time.GetTimestamp();
        var update = _learner.Update(((LanguageSamples)batch.Samples).Batch, learnerVersion);
        double seconds = _time.GetElapsedTime(start).TotalSeconds;
        var metrics = new Dictionary<string, double>(update.Metrics, StringComparer.Ordinal);
        double tokens = metrics.GetValueOrDefault("tokens_trained");
        metrics["train_tokens_per_s"] = seconds > 0 ? tokens / seconds : double.NaN;
        metrics["learning_rate"] = eta;
        if (_options.ScoreEvery > 0 && _learner.Updates % _options.ScoreEvery == 0)
        {
            long evaluation = _time.GetTimestamp();
            metrics["score"] = Score() ?? double.NaN;
            metrics["kl_to_reference"] = KlToReference();
            // What the held-out evaluation cost the learner, so time-to-score can leave it out (it would run offline).
            metrics["eval_s"] = _time.GetElapsedTime(evaluation).TotalSeconds;
        }
        return new LearnerUpdateResult(metrics, update.Staleness, batch.Rows, 0, [batch]);
    }

    /// <inheritdoc />
    public double? Score() => TaskScorer.Score(_learner.Policy, _prepared.Task);

    /// <inheritdoc />
    public double KlToReference() => ReferenceKl.Estimate(_learner.Policy, _learner.Reference, _prepared.Task, _options.Temperature, _rng);

    /// <inheritdoc />
    public LearnerAlgorithmState SaveState()
    {
        var model = new Dictionary<string, Tensor>(_learner.Policy.StateDict(), StringComparer.Ordinal);
        foreach (var (name, tensor) in ValueParameters()) model[name] = tensor;
        return new LearnerAlgorithmState(model, _learner.Engine.OptimizerState(), new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [UpdatesKey] = _learner.Updates.ToString(CultureInfo.InvariantCulture),
            [RngKey] = string.Join(',', _rng.GetState().Select(w => w.ToString(CultureInfo.InvariantCulture))),
        });
    }

    /// <inheritdoc />
    public void RestoreState(LearnerAlgorithmState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (!state.Metadata.TryGetValue(UpdatesKey, out var updates) || !state.Metadata.TryGetValue(RngKey, out var rng))
            throw new ArgumentException($"{Name} state lacks '{UpdatesKey}' or '{RngKey}'.", nameof(state));
        _learner.Policy.LoadStateDict(PolicyPart(state.Model));
        foreach (var (name, target) in ValueParameters())
        {
            if (!state.Model.TryGetValue(name, out var saved)) throw new ArgumentException($"{Name} state lacks '{name}'.", nameof(state));
            target.CopyFrom(saved);
        }
        _learner.Engine.PullFromHost();
        if (state.Optimizer is not null) _learner.Engine.LoadOptimizerState(state.Optimizer);
        _learner.RestoreUpdateCount(long.Parse(updates, CultureInfo.InvariantCulture));
        _rng.SetState([.. rng.Split(',').Select(w => ulong.Parse(w, CultureInfo.InvariantCulture))]);
    }

    /// <summary>PPO's value model's parameters under <c>value.</c> (none for dpo and rloo).</summary>
    private IEnumerable<KeyValuePair<string, Tensor>> ValueParameters() =>
        _learner.Objective.ValueModel?.NamedParameters().Select(p => KeyValuePair.Create(ExtraPrefix + p.Key, p.Value)) ?? [];

    /// <summary>The policy's tensors of a saved model (a checkpoint also holds PPO's value model, under <c>value.</c>).</summary>
    public static IReadOnlyDictionary<string, Tensor> PolicyPart(IReadOnlyDictionary<string, Tensor> model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model.Where(p => !p.Key.StartsWith(ExtraPrefix, StringComparison.Ordinal)).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
    }

    private static PreparedTask Prepare(string algorithm, string env, IReadOnlyDictionary<string, string>? envArgs, ulong seed, LanguageRlOptions options,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate(algorithm);
        return LanguagePreparation.Prepare(env, envArgs, seed, options.Preparation, options.SftCache, options.Engine, cancellationToken);
    }

    /// <summary>A decoded mini-batch.</summary>
    private sealed record LanguageSamples(LanguageBatch Batch) : ILearnerSamples
    {
        public int Rows => Batch.Rows;
    }
}
