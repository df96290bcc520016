namespace AsyncRL.Algorithms.Language;

/// <summary>The clipped surrogate's value, its gradient with respect to log π_θ per token, and the share of clipped tokens.</summary>
public sealed record ClippedSurrogateResult(double Loss, float[] Gradient, double ClipFraction);

/// <summary>
/// PPO's clipped surrogate per token (Schulman et al. 2017) with the behaviour policy μ — the possibly older policy
/// that generated the tokens — as π_old: ρ = π_θ/μ, L = −Σ_t m_t·min(ρ_t A_t, clip(ρ_t, 1 ± ε) A_t) / Σ_t m_t.
/// Off-policy generations are corrected by ρ and bounded by the clip; on-policy (μ = π_θ) the first step has ρ = 1.
/// Where the unclipped term is the minimum, ∂L/∂log π_t = −m_t ρ_t A_t / Σm (∂ρ/∂log π = ρ); where the clip binds, 0.
/// </summary>
public static class ClippedSurrogate
{
    /// <summary>The loss, its gradient and the share of tokens whose ratio left [1 − ε, 1 + ε].</summary>
    /// <param name="logProbs">log π_θ per token, [rows·Tc].</param>
    /// <param name="behaviourLogProbs">log μ per token, [rows·Tc].</param>
    /// <param name="advantages">A per token, [rows·Tc].</param>
    /// <param name="mask">1 on completion tokens, [rows·Tc].</param>
    /// <param name="clip">ε.</param>
    public static ClippedSurrogateResult Compute(ReadOnlySpan<float> logProbs, ReadOnlySpan<float> behaviourLogProbs, ReadOnlySpan<float> advantages,
        ReadOnlySpan<float> mask, float clip)
    {
        int n = logProbs.Length;
        if (behaviourLogProbs.Length != n || advantages.Length != n || mask.Length != n)
            throw new ArgumentException($"ClippedSurrogate: {n} log-probabilities, {behaviourLogProbs.Length} behaviour, {advantages.Length} advantages, {mask.Length} mask.");
        double tokens = 0;
        foreach (var m in mask) tokens += m;
        tokens = Math.Max(1.0, tokens);
        var gradient = new float[n];
        double sum = 0;
        int clipped = 0;
        for (int i = 0; i < n; i++)
        {
            if (mask[i] == 0) continue;
            double ratio = Math.Exp((double)logProbs[i] - behaviourLogProbs[i]);
            double a = advantages[i];
            double unclipped = ratio * a, bounded = Math.Clamp(ratio, 1 - clip, 1 + clip) * a;
            sum += mask[i] * Math.Min(unclipped, bounded);
            if (unclipped <= bounded) gradient[i] = (float)(-mask[i] * unclipped / tokens);
            if (Math.Abs(ratio - 1) > clip) clipped++;
        }
        return new ClippedSurrogateResult(-sum / tokens, gradient, clipped / tokens);
    }
}
