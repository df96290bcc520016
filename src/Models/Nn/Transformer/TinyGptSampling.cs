using AsyncRL.Models.Distributions;

namespace AsyncRL.Models.Nn;

/// <summary>Autoregressive sampling from a <see cref="TinyGpt"/> with its KV cache.</summary>
public static class TinyGptSampling
{
    /// <summary>
    /// Continues each prompt ([B, Tp] ids) by <paramref name="newTokens"/> tokens sampled at
    /// <paramref name="temperature"/> (0 = greedy). Returns the new ids [B, newTokens] and, per
    /// token, the log-probability under the sampling distribution at temperature 1 (what
    /// off-policy learners store as the behaviour log-prob).
    /// </summary>
    public static (int[] Tokens, float[] LogProbs) Generate(TinyGpt model, ReadOnlySpan<int> prompts, int batch, int newTokens,
        Generator rng, float temperature = 1f, KvCache? cache = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(rng);
        ArgumentOutOfRangeException.ThrowIfNegative(newTokens);
        if (temperature < 0 || float.IsNaN(temperature)) throw new ArgumentOutOfRangeException(nameof(temperature), $"temperature must be ≥ 0, got {temperature}.");
        cache ??= model.NewCache(batch);
        cache.Reset();
        int vocab = model.Config.VocabSize;
        var tokens = new int[batch * newTokens];
        var logProbs = new float[batch * newTokens];
        var next = new int[batch];
        using var _ = Autograd.NoGrad();
        using var probs = new PooledBuffer(vocab);
        Tensor logits = model.ForwardCached(prompts, cache);
        for (int step = 0; step < newTokens; step++)
        {
            int t = logits.Dim(1);
            for (int b = 0; b < batch; b++)
            {
                var row = logits.Data.Slice(((b * t) + t - 1) * vocab, vocab);
                int id = Sampling.Sample(row, temperature, rng, probs.Span);
                tokens[b * newTokens + step] = id;
                logProbs[b * newTokens + step] = Sampling.LogSoftmaxAt(row, id);
                next[b] = id;
            }
            if (step + 1 < newTokens) logits = model.ForwardCached(next, cache);
        }
        return (tokens, logProbs);
    }
}
