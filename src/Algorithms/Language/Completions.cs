using AsyncRL.Environments.Language;

namespace AsyncRL.Algorithms.Language;

/// <summary>
/// A batch of completions laid out [rows, Tc]: tokens padded with <see cref="Vocabulary.Pad"/> after EOS, each
/// row's length (its EOS included; Tc when it has none), and per-token log-probabilities under the sampling
/// distribution (0 past the end).
/// </summary>
/// <param name="Rows">Completions.</param>
/// <param name="Length">Tc, the most tokens a completion may have.</param>
/// <param name="Tokens">[rows, Tc] token ids.</param>
/// <param name="Lengths">[rows] tokens up to and including EOS.</param>
/// <param name="LogProbs">[rows, Tc] log π(token | prefix) at the sampling temperature.</param>
public sealed record Completions(int Rows, int Length, int[] Tokens, int[] Lengths, float[] LogProbs)
{
    /// <summary>One completion's tokens (padding included).</summary>
    public ReadOnlySpan<int> Row(int row) => Tokens.AsSpan(row * Length, Length);

    /// <summary>One completion's tokens up to its end.</summary>
    public ReadOnlySpan<int> Text(int row) => Tokens.AsSpan(row * Length, Lengths[row]);

    /// <summary>Whether the completion ended with EOS within the limit.</summary>
    public bool HasEos(int row) => Lengths[row] > 0 && Tokens[row * Length + Lengths[row] - 1] == Vocabulary.Eos;

    /// <summary>[rows, Tc] with 1 on each row's tokens up to its end, 0 after.</summary>
    public static float[] Mask(ReadOnlySpan<int> lengths, int length)
    {
        var mask = new float[lengths.Length * length];
        for (int r = 0; r < lengths.Length; r++) mask.AsSpan(r * length, lengths[r]).Fill(1f);
        return mask;
    }
}
