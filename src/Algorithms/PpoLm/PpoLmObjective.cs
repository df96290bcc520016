using AsyncRL.Algorithms.Language;
using AsyncRL.Models.Nn;

namespace AsyncRL.Algorithms.PpoLm;

/// <summary>
/// PPO for language models: per-token rewards with a KL penalty to the reference (<see cref="KlPenalisedRewards"/>),
/// a value model (a TinyGpt with a scalar head, started from the SFT weights; the learner's alone — actors never
/// need it), GAE over each completion, and the clipped surrogate against the behaviour log-probabilities.
/// Values for GAE come from the same forward pass the value loss is taken on (as constants in the advantages), as
/// the update is one gradient step and the actors record no values.
/// </summary>
public sealed class PpoLmObjective : ILanguageObjective
{
    /// <summary>The wire name.</summary>
    public const string AlgorithmName = "ppo-lm";

    private readonly PpoLmSettings _settings;

    /// <summary>The objective with its value model (weights copied from <paramref name="sft"/> where the names match).</summary>
    public PpoLmObjective(PpoLmSettings settings, TinyGpt sft, Generator rng)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(sft);
        _settings = settings;
        ValueModel = new TinyGpt(sft.Config with { ScalarHead = true }, rng);
        ValueModel.LoadStateDict(sft.StateDict(), strict: false);
    }

    /// <summary>The value model V(x, y_&lt;t).</summary>
    public TinyGpt ValueModel { get; }

    /// <inheritdoc/>
    public string Name => AlgorithmName;

    /// <inheritdoc/>
    public int MinimumK => 1;

    /// <inheritdoc/>
    /// <inheritdoc/>
    public int[] SelectRows(LanguageBatch batch, float[] rewards) => [.. Enumerable.Range(0, batch?.Rows ?? 0)];

    /// <inheritdoc/>
    public ObjectiveGradient Loss(ObjectiveInputs inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var b = inputs.Batch;
        var c = b.Completions;
        var values = inputs.Values ?? throw new ArgumentException("PPO-LM needs the value model's values.", nameof(inputs));
        var rewards = KlPenalisedRewards.Compute(inputs.Rewards, c.LogProbs, inputs.ReferenceLogProbs, c.Lengths, _settings.Beta);
        var (advantages, returns) = SequenceGae.Compute(rewards, values, c.Lengths, _settings.Gamma, _settings.Lambda);
        var surrogate = ClippedSurrogate.Compute(inputs.PolicyLogProbs, c.LogProbs, SequenceGae.Whiten(advantages, inputs.Mask), inputs.Mask, _settings.Clip);
        var (valueLoss, valueGradient) = ValueLoss(values, returns, inputs.Mask);
        for (int i = 0; i < valueGradient.Length; i++) valueGradient[i] *= _settings.ValueCoef;
        var metrics = new Dictionary<string, double>(StringComparer.Ordinal)
        {
            ["policy_loss"] = surrogate.Loss,
            ["value_loss"] = valueLoss,
            ["clip_fraction"] = surrogate.ClipFraction,
            ["explained_variance"] = ExplainedVariance(values, returns, inputs.Mask),
            ["kl_penalty_mean"] = (rewards.Sum() - inputs.Rewards.Sum()) / b.Rows,
        };
        return new ObjectiveGradient(surrogate.Loss + valueLoss * _settings.ValueCoef, surrogate.Gradient, valueGradient, metrics);
    }

    /// <summary>L_V = ½ Σ_t m_t (V_t − R_t)² / Σ m, and ∂L_V/∂V_t = m_t (V_t − R_t) / Σ m.</summary>
    public static (double Loss, float[] Gradient) ValueLoss(ReadOnlySpan<float> values, ReadOnlySpan<float> returns, ReadOnlySpan<float> mask)
    {
        double tokens = 0;
        foreach (var m in mask) tokens += m;
        tokens = Math.Max(1.0, tokens);
        var gradient = new float[values.Length];
        double sum = 0;
        for (int i = 0; i < values.Length; i++)
        {
            double d = (double)values[i] - returns[i];
            sum += mask[i] * d * d;
            gradient[i] = (float)(mask[i] * d / tokens);
        }
        return (0.5 * sum / tokens, gradient);
    }

    /// <summary>1 − Var(R − V)/Var(R) over the masked tokens.</summary>
    private static double ExplainedVariance(ReadOnlySpan<float> values, ReadOnlySpan<float> returns, ReadOnlySpan<float> mask)
    {
        var r = new List<double>();
        var d = new List<double>();
        for (int i = 0; i < mask.Length; i++)
        {
            if (mask[i] == 0) continue;
            r.Add(returns[i]);
            d.Add(returns[i] - values[i]);
        }
        static double Var(List<double> x) { double m = x.Average(); return x.Sum(v => (v - m) * (v - m)) / x.Count; }
        double vr = r.Count > 1 ? Var(r) : 0;
        return vr > 0 ? 1 - Var(d) / vr : double.NaN;
    }
}

/// <summary>PPO-LM's hyper-parameters.</summary>
/// <param name="Beta">KL coefficient β in the per-token reward.</param>
/// <param name="Clip">Ratio clip ε.</param>
/// <param name="Gamma">Discount γ (1: a completion is short and only its end is scored).</param>
/// <param name="Lambda">GAE λ.</param>
/// <param name="ValueCoef">Weight of the value loss.</param>
public sealed record PpoLmSettings(float Beta = 0.05f, float Clip = 0.2f, float Gamma = 1f, float Lambda = 0.95f, float ValueCoef = 0.5f);
