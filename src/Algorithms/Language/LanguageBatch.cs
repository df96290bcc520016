namespace AsyncRL.Algorithms.Language;

/// <summary>
/// One mini-batch of generations as the learner trains on it: <c>G</c> prompts with <c>K</c> completions each,
/// laid out by rows (row r belongs to prompt group r / K), every row with its prompt, completion, behaviour
/// log-probabilities and the policy version that generated it.
/// </summary>
/// <param name="PromptLength">Tp.</param>
/// <param name="K">Completions per prompt.</param>
/// <param name="Prompts">[rows, Tp] (each group's prompt repeated on its K rows).</param>
/// <param name="Completions">Tokens, lengths and behaviour log-probabilities, [rows, Tc].</param>
/// <param name="Versions">[rows] policy versions.</param>
public sealed record LanguageBatch(int PromptLength, int K, int[] Prompts, Completions Completions, long[] Versions)
{
    /// <summary>Completions in the batch.</summary>
    public int Rows => Completions.Rows;

    /// <summary>Prompt groups (rows / K).</summary>
    public int Groups => Rows / K;

    /// <summary>Tc.</summary>
    public int CompletionLength => Completions.Length;

    /// <summary>Tokens generated (each completion up to its end).</summary>
    public long GeneratedTokens => Completions.Lengths.Sum(l => (long)l);

    /// <summary>The rows at <paramref name="indices"/>, in that order, as their own batch (K = 1).</summary>
    public LanguageBatch Select(ReadOnlySpan<int> indices)
    {
        int tp = PromptLength, tc = CompletionLength, n = indices.Length;
        var prompts = new int[n * tp];
        var tokens = new int[n * tc];
        var lengths = new int[n];
        var logProbs = new float[n * tc];
        var versions = new long[n];
        for (int j = 0; j < n; j++)
        {
            int i = indices[j];
            Prompts.AsSpan(i * tp, tp).CopyTo(prompts.AsSpan(j * tp));
            Completions.Tokens.AsSpan(i * tc, tc).CopyTo(tokens.AsSpan(j * tc));
            Completions.LogProbs.AsSpan(i * tc, tc).CopyTo(logProbs.AsSpan(j * tc));
            lengths[j] = Completions.Lengths[i];
            versions[j] = Versions[i];
        }
        return new LanguageBatch(tp, 1, prompts, new Completions(n, tc, tokens, lengths, logProbs), versions);
    }
}
