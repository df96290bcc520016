using AsyncRL.Models.Nn;

namespace AsyncRL.Algorithms.Language;

/// <summary>What one update's loss is built from (the rows the objective selected), all on the host.</summary>
/// <param name="Batch">The selected rows (prompts, completions, behaviour log-probabilities μ, versions).</param>
/// <param name="Rewards">Training reward per selected row (task reward or proxy RM score, EOS penalty applied).</param>
/// <param name="ReferenceLogProbs">Per-token log π_ref, [rows, Tc], 0 past each end.</param>
/// <param name="PolicyLogProbs">Per-token log π_θ, [rows, Tc], 0 past each end (the engine keeps their graph).</param>
/// <param name="Values">The value model's V per token, [rows, Tc], for an objective with a value model; else null.</param>
/// <param name="Mask">[rows, Tc]: 1 on each completion's tokens, 0 after.</param>
public sealed record ObjectiveInputs(LanguageBatch Batch, float[] Rewards, float[] ReferenceLogProbs, float[] PolicyLogProbs, float[]? Values, float[] Mask);

/// <summary>An objective's loss, its gradient with respect to the per-token log π_θ (and V), and its diagnostics.</summary>
/// <param name="Loss">L, to minimise.</param>
/// <param name="LogProbGradient">∂L/∂log π_θ per token, [rows, Tc] (0 past each end).</param>
/// <param name="ValueGradient">∂L/∂V per token, [rows, Tc], with a value model; else null.</param>
/// <param name="Metrics">The objective's own diagnostics.</param>
public sealed record ObjectiveGradient(double Loss, float[] LogProbGradient, float[]? ValueGradient, IReadOnlyDictionary<string, double> Metrics);

/// <summary>
/// One language-model RL objective (online DPO, PPO, RLOO) behind the shared learner: which rows of a mini-batch
/// it trains on, and its loss with the loss's gradient with respect to the per-token log-probabilities, computed on
/// the host. The learner does the rest — rewards, reference log-probabilities, the engine's backward and optimizer
/// step, scores — identically for all three, on either engine.
/// </summary>
public interface ILanguageObjective
{
    /// <summary>The wire name (<c>dpo</c>, <c>ppo-lm</c>, <c>rloo</c>).</summary>
    string Name { get; }

    /// <summary>The fewest completions per prompt the objective can learn from.</summary>
    int MinimumK { get; }

    /// <summary>A value model the learner trains beside the policy (PPO's), or null.</summary>
    TinyGpt? ValueModel { get; }

    /// <summary>The rows the loss needs, in the order <see cref="Loss"/> expects them; empty when the batch teaches nothing.</summary>
    int[] SelectRows(LanguageBatch batch, float[] rewards);

    /// <summary>The loss (to minimise), its gradient, and the objective's own diagnostics.</summary>
    ObjectiveGradient Loss(ObjectiveInputs inputs);
}
