using AsyncRL.Models.Distributions;

namespace AsyncRL.Algorithms.Ppo;

/// <summary>Diagnostics of one minibatch: what the clipped objective did and how off-policy the rows were.</summary>
public readonly record struct PpoLossStats(
    float PolicyLoss, float ValueLoss, float Entropy, float ApproxKl, float ClipFraction, float RatioMean, float EffectiveSampleSize);

/// <summary>
/// The PPO-clip objective where the behaviour policy μ (the lagged actor that generated the rows) plays
/// the role of π_old: r = π(a|s)/μ(a|s), L = −E[min(rA, clip(r, 1±ε)A)] + c_v·L_V − c_e·H.
/// </summary>
public static class PpoLoss
{
    /// <summary>Builds the loss for one minibatch and its diagnostics.</summary>
    public static (Tensor Loss, PpoLossStats Stats) Compute(ActorCritic model, PpoOptions options, Tensor observations, ReadOnlySpan<int> actions,
        Tensor behaviourLogProbs, Tensor advantages, Tensor returns, Tensor behaviourValues)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        var dist = new Categorical(model.Actor.Forward(observations));
        var logProbs = dist.LogProb(actions);
        var logRatio = logProbs - behaviourLogProbs;
        var ratio = logRatio.Exp();

        var adv = options.NormalizeAdvantages ? Normalize(advantages) : advantages;
        var surrogate = ratio * adv;
        var clipped = ratio.Clamp(1 - options.ClipCoef, 1 + options.ClipCoef) * adv;
        var policyLoss = -surrogate.Minimum(clipped).Mean();

        var values = model.Value(observations);
        Tensor valueLoss;
        if (options.ClipValueLoss)
        {
            var unclipped = (values - returns).Square();
            var vClipped = behaviourValues + (values - behaviourValues).Clamp(-options.ClipCoef, options.ClipCoef);
            valueLoss = unclipped.Maximum((vClipped - returns).Square()).Mean() * 0.5f;
        }
        else
        {
            valueLoss = (values - returns).Square().Mean() * 0.5f;
        }
        var entropy = dist.Entropy().Mean();
        var loss = policyLoss + valueLoss * options.ValueCoef - entropy * options.EntropyCoef;
        return (loss, Diagnose(logRatio, options.ClipCoef, policyLoss.Item(), valueLoss.Item(), entropy.Item()));
    }

    /// <summary>(A − mean) / (std + 1e-8), treated as a constant.</summary>
    private static Tensor Normalize(Tensor a)
    {
        var result = Tensor.Zeros(a.Shape);
        Normalize(a.Data, result.Data);
        return result;
    }

    /// <summary>(A − mean) / (std + 1e-8) of host values, as both engines use it.</summary>
    internal static void Normalize(ReadOnlySpan<float> d, Span<float> r)
    {
        double mean = 0;
        foreach (var v in d) mean += v;
        mean /= Math.Max(d.Length, 1);
        double var = 0;
        foreach (var v in d) var += (v - mean) * (v - mean);
        double std = d.Length > 1 ? Math.Sqrt(var / (d.Length - 1)) : 0; // unbiased, as torch.std
        for (int i = 0; i < d.Length; i++) r[i] = (float)((d[i] - mean) / (std + 1e-8));
    }

    /// <summary>approx KL = E[(r − 1) − log r] (Schulman's k3), clip fraction, mean ratio and ESS = (Σr)²/(n·Σr²).</summary>
    internal static PpoLossStats Diagnose(Tensor logRatio, float clipCoef, float policyLoss, float valueLoss, float entropy) =>
        Diagnose(logRatio.Data, clipCoef, policyLoss, valueLoss, entropy);

    /// <summary>The same diagnostics from log-ratios already on the host (the torch engine's).</summary>
    internal static PpoLossStats Diagnose(ReadOnlySpan<float> lr, float clipCoef, float policyLoss, float valueLoss, float entropy)
    {
        double kl = 0, clipped = 0, sum = 0, sumSq = 0;
        foreach (var l in lr)
        {
            double r = Math.Exp(l);
            kl += (r - 1) - l;
            if (Math.Abs(r - 1) > clipCoef) clipped++;
            sum += r;
            sumSq += r * r;
        }
        int n = Math.Max(lr.Length, 1);
        return new PpoLossStats(policyLoss, valueLoss, entropy, (float)(kl / n), (float)(clipped / n), (float)(sum / n),
            sumSq > 0 ? (float)(sum * sum / (n * sumSq)) : 1f);
    }
}
