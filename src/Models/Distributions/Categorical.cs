namespace AsyncRL.Models.Distributions;

/// <summary>A batch of categorical distributions parameterised by unnormalised logits [B, C].</summary>
public sealed class Categorical
{
    private Tensor? _logProbs;

    /// <summary>Wraps logits; gradients flow through log-probs and entropy.</summary>
    public Categorical(Tensor logits)
    {
        ArgumentNullException.ThrowIfNull(logits);
        if (logits.Rank != 2) throw new ArgumentException($"Categorical: logits must be [batch, classes], got {Tensor.ShapeString(logits.Shape)}.", nameof(logits));
        Logits = logits;
    }

    /// <summary>[B, C].</summary>
    public Tensor Logits { get; }

    /// <summary>log softmax(logits), [B, C].</summary>
    public Tensor LogProbs => _logProbs ??= Logits.LogSoftmax(-1);

    /// <summary>Draws one class per row.</summary>
    public int[] Sample(Generator rng)
    {
        var result = new int[Logits.Dim(0)];
        int c = Logits.Dim(1);
        using var scratch = new PooledBuffer(c);
        for (int b = 0; b < result.Length; b++) result[b] = Sampling.Sample(Logits.Data.Slice(b * c, c), 1f, rng, scratch.Span);
        return result;
    }

    /// <summary>The most likely class per row.</summary>
    public int[] Mode() => Logits.ArgMax(-1);

    /// <summary>log p(actions), [B].</summary>
    public Tensor LogProb(ReadOnlySpan<int> actions) => LogProbs.Gather(actions);

    /// <summary>H = −Σ p log p, [B].</summary>
    public Tensor Entropy() => -(LogProbs.Exp() * LogProbs).Sum(-1);
}
