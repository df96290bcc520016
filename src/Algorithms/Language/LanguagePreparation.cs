using AsyncRL.Environments.Language;
using AsyncRL.Models.Engine;
using AsyncRL.Models.Nn;

namespace AsyncRL.Algorithms.Language;

/// <summary>
/// Builds (or loads from the SFT cache) what RL on a language task starts from: supervised fine-tuning on the
/// task's demonstrations, then for <c>gold-rm</c> the proxy reward model fitted to gold-labelled pairs of SFT
/// samples. Everything derives from the run's seed, so the same inputs give the same models. Both train on the
/// given engine; a model trained on torch is cached apart from ours (the engines' floats differ in the last bits,
/// so the same inputs do not give bit-identical models).
/// </summary>
public static class LanguagePreparation
{
    /// <summary>
    /// Prepares the task; with a <paramref name="cacheDirectory"/>, reuses models cached there for the same inputs or caches the
    /// new ones. Cancelling stops the training between steps; nothing half-trained is cached.
    /// </summary>
    public static PreparedTask Prepare(string env, IReadOnlyDictionary<string, string>? envArgs, ulong seed, LanguagePreparationOptions options,
        string? cacheDirectory = null, ModelEngine? engine = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(env);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var task = LanguageTasks.Create(env, envArgs, seed);
        engine ??= ModelEngine.Managed;
        var cache = string.IsNullOrEmpty(cacheDirectory) ? null : new SftCache(cacheDirectory, CacheKey(options.Describe(env, envArgs, seed), engine), env);
        if (cache?.TryLoad(task, options) is { } cached) return cached;
        var prepared = Train(task, seed, options, engine, cancellationToken);
        cache?.Store(prepared);
        return prepared;
    }

    /// <summary>The cache key: ours keeps the key it always had; torch's adds the engine (backend and device).</summary>
    internal static string CacheKey(string description, ModelEngine engine) =>
        engine.Backend == ModelBackend.Managed ? description : $"{description}|engine={engine}";

    private static PreparedTask Train(ILanguageTask task, ulong seed, LanguagePreparationOptions options, ModelEngine engine, CancellationToken cancellationToken)
    {
        var root = new Generator(seed ^ 0x5F7_0000_0000_0003UL);
        var sft = new TinyGpt(options.Model.ConfigFor(task), root.Fork());
        SftTrainer.Train(sft, task, options.Sft, root.Fork(), engine, cancellationToken);
        sft.Eval();
        double sftScore = TaskScorer.Score(sft, task);
        if (task is not GoldRmTask) return new PreparedTask(task, sft, null, sftScore, null, FromCache: false);
        var fit = RewardModelTrainer.Train(sft, task, static (prompt, completion) => GoldRmTask.GoldScore(prompt, completion),
            options.RewardModel, options.Temperature, root.Fork(), engine, cancellationToken);
        fit.Model.Model.Eval();
        return new PreparedTask(task, sft, fit.Model, sftScore, fit.ValidationAccuracy, FromCache: false);
    }
}
