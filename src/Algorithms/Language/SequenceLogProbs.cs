using AsyncRL.Models.Nn;

namespace AsyncRL.Algorithms.Language;

/// <summary>
/// Teacher-forced log-probabilities of given completions: one forward pass over prompt ‖ completion gives
/// log π(y_t | x, y_&lt;t) for every completion token at once, with gradients — what DPO, PPO and RLOO
/// differentiate, and what the reference model scores without gradients.
/// </summary>
public static class SequenceLogProbs
{
    /// <summary>
    /// Per-token log-probabilities at <paramref name="temperature"/> (log softmax(logits / T)), [rows, Tc], 0 past
    /// each row's end; with a scalar head also the scalars of the states before each token, [rows, Tc] (unmasked).
    /// </summary>
    /// <param name="model">The policy (or reference, or value model).</param>
    /// <param name="prompts">[rows, Tp] prompt ids.</param>
    /// <param name="promptLength">Tp.</param>
    /// <param name="completions">[rows, Tc] completion ids (padding after the end is ignored).</param>
    /// <param name="lengths">[rows] completion lengths, EOS included.</param>
    /// <param name="temperature">The sampling temperature the log-probabilities are taken at.</param>
    public static (Tensor LogProbs, Tensor? Scalars) Forward(TinyGpt model, ReadOnlySpan<int> prompts, int promptLength,
        ReadOnlySpan<int> completions, ReadOnlySpan<int> lengths, float temperature)
    {
        ArgumentNullException.ThrowIfNull(model);
        int rows = lengths.Length;
        if (rows == 0 || completions.Length % rows != 0 || prompts.Length != rows * promptLength)
            throw new ArgumentException($"SequenceLogProbs: {prompts.Length} prompt and {completions.Length} completion tokens do not form {rows} rows of {promptLength} + Tc.");
        if (!(temperature > 0) || !float.IsFinite(temperature)) throw new ArgumentOutOfRangeException(nameof(temperature), $"temperature must be positive, got {temperature}.");
        int tc = completions.Length / rows;
        var input = Inputs(prompts, promptLength, completions, rows, tc);
        var (logits, scalars) = model.ForwardWithScalar(input, rows);
        var selected = logits.Slice(1, promptLength - 1, tc);
        if (temperature != 1f) selected = selected * (1f / temperature);
        var logProbs = selected.LogSoftmax(-1).Gather(completions, dim: -1) * Tensor.FromArray(Completions.Mask(lengths, tc), rows, tc);
        return (logProbs, scalars?.Slice(1, promptLength - 1, tc));
    }

    /// <summary>Per-token log-probabilities as a plain array, without gradients (behaviour or reference).</summary>
    public static float[] Evaluate(TinyGpt model, ReadOnlySpan<int> prompts, int promptLength, ReadOnlySpan<int> completions,
        ReadOnlySpan<int> lengths, float temperature)
    {
        using var noGrad = Autograd.NoGrad();
        using var scope = DisposeScope.Begin();
        return Forward(model, prompts, promptLength, completions, lengths, temperature).LogProbs.ToArray();
    }

    /// <summary>Sums each row of a [rows, Tc] per-token array: log π of whole completions.</summary>
    public static float[] Sum(ReadOnlySpan<float> perToken, int rows)
    {
        int tc = perToken.Length / rows;
        var sums = new float[rows];
        for (int r = 0; r < rows; r++)
            foreach (var v in perToken.Slice(r * tc, tc)) sums[r] += v;
        return sums;
    }

    /// <summary>The teacher-forcing input: each prompt, then its completion without the last position, [rows, Tp + Tc − 1].</summary>
    internal static int[] Inputs(ReadOnlySpan<int> prompts, int promptLength, ReadOnlySpan<int> completions, int rows, int tc)
    {
        int t = promptLength + tc - 1;
        var input = new int[rows * t];
        for (int r = 0; r < rows; r++)
        {
            prompts.Slice(r * promptLength, promptLength).CopyTo(input.AsSpan(r * t));
            completions.Slice(r * tc, tc - 1).CopyTo(input.AsSpan(r * t + promptLength));
        }
        return input;
    }
}
