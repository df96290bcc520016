namespace AsyncRL.Environments.Language;

/// <summary>
/// <c>gold-rm</c>: the TL;DR protocol of Noukhovitch et al. (2025) in miniature. A prompt is an 8-letter
/// "document" then <c>:</c>; a completion is a summary (letters, then EOS). A hidden <see cref="GoldScorer"/>
/// judges summaries; the policy never sees it — it trains against a proxy reward model fitted to preference
/// pairs the gold judge labelled. The score is the gold win-rate against fixed reference summaries on the
/// held-out documents.
/// </summary>
/// <remarks>
/// Documents draw each letter from three "topic" letters with probability <see cref="TopicProbability"/>,
/// otherwise uniformly, so most repeat two or three letters. References are the ideal summary (the repeated
/// letters in order of first appearance) as a careful writer misses it: one key letter dropped, or one detail
/// added, each with probability <see cref="ReferenceSlip"/>. Demonstrations come from a weaker annotator who
/// keeps each key letter with probability <see cref="DemoKeepKey"/> and adds each detail with probability
/// <see cref="DemoAddDetail"/>: they win against the references about a quarter of the time.
/// </remarks>
public sealed class GoldRmTask : ILanguageTask
{
    /// <summary>The registry id.</summary>
    public const string TaskId = "gold-rm";

    /// <summary>Letters per document.</summary>
    public const int DocumentLength = 8;

    /// <summary>Tokens in every prompt: the document and <c>:</c>.</summary>
    public const int PromptTokens = DocumentLength + 1;

    /// <summary>Most tokens in a completion: five letters and EOS.</summary>
    public const int CompletionTokens = 6;

    /// <summary>Documents in the held-out set.</summary>
    public const int HeldOutCount = 500;

    /// <summary>Probability that a document letter is one of its three topic letters.</summary>
    public const double TopicProbability = 0.6;

    /// <summary>Probability that a reference drops a key letter, and (independently) that it adds a detail.</summary>
    public const double ReferenceSlip = 0.3;

    /// <summary>Probability that a demonstration keeps a key letter.</summary>
    public const double DemoKeepKey = 0.55;

    /// <summary>Probability that a demonstration adds a detail (a letter the document has once).</summary>
    public const double DemoAddDetail = 0.3;

    private static readonly int Separator = Vocabulary.Encode(":")[0];
    private readonly HashSet<long> _heldOut = [];
    private readonly int[][] _heldOutPrompts;
    private readonly int[][] _references;

    /// <summary>The task whose held-out documents and references derive from <paramref name="seed"/>.</summary>
    public GoldRmTask(ulong seed)
    {
        var rng = new Generator(seed ^ 0x601D_0000_0000_0002UL);
        var prompts = new List<int[]>(HeldOutCount);
        var references = new List<int[]>(HeldOutCount);
        var prompt = new int[PromptLength];
        while (prompts.Count < HeldOutCount)
        {
            WriteDocument(rng, prompt);
            if (!_heldOut.Add(Key(prompt))) continue;
            prompts.Add([.. prompt]);
            references.Add(Reference(prompt, rng));
        }
        _heldOutPrompts = [.. prompts];
        _references = [.. references];
    }

    /// <inheritdoc/>
    public string Id => TaskId;

    /// <inheritdoc/>
    public int PromptLength => PromptTokens;

    /// <inheritdoc/>
    public int CompletionLength => CompletionTokens;

    /// <inheritdoc/>
    public IReadOnlyList<int[]> HeldOutPrompts => _heldOutPrompts;

    /// <summary>The reference summary (ending in EOS) of each held-out document.</summary>
    public IReadOnlyList<int[]> References => _references;

    /// <summary>The document part of a prompt.</summary>
    public static ReadOnlySpan<int> Document(ReadOnlySpan<int> prompt) => prompt[..DocumentLength];

