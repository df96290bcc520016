namespace AsyncRL.Models;

/// <summary>Scalar helpers the numerically careful kernels share.</summary>
internal static class ScalarMath
{
    /// <summary>
    /// log(1 + x) accurate for tiny x, where log(1 + x) in float rounds 1 + x to 1 (Goldberg's
    /// trick: the rounding error of u = 1 + x cancels in log(u)·x / (u − 1)).
    /// </summary>
    public static float Log1p(float x)
    {
        double u = 1.0 + x;
        return u == 1.0 ? x : (float)(Math.Log(u) * x / (u - 1.0));
    }

    /// <summary>softplus(x) = log(1 + eˣ), written max(x, 0) + log1p(e^−|x|) so eˣ never overflows.</summary>
    public static float Softplus(float x) => MathF.Max(x, 0f) + Log1p(MathF.Exp(-MathF.Abs(x)));

    /// <summary>σ(x) = 1 / (1 + e^−x); e^−x overflowing to ∞ still gives the right limit 0.</summary>
    public static float Sigmoid(float x) => 1f / (1f + MathF.Exp(-x));
}
