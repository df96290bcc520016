using AsyncRL.Environments.Language;
using AsyncRL.Models.Nn;

namespace AsyncRL.Algorithms.Language;

/// <summary>Preference pairs laid out by rows: prompts [n, Tp], chosen and rejected completions [n, Tc] with their lengths.</summary>
public sealed record PreferencePairs(int Count, int PromptLength, int CompletionLength, int[] Prompts, int[] Chosen, int[] ChosenLengths,
    int[] Rejected, int[] RejectedLengths)
{
    /// <summary>
    /// Samples two completions per training prompt from <paramref name="policy"/> and lets <paramref name="judge"/>
    /// order them, until <paramref name="count"/> pairs without a tie are collected.
    /// </summary>
    public static PreferencePairs Sample(TinyGpt policy, ILanguageTask task, Func<int[], int[], double> judge, int count, float temperature, Generator rng)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(judge);
        const int Prompts = 64;
        int tp = task.PromptLength, tc = task.CompletionLength;
        var sampler = new CompletionSampler(policy);
        var pairs = new PreferencePairs(count, tp, tc, new int[count * tp], new int[count * tc], new int[count], new int[count * tc], new int[count]);
        var prompts = new int[2 * Prompts * tp];
        int n = 0;
        while (n < count)
        {
            for (int p = 0; p < Prompts; p++)
            {
                task.SampleTrainingPrompt(rng, prompts.AsSpan(2 * p * tp, tp));
                prompts.AsSpan(2 * p * tp, tp).CopyTo(prompts.AsSpan((2 * p + 1) * tp, tp));
            }
            var c = sampler.Generate(prompts, 2 * Prompts, tc, temperature, rng);
            for (int p = 0; p < Prompts && n < count; p++)
            {
                var prompt = prompts.AsSpan(2 * p * tp, tp).ToArray();
                double a = judge(prompt, c.Row(2 * p).ToArray()), b = judge(prompt, c.Row(2 * p + 1).ToArray());
                if (a == b) continue;
                int win = a > b ? 2 * p : 2 * p + 1, lose = a > b ? 2 * p + 1 : 2 * p;
                prompt.CopyTo(pairs.Prompts, n * tp);
                c.Row(win).CopyTo(pairs.Chosen.AsSpan(n * tc));
                c.Row(lose).CopyTo(pairs.Rejected.AsSpan(n * tc));
                pairs.ChosenLengths[n] = c.Lengths[win];
                pairs.RejectedLengths[n] = c.Lengths[lose];
                n++;
            }
        }
        return pairs;
    }

    /// <summary>Pairs at the given indices: prompts, then chosen and rejected stacked as 2k rows (chosen first).</summary>
    internal (int[] Prompts, int[] Completions, int[] Lengths) Stacked(ReadOnlySpan<int> indices)
    {
        int k = indices.Length, tp = PromptLength, tc = CompletionLength;
        var prompts = new int[2 * k * tp];
        var completions = new int[2 * k * tc];
        var lengths = new int[2 * k];
        for (int j = 0; j < k; j++)
        {
            int i = indices[j];
            Prompts.AsSpan(i * tp, tp).CopyTo(prompts.AsSpan(j * tp));
            Prompts.AsSpan(i * tp, tp).CopyTo(prompts.AsSpan((k + j) * tp));
            Chosen.AsSpan(i * tc, tc).CopyTo(completions.AsSpan(j * tc));
            Rejected.AsSpan(i * tc, tc).CopyTo(completions.AsSpan((k + j) * tc));
            lengths[j] = ChosenLengths[i];
            lengths[k + j] = RejectedLengths[i];
        }
        return (prompts, completions, lengths);
    }
}
