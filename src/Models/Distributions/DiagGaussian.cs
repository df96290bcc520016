namespace AsyncRL.Models.Distributions;

/// <summary>Independent Gaussians per action dimension: mean [B, A], log σ broadcastable to it ([A] or [B, A]).</summary>
public sealed class DiagGaussian
{
    private static readonly float HalfLog2Pi = 0.5f * MathF.Log(2 * MathF.PI);

    /// <summary>Creates the distribution.</summary>
    public DiagGaussian(Tensor mean, Tensor logStd)
    {
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(logStd);
        if (mean.Rank != 2) throw new ArgumentException($"DiagGaussian: mean must be [batch, actions], got {Tensor.ShapeString(mean.Shape)}.", nameof(mean));
        Mean = mean;
        LogStd = logStd;
        Std = logStd.Exp();
    }

    /// <summary>μ.</summary>
    public Tensor Mean { get; }

    /// <summary>log σ.</summary>
    public Tensor LogStd { get; }

    /// <summary>σ.</summary>
    public Tensor Std { get; }

    /// <summary>A reparameterised sample μ + σ·ε (gradients reach μ and σ).</summary>
    public Tensor RSample(Generator rng) => Mean + Std * Tensor.Randn(rng, Mean.Shape);

    /// <summary>A sample without gradient.</summary>
    public Tensor Sample(Generator rng)
    {
        using var _ = Autograd.NoGrad();
        return RSample(rng);
    }

    /// <summary>Σₐ log N(x; μ, σ²), [B].</summary>
    public Tensor LogProb(Tensor x)
    {
        var z = (x - Mean) / Std;
        return (z * z * -0.5f - LogStd - HalfLog2Pi).Sum(-1);
    }

    /// <summary>Σₐ (½ + ½ log 2π + log σ), [B].</summary>
    public Tensor Entropy() => (LogStd + (0.5f + HalfLog2Pi) + Tensor.Zeros(Mean.Shape)).Sum(-1);
}

/// <summary>
/// a = tanh(u), u ~ N(μ, σ²) — bounded actions (SAC). log π(a) = log N(u) − Σ log(1 − tanh²u), with
/// the stable form log(1 − tanh²u) = 2(log 2 − u − softplus(−2u)).
/// </summary>
public sealed class TanhGaussian(Tensor mean, Tensor logStd)
{
    private static readonly float Log2 = MathF.Log(2);

    /// <summary>The Gaussian before squashing.</summary>
    public DiagGaussian Base { get; } = new(mean, logStd);

    /// <summary>A reparameterised action in (−1, 1) and its log-probability [B].</summary>
    public (Tensor Action, Tensor LogProb) RSample(Generator rng)
    {
        var u = Base.RSample(rng);
        return (u.Tanh(), LogProbFromPreTanh(u));
    }

    /// <summary>log π(tanh u) for pre-squash values u, [B].</summary>
    public Tensor LogProbFromPreTanh(Tensor u)
    {
        ArgumentNullException.ThrowIfNull(u);
        var logDetJacobian = ((-u - (u * -2f).Softplus() + Log2) * 2f).Sum(-1);
        return Base.LogProb(u) - logDetJacobian;
    }

    /// <summary>The deterministic action tanh(μ).</summary>
    public Tensor Mode() => Base.Mean.Tanh();
}
