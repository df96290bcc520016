namespace AsyncRL.Models.Distributions;

/// <summary>Sampling helpers over raw logits (no tensors, no allocation).</summary>
public static class Sampling
{
    /// <summary>Draws an index from softmax(logits / temperature); temperature 0 takes the arg-max.</summary>
    public static int Sample(ReadOnlySpan<float> logits, float temperature, Generator rng, Span<float> scratch)
    {
        ArgumentNullException.ThrowIfNull(rng);
        if (temperature == 0) return System.Numerics.Tensors.TensorPrimitives.IndexOfMax(logits);
        var p = scratch[..logits.Length];
        System.Numerics.Tensors.TensorPrimitives.Multiply(logits, 1f / temperature, p);
        float max = System.Numerics.Tensors.TensorPrimitives.Max(p);
        System.Numerics.Tensors.TensorPrimitives.Subtract(p, max, p);
        System.Numerics.Tensors.TensorPrimitives.Exp(p, p);
        float u = rng.NextFloat() * System.Numerics.Tensors.TensorPrimitives.Sum(p);
        for (int i = 0; i < p.Length; i++)
        {
            u -= p[i];
            if (u < 0) return i;
        }
        return p.Length - 1; // rounding left a sliver of mass
    }

    /// <summary>log softmax(logits)[index], computed stably.</summary>
    public static float LogSoftmaxAt(ReadOnlySpan<float> logits, int index)
    {
        float max = System.Numerics.Tensors.TensorPrimitives.Max(logits);
        double sum = 0;
        foreach (var l in logits) sum += Math.Exp(l - max);
        return (float)(logits[index] - max - Math.Log(sum));
    }
}
