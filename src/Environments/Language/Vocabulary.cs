namespace AsyncRL.Environments.Language;

/// <summary>
/// The character vocabulary both language tasks share: one token per character, with two special tokens —
/// <see cref="Pad"/> (after a completion's end) and <see cref="Eos"/> (ends a completion). Small on purpose:
/// the policies are tiny transformers that run on one CPU core.
/// </summary>
public static class Vocabulary
{
    /// <summary>Padding after the end of a completion (rendered <c>_</c>).</summary>
    public const int Pad = 0;

    /// <summary>End of sequence (rendered <c>$</c>).</summary>
    public const int Eos = 1;

    /// <summary>Every token's character, by id: pad, EOS, digits, operators, the summary separator and the letters a–h.</summary>
    public const string Symbols = "_$0123456789+=:abcdefgh";

    /// <summary>Id of the digit 0 (digits are consecutive).</summary>
    public const int Zero = 2;

    /// <summary>Id of the letter a (letters are consecutive).</summary>
    public const int FirstLetter = 15;

    /// <summary>Letters in the vocabulary (a–h).</summary>
    public const int LetterCount = 8;

    /// <summary>Tokens in the vocabulary; ids are in [0, Size).</summary>
    public static int Size => Symbols.Length;

    /// <summary>Whether <paramref name="id"/> is a token of this vocabulary.</summary>
    public static bool Contains(int id) => (uint)id < (uint)Symbols.Length;

    /// <summary>The token of a digit 0–9.</summary>
    public static int Digit(int value) =>
        value is >= 0 and <= 9 ? Zero + value : throw new ArgumentOutOfRangeException(nameof(value), $"A digit is 0–9, got {value}.");

    /// <summary>The digit a token stands for, or −1 when it is not a digit.</summary>
    public static int DigitOf(int id) => id >= Zero && id < Zero + 10 ? id - Zero : -1;

    /// <summary>The letter index (a = 0) a token stands for, or −1 when it is not a letter.</summary>
    public static int LetterOf(int id) => id >= FirstLetter && id < FirstLetter + LetterCount ? id - FirstLetter : -1;

    /// <summary>Ids of a text made of <see cref="Symbols"/>; throws naming the first character outside it.</summary>
    public static int[] Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ids = new int[text.Length];
        for (int i = 0; i < text.Length; i++)
        {
            int id = Symbols.IndexOf(text[i], StringComparison.Ordinal);
            ids[i] = id >= 0 ? id : throw new ArgumentException($"Character '{text[i]}' at position {i} is not in the vocabulary \"{Symbols}\".", nameof(text));
        }
        return ids;
    }

    /// <summary>The text of token ids; throws naming the first id outside the vocabulary.</summary>
    public static string Decode(ReadOnlySpan<int> ids)
    {
        var chars = new char[ids.Length];
        for (int i = 0; i < ids.Length; i++)
            chars[i] = Contains(ids[i]) ? Symbols[ids[i]] : throw new ArgumentException($"Token id {ids[i]} at position {i} is outside the vocabulary [0, {Size}).", nameof(ids));
        return new string(chars);
    }

    /// <summary>Tokens of a completion up to its end: up to and including the first EOS, or all of them when there is none.</summary>
    public static int CompletionLength(ReadOnlySpan<int> completion)
    {
        int eos = completion.IndexOf(Eos);
        return eos >= 0 ? eos + 1 : completion.Length;
    }

    /// <summary>Whether the completion ends with an EOS within its length.</summary>
    public static bool HasEos(ReadOnlySpan<int> completion) => completion.IndexOf(Eos) >= 0;
}
