using AsyncRL.Algorithms.Language;
using AsyncRL.Models.Nn;

namespace AsyncRL.Algorithms.Rloo;

/// <summary>
/// RLOO with K samples per prompt: leave-one-out advantages of the KL-penalised sequence rewards, given to every
/// token of the sample, in PPO's clipped surrogate against the behaviour log-probabilities (so stale samples are
/// importance-weighted and clipped, as in the asynchronous-RLHF experiments).
/// </summary>
/// <param name="beta">β, the KL coefficient in the sequence reward.</param>
/// <param name="clip">Ratio clip ε.</param>
public sealed class RlooObjective(float beta, float clip = 0.2f) : ILanguageObjective
{
    /// <summary>The wire name.</summary>
    public const string AlgorithmName = "rloo";

    /// <summary>β.</summary>
    public float Beta { get; } = beta >= 0 ? beta : throw new ArgumentOutOfRangeException(nameof(beta), $"RLOO β must be ≥ 0, got {beta}.");

    /// <inheritdoc/>
    public string Name => AlgorithmName;

    /// <inheritdoc/>
    public int MinimumK => 2;

    /// <inheritdoc/>
    public TinyGpt? ValueModel => null;

    /// <inheritdoc/>
    public int[] SelectRows(LanguageBatch batch, float[] rewards) => [.. Enumerable.Range(0, batch?.Rows ?? 0)];

    /// <inheritdoc/>
    public ObjectiveGradient Loss(ObjectiveInputs inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var b = inputs.Batch;
        var c = b.Completions;
        var rewards = RlooAdvantages.PenalisedRewards(inputs.Rewards, c.LogProbs, inputs.ReferenceLogProbs, c.Lengths, Beta);
        var advantages = RlooAdvantages.Compute(rewards, b.K);
        var perToken = new float[c.Rows * c.Length];
        for (int r = 0; r < c.Rows; r++) perToken.AsSpan(r * c.Length, c.Lengths[r]).Fill(advantages[r]);
        var surrogate = ClippedSurrogate.Compute(inputs.PolicyLogProbs, c.LogProbs, perToken, inputs.Mask, clip);
        var metrics = new Dictionary<string, double>(StringComparer.Ordinal)
        {
            ["clip_fraction"] = surrogate.ClipFraction,
            ["advantage_abs_mean"] = advantages.Average(Math.Abs),
            ["penalised_reward_mean"] = rewards.Average(),
        };
        return new ObjectiveGradient(surrogate.Loss, surrogate.Gradient, null, metrics);
    }
}
