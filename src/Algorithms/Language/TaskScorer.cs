using AsyncRL.Environments.Language;
using AsyncRL.Models.Nn;

namespace AsyncRL.Algorithms.Language;

/// <summary>
/// The task's score of a policy: greedy completions of the held-out prompts, judged by the task (arith: exact
/// answers; gold-rm: gold win-rate against the references). Greedy, so the score of given weights is one number,
/// not a sample.
/// </summary>
public static class TaskScorer
{
    /// <summary>Rows decoded together.</summary>
    private const int Batch = 125;

    /// <summary>Mean held-out score over the first <paramref name="count"/> held-out prompts (all when 0 or more than there are).</summary>
    public static double Score(TinyGpt policy, ILanguageTask task, int count = 0)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(task);
        var heldOut = task.HeldOutPrompts;
        int n = count <= 0 ? heldOut.Count : Math.Min(count, heldOut.Count);
        var sampler = new CompletionSampler(policy);
        var rng = new Generator(0); // greedy decoding draws nothing
        double total = 0;
        for (int start = 0; start < n; start += Batch)
        {
            int rows = Math.Min(Batch, n - start);
            var prompts = new int[rows * task.PromptLength];
            for (int r = 0; r < rows; r++) heldOut[start + r].CopyTo(prompts, r * task.PromptLength);
            var completions = sampler.Generate(prompts, rows, task.CompletionLength, 0f, rng);
            for (int r = 0; r < rows; r++) total += task.HeldOutScore(start + r, completions.Row(r));
        }
        return total / n;
    }
}
