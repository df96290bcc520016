namespace AsyncRL.Environments.Language;

/// <summary>
/// The hidden gold judge of <c>gold-rm</c> (it plays the part of the large "gold" reward model of the TL;DR
/// protocol). A summary is the completion's tokens before EOS. Each distinct <i>key</i> letter (one the document
/// repeats) earns +1; a letter the document has only once is a minor detail, −0.5; a letter the document lacks,
/// a repeated letter, or any token that is not a letter costs −1; a completion without EOS loses
/// <see cref="MissingEosPenalty"/>. Longer summaries of the kind a weak annotator writes mostly cover more key
/// letters, so a proxy trained on them can learn "longer is better" — the gold judge disagrees once the extra
/// letters are details or repeats, which is where over-optimising the proxy shows.
/// </summary>
public static class GoldScorer
{
    /// <summary>Subtracted from the gold score of a completion without EOS.</summary>
    public const double MissingEosPenalty = 2;

    /// <summary>The gold score of <paramref name="completion"/> as a summary of <paramref name="document"/> (letter tokens).</summary>
    public static double Score(ReadOnlySpan<int> document, ReadOnlySpan<int> completion)
    {
        Span<int> counts = stackalloc int[Vocabulary.LetterCount];
        Count(document, counts);
        int eos = completion.IndexOf(Vocabulary.Eos);
        var summary = eos >= 0 ? completion[..eos] : completion;
        Span<bool> seen = stackalloc bool[Vocabulary.LetterCount];
        double score = 0;
        foreach (int token in summary)
        {
            int letter = Vocabulary.LetterOf(token);
            if (letter < 0 || seen[letter]) { score -= 1; continue; }
            seen[letter] = true;
            score += counts[letter] switch { >= 2 => 1, 1 => -0.5, _ => -1 };
        }
        return eos >= 0 ? score : score - MissingEosPenalty;
    }

    /// <summary>1 when the first completion scores higher, ½ on a tie, 0 otherwise.</summary>
    public static double Win(ReadOnlySpan<int> document, ReadOnlySpan<int> completion, ReadOnlySpan<int> reference)
    {
        double a = Score(document, completion), b = Score(document, reference);
        return a > b ? 1 : a == b ? 0.5 : 0;
    }

    /// <summary>How often each letter occurs in the document (other tokens are ignored).</summary>
    public static void Count(ReadOnlySpan<int> document, Span<int> counts)
    {
        counts.Clear();
        foreach (int token in document)
            if (Vocabulary.LetterOf(token) is var l and >= 0) counts[l]++;
    }
}
