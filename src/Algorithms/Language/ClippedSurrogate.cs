namespace AsyncRL.Algorithms.Language;

/// <summary>
/// PPO's clipped surrogate per token (Schulman et al. 2017) with the behaviour policy μ — the possibly older policy
/// that generated the tokens — as π_old: ρ = π_θ/μ, L = −Σ_t m_t·min(ρ_t A_t, clip(ρ_t, 1 ± ε) A_t) / Σ_t m_t.
/// Off-policy generations are corrected by ρ and bounded by the clip; on-policy (μ = π_θ) the first step has ρ = 1.
/// </summary>
public static class ClippedSurrogate
{
    /// <summary>The loss and the share of tokens whose ratio left [1 − ε, 1 + ε].</summary>
    /// <param name="logProbs">log π_θ per token, [rows, Tc], with gradients.</param>
    /// <param name="behaviourLogProbs">log μ per token, [rows·Tc].</param>
    /// <param name="advantages">A per token, [rows·Tc].</param>
    /// <param name="mask">1 on completion tokens, [rows·Tc].</param>
    /// <param name="clip">ε.</param>
    public static (Tensor Loss, double ClipFraction) Compute(Tensor logProbs, float[] behaviourLogProbs, float[] advantages, float[] mask, float clip)
    {
        ArgumentNullException.ThrowIfNull(logProbs);
        var shape = logProbs.Shape;
        var ratio = (logProbs - Tensor.FromArray(behaviourLogProbs, shape)).Exp();
        var a = Tensor.FromArray(advantages, shape);
        var m = Tensor.FromArray(mask, shape);
        var surrogate = (ratio * a).Minimum(ratio.Clamp(1 - clip, 1 + clip) * a);
        float tokens = Math.Max(1f, mask.Sum());
        var loss = -(surrogate * m).Sum() / tokens;
        int clipped = 0;
        var r = ratio.Data;
        for (int i = 0; i < r.Length; i++)
            if (mask[i] > 0 && Math.Abs(r[i] - 1) > clip) clipped++;
        return (loss, clipped / (double)tokens);
    }
}
