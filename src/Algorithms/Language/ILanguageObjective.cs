namespace AsyncRL.Algorithms.Language;

/// <summary>What one update's loss is built from (the rows the objective selected).</summary>
/// <param name="Batch">The selected rows (prompts, completions, behaviour log-probabilities μ, versions).</param>
/// <param name="Rewards">Training reward per selected row (task reward or proxy RM score, EOS penalty applied).</param>
/// <param name="ReferenceLogProbs">Per-token log π_ref, [rows, Tc], 0 past each end.</param>
/// <param name="PolicyLogProbs">Per-token log π_θ with gradients, [rows, Tc], 0 past each end.</param>
/// <param name="Mask">[rows, Tc]: 1 on each completion's tokens, 0 after.</param>
public sealed record ObjectiveInputs(LanguageBatch Batch, float[] Rewards, float[] ReferenceLogProbs, Tensor PolicyLogProbs, float[] Mask);

/// <summary>
/// One language-model RL objective (online DPO, PPO, RLOO) behind the shared learner: which rows of a mini-batch
/// it trains on, and its loss. The learner does the rest — rewards, reference log-probabilities, the optimizer
/// step, scores — identically for all three.
/// </summary>
public interface ILanguageObjective
{
    /// <summary>The wire name (<c>dpo</c>, <c>ppo-lm</c>, <c>rloo</c>).</summary>
    string Name { get; }

    /// <summary>The fewest completions per prompt the objective can learn from.</summary>
    int MinimumK { get; }

    /// <summary>Parameters the objective trains besides the policy's (PPO's value model); the learner's optimizer steps them too.</summary>
    IEnumerable<KeyValuePair<string, Tensor>> ExtraParameters { get; }

    /// <summary>The rows the loss needs, in the order <see cref="Loss"/> expects them; empty when the batch teaches nothing.</summary>
    int[] SelectRows(LanguageBatch batch, float[] rewards);

    /// <summary>The loss (to minimise) and the objective's own diagnostics.</summary>
    (Tensor Loss, IReadOnlyDictionary<string, double> Metrics) Loss(ObjectiveInputs inputs);
}
