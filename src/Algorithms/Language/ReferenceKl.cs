using AsyncRL.Environments.Language;
using AsyncRL.Models.Nn;

namespace AsyncRL.Algorithms.Language;

/// <summary>
/// How far the policy drifted from the SFT reference: KL(π ‖ π_ref) per sequence, estimated by Monte-Carlo over
/// completions the policy samples (at the RL temperature) for held-out prompts: mean over samples of
/// Σ_t log π(y_t) − log π_ref(y_t), both taken at that temperature.
/// </summary>
public static class ReferenceKl
{
    /// <summary>The estimate over the first <paramref name="prompts"/> held-out prompts, <paramref name="samplesPerPrompt"/> samples each.</summary>
    public static double Estimate(TinyGpt policy, TinyGpt reference, ILanguageTask task, float temperature, Generator rng,
        int prompts = 128, int samplesPerPrompt = 2)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(task);
        int n = Math.Min(prompts, task.HeldOutPrompts.Count), rows = n * samplesPerPrompt, tp = task.PromptLength;
        var input = new int[rows * tp];
        for (int r = 0; r < rows; r++) task.HeldOutPrompts[r / samplesPerPrompt].CopyTo(input, r * tp);
        var c = new CompletionSampler(policy).Generate(input, rows, task.CompletionLength, temperature, rng);
        var own = SequenceLogProbs.Evaluate(policy, input, tp, c.Tokens, c.Lengths, temperature);
        var refs = SequenceLogProbs.Evaluate(reference, input, tp, c.Tokens, c.Lengths, temperature);
        double sum = 0;
        for (int i = 0; i < own.Length; i++) sum += own[i] - refs[i];
        return sum / rows;
    }
}
