using AsyncRL.Algorithms.Dpo;
using AsyncRL.Algorithms.PpoLm;
using AsyncRL.Algorithms.Rloo;

namespace AsyncRL.Algorithms.Language;

/// <summary>
/// Online DPO, PPO-LM and RLOO settings on the language tasks. Each mini-batch is <see cref="CompletionsPerBatch"/>
/// completions: <c>CompletionsPerBatch / K</c> prompts with K completions each, generated with one policy version
/// at <see cref="Temperature"/>; the learner takes one gradient step per mini-batch.
/// </summary>
public sealed record LanguageRlOptions
{
    /// <summary>Completions per mini-batch (a multiple of K).</summary>
    public int CompletionsPerBatch { get; init; } = 64;

    /// <summary>Completions per prompt; null: the algorithm's default (dpo 2, rloo 2, ppo-lm 1).</summary>
    public int? K { get; init; }

    /// <summary>The KL strength β; null: the algorithm's default (dpo 0.1, ppo-lm 0.05, rloo 0.05).</summary>
    public float? Beta { get; init; }

    /// <summary>AdamW's learning rate η₀ (the policy and PPO's value model).</summary>
    public float LearningRate { get; init; } = 1e-4f;

    /// <summary>How η moves over the run: constant (the default) or linear decay to 0 over <see cref="TotalUpdates"/>.</summary>
    public LearningRateSchedule Schedule { get; init; } = LearningRateSchedule.Constant;

    /// <summary>The updates the run plans (its completions budget over <see cref="CompletionsPerBatch"/>); a linear schedule needs it.</summary>
    public long? TotalUpdates { get; init; }

    /// <summary>Sampling temperature of the actors (and of every log-probability the learner takes).</summary>
    public float Temperature { get; init; } = 0.7f;

    /// <summary>PPO-LM and RLOO: the ratio clip ε.</summary>
    public float Clip { get; init; } = 0.2f;

    /// <summary>PPO-LM: GAE λ.</summary>
    public float Lambda { get; init; } = 0.95f;

    /// <summary>The task score and KL to the reference go into the metrics every this many updates (0: never).</summary>
    public int ScoreEvery { get; init; } = 10;

    /// <summary>How the SFT policy and proxy reward model are built.</summary>
    public LanguagePreparationOptions Preparation { get; init; } = LanguagePreparationOptions.Default;

    /// <summary>Where prepared SFT / reward models are cached and reused (null: none).</summary>
    public string? SftCache { get; init; }

    /// <summary>The engine the learner's models train on (policy, value model, SFT, proxy reward model).</summary>
    public AsyncRL.Models.Engine.ModelEngine Engine { get; init; } = AsyncRL.Models.Engine.ModelEngine.Managed;

    /// <summary>K for <paramref name="algorithm"/>.</summary>
    public int KFor(string algorithm) => K ?? (algorithm == PpoLmObjective.AlgorithmName ? 1 : 2);

    /// <summary>β for <paramref name="algorithm"/>.</summary>
    public float BetaFor(string algorithm) => Beta ?? (algorithm == DpoObjective.AlgorithmName ? 0.1f : 0.05f);

    /// <summary>Throws when a value does not fit <paramref name="algorithm"/>.</summary>
    public void Validate(string algorithm)
    {
        int k = KFor(algorithm);
        int minimum = LanguageObjectives.MinimumK(algorithm);
        if (k < minimum) throw new ArgumentException($"{algorithm} needs at least {minimum} completions per prompt (--k), got {k}.");
        if (k > 64) throw new ArgumentException($"--k {k} is more completions per prompt than the 64 allowed.");
        if (CompletionsPerBatch < k || CompletionsPerBatch % k != 0)
            throw new ArgumentException($"{CompletionsPerBatch} completions per batch do not split into prompts of K = {k}.");
        if (BetaFor(algorithm) is var beta && (!(beta >= 0) || !float.IsFinite(beta) || (beta == 0 && algorithm == DpoObjective.AlgorithmName)))
            throw new ArgumentException($"β must be finite and ≥ 0 (> 0 for dpo), got {beta}.");
        if (Schedule == LearningRateSchedule.Linear && TotalUpdates is not > 0)
            throw new ArgumentException("A linear learning-rate schedule needs the run's number of updates (a positive --steps).");
        if (!(LearningRate > 0) || !float.IsFinite(LearningRate) || !(Temperature > 0) || !(Clip > 0) || Lambda is < 0 or > 1 || ScoreEvery < 0)
            throw new ArgumentException($"Language RL settings out of range: {this}.");
        ArgumentNullException.ThrowIfNull(Preparation);
        Preparation.Validate();
        if (Preparation.Temperature != Temperature)
            throw new ArgumentException($"The reward model is normalised at temperature {Preparation.Temperature}, the policy samples at {Temperature}.");
    }
}

/// <summary>The three objectives by wire name.</summary>
public static class LanguageObjectives
{
    /// <summary>dpo, ppo-lm, rloo.</summary>
    public static IReadOnlyList<string> Names { get; } = [DpoObjective.AlgorithmName, PpoLmObjective.AlgorithmName, RlooObjective.AlgorithmName];

    /// <summary>Whether <paramref name="algorithm"/> is one of them.</summary>
    public static bool IsLanguageAlgorithm(string? algorithm) => Names.Contains(algorithm ?? "", StringComparer.OrdinalIgnoreCase);

    /// <summary>The fewest completions per prompt the algorithm learns from.</summary>
    public static int MinimumK(string algorithm) => algorithm == PpoLmObjective.AlgorithmName ? 1 : 2;

    /// <summary>The objective, its own parameters (PPO's value model) seeded from <paramref name="rng"/> and the SFT weights.</summary>
    public static ILanguageObjective Create(string algorithm, LanguageRlOptions options, PreparedTask prepared, Generator rng)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(prepared);
        float beta = options.BetaFor(algorithm);
        return algorithm switch
        {
            DpoObjective.AlgorithmName => new DpoObjective(beta),
            RlooObjective.AlgorithmName => new RlooObjective(beta, options.Clip),
            PpoLmObjective.AlgorithmName => new PpoLmObjective(new PpoLmSettings(beta, options.Clip, Lambda: options.Lambda), prepared.Sft, rng),
            _ => throw new ArgumentException($"Unknown language algorithm '{algorithm}' (known: {string.Join(", ", Names)}).", nameof(algorithm)),
        };
    }
}
