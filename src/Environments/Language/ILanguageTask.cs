namespace AsyncRL.Environments.Language;

/// <summary>
/// A language task: fixed-length prompts over <see cref="Vocabulary"/>, completions of at most
/// <see cref="CompletionLength"/> tokens ending in EOS, demonstrations for supervised fine-tuning, and a
/// held-out set the task scores a policy on. Prompts all have the same length so a batch decodes without
/// padding inside the prompt.
/// </summary>
public interface ILanguageTask
{
    /// <summary>The registry id (<c>arith</c>, <c>gold-rm</c>).</summary>
    string Id { get; }

    /// <summary>Tokens in every prompt.</summary>
    int PromptLength { get; }

    /// <summary>Most tokens a completion may have, its EOS included.</summary>
    int CompletionLength { get; }

    /// <summary>The held-out prompts (fixed by the task's seed; never drawn for training).</summary>
    IReadOnlyList<int[]> HeldOutPrompts { get; }

    /// <summary>Writes a training prompt (never a held-out one) drawn with <paramref name="rng"/>.</summary>
    void SampleTrainingPrompt(Generator rng, Span<int> prompt);

    /// <summary>A demonstration for supervised fine-tuning: completion tokens ending in EOS (no padding).</summary>
    int[] Demonstrate(ReadOnlySpan<int> prompt, Generator rng);

    /// <summary>
    /// How well a completion of held-out prompt <paramref name="heldOutIndex"/> does, in [0, 1]: the task's score
    /// is the mean over the held-out set (arith: exact answer; gold-rm: gold win against the reference, ties half).
    /// </summary>
    double HeldOutScore(int heldOutIndex, ReadOnlySpan<int> completion);
}
