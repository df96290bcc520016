using AsyncRL.Algorithms.Language;
using AsyncRL.Models.Nn;

namespace AsyncRL.Algorithms.Dpo;

/// <summary>
/// Online DPO: each prompt's completions are ranked by the learner's reward; the best becomes y_w and the worst
/// y_l (with K = 2, simply the better and the worse). Prompts whose completions all earn the same reward teach
/// nothing and are left out. The reference is the SFT model.
/// </summary>
/// <param name="beta">β.</param>
public sealed class DpoObjective(float beta) : ILanguageObjective
{
    /// <summary>The wire name.</summary>
    public const string AlgorithmName = "dpo";

    private int _tied; // groups of the last SelectRows whose rewards were all equal
    private int _groups;

    /// <summary>β.</summary>
    public float Beta { get; } = beta > 0 ? beta : throw new ArgumentOutOfRangeException(nameof(beta), $"DPO β must be positive, got {beta}.");

    /// <inheritdoc/>
    public string Name => AlgorithmName;

    /// <inheritdoc/>
    public int MinimumK => 2;

    /// <inheritdoc/>
    public TinyGpt? ValueModel => null;

    /// <summary>Chosen rows of the pairs that count, then their rejected rows.</summary>
    public int[] SelectRows(LanguageBatch batch, float[] rewards)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(rewards);
        var (chosen, rejected) = Pairs(rewards, batch.K);
        _groups = batch.Groups;
        _tied = _groups - chosen.Count;
        return [.. chosen, .. rejected];
    }

    /// <summary>Per group of K rows: the index of the highest and of the lowest reward (first of equals), for groups that are not all tied.</summary>
    public static (List<int> Chosen, List<int> Rejected) Pairs(ReadOnlySpan<float> rewards, int k)
    {
        var chosen = new List<int>();
        var rejected = new List<int>();
        for (int g = 0; g < rewards.Length / k; g++)
        {
            int best = g * k, worst = g * k;
            for (int i = g * k + 1; i < (g + 1) * k; i++)
            {
                if (rewards[i] > rewards[best]) best = i;
                if (rewards[i] < rewards[worst]) worst = i;
            }
            if (rewards[best] == rewards[worst]) continue;
            chosen.Add(best);
            rejected.Add(worst);
        }
        return (chosen, rejected);
    }

    /// <inheritdoc/>
    public ObjectiveGradient Loss(ObjectiveInputs inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        int rows = inputs.Batch.Rows, pairs = rows / 2, tc = inputs.Batch.CompletionLength;
        var sequence = SequenceLogProbs.Sum(inputs.PolicyLogProbs, rows);
        var reference = SequenceLogProbs.Sum(inputs.ReferenceLogProbs, rows);
        var dpo = DpoLoss.Compute(sequence.AsSpan(0, pairs), sequence.AsSpan(pairs, pairs), reference.AsSpan(0, pairs), reference.AsSpan(pairs), Beta);
        // log π(y) = Σ_t log π(y_t | …): each token of a completion gets its sequence's gradient.
        var gradient = new float[rows * tc];
        for (int r = 0; r < rows; r++)
        {
            float g = r < pairs ? dpo.ChosenGradient[r] : dpo.RejectedGradient[r - pairs];
            for (int t = 0; t < tc; t++) gradient[r * tc + t] = g * inputs.Mask[r * tc + t];
        }
        var margins = dpo.Margins;
        var metrics = new Dictionary<string, double>(StringComparer.Ordinal)
        {
            ["dpo_margin_mean"] = margins.Average(),
            ["dpo_accuracy"] = margins.Count(m => m > 0) / (double)pairs,
            ["pairs"] = pairs,
            ["pairs_tied"] = _tied / (double)Math.Max(1, _groups),
            ["reward_chosen_mean"] = inputs.Rewards[..pairs].Average(),
            ["reward_rejected_mean"] = inputs.Rewards[pairs..].Average(),
        };
        return new ObjectiveGradient(dpo.Loss, gradient, null, metrics);
    }
}
