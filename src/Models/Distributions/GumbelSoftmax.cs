namespace AsyncRL.Models.Distributions;

/// <summary>
/// Gumbel-softmax relaxation of a categorical sample (Jang et al.; Maddison et al.), as MADDPG uses
/// for discrete actions: y = softmax((logits + g)/τ), g ~ Gumbel(0, 1).
/// </summary>
public static class GumbelSoftmax
{
    /// <summary>
    /// Samples [B, C]. With <paramref name="hard"/>, returns the one-hot arg-max in the forward pass
    /// and the soft sample's gradient in the backward pass (straight-through: y_hard − sg(y) + y).
    /// </summary>
    public static Tensor Sample(Tensor logits, float temperature, Generator rng, bool hard = false)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(rng);
        if (!(temperature > 0)) throw new ArgumentOutOfRangeException(nameof(temperature), $"GumbelSoftmax: temperature must be positive, got {temperature}.");
        var gumbel = Tensor.Empty(logits.Shape);
        var g = gumbel.Data;
        for (int i = 0; i < g.Length; i++) g[i] = -MathF.Log(-MathF.Log(1f - rng.NextFloat() * (1f - 1e-7f)) + 1e-20f);
        var soft = ((logits + gumbel) / temperature).Softmax(-1);
        if (!hard) return soft;
        var oneHot = Tensor.Zeros(soft.Shape);
        int c = soft.Dim(-1);
        var argmax = soft.ArgMax(-1);
        for (int r = 0; r < argmax.Length; r++) oneHot.Data[r * c + argmax[r]] = 1f;
        return oneHot - soft.Detach() + soft;
    }
}
