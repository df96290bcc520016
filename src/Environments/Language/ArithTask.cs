using System.Globalization;

namespace AsyncRL.Environments.Language;

/// <summary>
/// <c>arith</c>: two-digit additions in the spirit of GSM8k with a verifiable reward. Prompts are
/// <c>37+85=</c> (operands zero-padded, so every prompt is 6 tokens), completions the digits of the sum then
/// EOS. Reward 1 for the exact answer, 0 otherwise, and −<see cref="EosPenalty"/> when no EOS comes within
/// <see cref="CompletionLength"/> tokens (the missing-EOS penalty of Noukhovitch et al. 2025).
/// </summary>
/// <remarks>
/// The demonstrations make systematic carry mistakes: each carry is dropped with probability
/// <see cref="CarrySlip"/>, so the fine-tuned model answers sums that carry right only some of the time and
/// greedy decoding gets them wrong — room for reinforcement learning to improve on, as GSM8k's SFT models have.
/// </remarks>
public sealed class ArithTask : ILanguageTask
{
    /// <summary>The registry id.</summary>
    public const string TaskId = "arith";

    /// <summary>Prompts in the held-out set.</summary>
    public const int HeldOutCount = 500;

    /// <summary>Probability that a demonstration drops a carry.</summary>
    public const double CarrySlip = 0.7;

    /// <summary>Tokens in every prompt (<c>ab+cd=</c>).</summary>
    public const int PromptTokens = 6;

    /// <summary>Most tokens in a completion: three digits, EOS, and one more to see whether EOS comes.</summary>
    public const int CompletionTokens = 5;

    /// <summary>Subtracted from the reward of a completion without EOS.</summary>
    public const float EosPenalty = 1f;

    private const int OperandRange = 100;
    private readonly bool[] _heldOut = new bool[OperandRange * OperandRange];
    private readonly int[][] _heldOutPrompts;

    /// <summary>The task whose held-out prompts derive from <paramref name="seed"/>.</summary>
    public ArithTask(ulong seed)
    {
        var rng = new Generator(seed ^ 0xA217_45C3_0000_0001UL);
        var prompts = new List<int[]>(HeldOutCount);
        while (prompts.Count < HeldOutCount)
        {
            int pair = rng.NextInt(OperandRange * OperandRange);
            if (_heldOut[pair]) continue;
            _heldOut[pair] = true;
            prompts.Add(Prompt(pair / OperandRange, pair % OperandRange));
        }
        _heldOutPrompts = [.. prompts];
    }

    /// <inheritdoc/>
    public string Id => TaskId;

    /// <inheritdoc/>
    public int PromptLength => PromptTokens;

    /// <inheritdoc/>
    public int CompletionLength => CompletionTokens;

    /// <inheritdoc/>
    public IReadOnlyList<int[]> HeldOutPrompts => _heldOutPrompts;

    /// <summary>The prompt <c>ab+cd=</c> for two operands in [0, 99].</summary>
    public static int[] Prompt(int a, int b) =>
        Vocabulary.Encode(string.Create(CultureInfo.InvariantCulture, $"{a:D2}+{b:D2}="));

    /// <summary>The two operands of a prompt; throws when it is not <c>ab+cd=</c>.</summary>
    public static (int A, int B) Operands(ReadOnlySpan<int> prompt)
    {
        if (prompt.Length != PromptTokens || prompt[2] != Vocabulary.Encode("+")[0] || prompt[5] != Vocabulary.Encode("=")[0])
            throw new ArgumentException($"arith: a prompt is 'ab+cd=', got '{SafeText(prompt)}'.", nameof(prompt));
        int a = 10 * DigitAt(prompt, 0) + DigitAt(prompt, 1);
        int b = 10 * DigitAt(prompt, 3) + DigitAt(prompt, 4);
        return (a, b);
    }

    /// <summary>The answer's tokens (digits of the sum, no EOS).</summary>
    public static int[] Answer(ReadOnlySpan<int> prompt)
    {
        var (a, b) = Operands(prompt);
        return Vocabulary.Encode((a + b).ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>1 when the completion is exactly the answer then EOS, 0 otherwise; −<see cref="EosPenalty"/> without EOS.</summary>
    public static float Reward(ReadOnlySpan<int> prompt, ReadOnlySpan<int> completion)
    {
        int eos = completion.IndexOf(Vocabulary.Eos);
        if (eos < 0) return -EosPenalty;
        return completion[..eos].SequenceEqual(Answer(prompt)) ? 1f : 0f;
    }

    /// <inheritdoc/>
    public void SampleTrainingPrompt(Generator rng, Span<int> prompt)
    {
        ArgumentNullException.ThrowIfNull(rng);
        int pair;
        do pair = rng.NextInt(OperandRange * OperandRange);
        while (_heldOut[pair]);
        Prompt(pair / OperandRange, pair % OperandRange).CopyTo(prompt);
    }

    /// <inheritdoc/>
    public int[] Demonstrate(ReadOnlySpan<int> prompt, Generator rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        var (a, b) = Operands(prompt);
        int units = a % 10 + b % 10;
        int carry = units >= 10 && rng.NextDouble() >= CarrySlip ? 1 : 0;
        int tens = a / 10 + b / 10 + carry;
        int hundreds = tens >= 10 && rng.NextDouble() >= CarrySlip ? 1 : 0;
        int sum = 100 * hundreds + 10 * (tens % 10) + units % 10;
        return [.. Vocabulary.Encode(sum.ToString(CultureInfo.InvariantCulture)), Vocabulary.Eos];
    }

    /// <inheritdoc/>
    public double HeldOutScore(int heldOutIndex, ReadOnlySpan<int> completion) =>
        Reward(_heldOutPrompts[heldOutIndex], completion) == 1f ? 1 : 0;

    private static int DigitAt(ReadOnlySpan<int> prompt, int i) =>
        Vocabulary.DigitOf(prompt[i]) is var d and >= 0 ? d : throw new ArgumentException($"arith: position {i} of '{SafeText(prompt)}' is not a digit.", nameof(prompt));

    private static string SafeText(ReadOnlySpan<int> ids)
    {
        foreach (int id in ids)
            if (!Vocabulary.Contains(id)) return $"[{ids.Length} ids, some outside the vocabulary]";
        return Vocabulary.Decode(ids);
    }
}