    /// <summary>The gold score of a completion of a prompt (see <see cref="GoldScorer.Score"/>).</summary>
    public static double GoldScore(ReadOnlySpan<int> prompt, ReadOnlySpan<int> completion) => GoldScorer.Score(Document(prompt), completion);

    /// <inheritdoc/>
    public void SampleTrainingPrompt(Generator rng, Span<int> prompt)
    {
        ArgumentNullException.ThrowIfNull(rng);
        do WriteDocument(rng, prompt);
        while (_heldOut.Contains(Key(prompt)));
    }

    /// <inheritdoc/>
    public int[] Demonstrate(ReadOnlySpan<int> prompt, Generator rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        var summary = new List<int>();
        Span<int> counts = stackalloc int[Vocabulary.LetterCount];
        GoldScorer.Count(Document(prompt), counts);
        foreach (int token in FirstAppearances(prompt))
        {
            double keep = counts[Vocabulary.LetterOf(token)] >= 2 ? DemoKeepKey : DemoAddDetail;
            if (rng.NextDouble() < keep) summary.Add(token);
        }
        if (summary.Count == 0) summary.Add(KeyLetters(prompt) is [var first, ..] ? first : prompt[0]);
        summary.Add(Vocabulary.Eos);
        return [.. summary];
    }

    /// <inheritdoc/>
    public double HeldOutScore(int heldOutIndex, ReadOnlySpan<int> completion) =>
        GoldScorer.Win(Document(_heldOutPrompts[heldOutIndex]), completion, _references[heldOutIndex]);

    /// <summary>The letters the document repeats, in order of first appearance (the ideal summary).</summary>
    public static List<int> KeyLetters(ReadOnlySpan<int> prompt)
    {
        Span<int> counts = stackalloc int[Vocabulary.LetterCount];
        GoldScorer.Count(Document(prompt), counts);
        var keys = new List<int>();
        foreach (int token in FirstAppearances(prompt))
            if (counts[Vocabulary.LetterOf(token)] >= 2) keys.Add(token);
        return keys;
    }

    private static int[] Reference(ReadOnlySpan<int> prompt, Generator rng)
    {
        var summary = KeyLetters(prompt);
        if (summary.Count >= 2 && rng.NextDouble() < ReferenceSlip) summary.RemoveAt(rng.NextInt(summary.Count));
        var counts = new int[Vocabulary.LetterCount];
        GoldScorer.Count(Document(prompt), counts);
        var details = FirstAppearances(prompt).Where(t => counts[Vocabulary.LetterOf(t)] == 1).ToList();
        if (details.Count > 0 && rng.NextDouble() < ReferenceSlip) summary.Add(details[rng.NextInt(details.Count)]);
        summary.Add(Vocabulary.Eos);
        return [.. summary];
    }

    private static List<int> FirstAppearances(ReadOnlySpan<int> prompt)
    {
        var order = new List<int>(DocumentLength);
        foreach (int token in Document(prompt))
            if (!order.Contains(token)) order.Add(token);
        return order;
    }

    private static void WriteDocument(Generator rng, Span<int> prompt)
    {
        Span<int> topics = stackalloc int[3];
        for (int i = 0; i < topics.Length; i++)
        {
            int letter;
            do letter = rng.NextInt(Vocabulary.LetterCount);
            while (topics[..i].Contains(letter));
            topics[i] = letter;
        }
        for (int i = 0; i < DocumentLength; i++)
        {
            int letter = rng.NextDouble() < TopicProbability ? topics[rng.NextInt(topics.Length)] : rng.NextInt(Vocabulary.LetterCount);
            prompt[i] = Vocabulary.FirstLetter + letter;
        }
        prompt[DocumentLength] = Separator;
    }

    private static long Key(ReadOnlySpan<int> prompt)
    {
        long key = 0;
        foreach (int token in Document(prompt)) key = key * Vocabulary.LetterCount + Vocabulary.LetterOf(token);
        return key;
    }
}
