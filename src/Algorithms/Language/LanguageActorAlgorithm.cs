using AsyncRL.Contracts.V1;
using AsyncRL.Environments.Language;
using AsyncRL.Models.Nn;

namespace AsyncRL.Algorithms.Language;

/// <summary>
/// The actor side of dpo, ppo-lm and rloo: a TinyGpt policy copy and a <see cref="BatchGenerator"/>. Each
/// <see cref="Collect"/> is one mini-batch: B training prompts with K completions each at the run's temperature,
/// with per-token behaviour log-probabilities. Actors need no reward model or reference: rewards are the learner's.
/// </summary>
public sealed class LanguageActorAlgorithm : IActorAlgorithm
{
    private readonly TinyGpt _model;
    private readonly BatchGenerator _generator;
    private readonly string _actorId;

    /// <summary>Builds the task and model from the run spec; prompts are drawn with <c>settings.Seed</c>.</summary>
    public LanguageActorAlgorithm(RunSpec spec, ActorAlgorithmSettings settings)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        if (spec.Env is null || string.IsNullOrEmpty(spec.Env.Id)) throw new ArgumentException("Run spec: env.id is missing.", nameof(spec));
        var acting = LanguageRunSpec.Acting(spec);
        var task = LanguageTasks.Create(spec.Env.Id, spec.Env.Args, spec.Seed);
        var root = new Generator(settings.Seed);
        // The initial weights are overwritten by the first published version; seeded only so nothing is left to chance.
        _model = new TinyGpt(acting.Model.ConfigFor(task), root.Fork());
        _model.Eval();
        _generator = new BatchGenerator(task, _model, acting.CompletionsPerBatch, acting.K, acting.Temperature, root.Fork());
        _actorId = settings.ActorId;
    }

    /// <inheritdoc />
    public Module Policy => _model;

    /// <inheritdoc />
    public ActorFragment Collect(long policyVersion)
    {
        var batch = _generator.Next(policyVersion);
        return new ActorFragment(LanguageWire.ToBatch(batch, _actorId), batch.Rows);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        // Nothing unmanaged: the model and KV cache are managed arrays.
    }
}
