namespace AsyncRL.Algorithms.Replay;

/// <summary>
/// The formulas of proportional prioritised replay (Schaul et al. 2016, §3.3–3.4), named after the paper:
/// pᵢ = |δᵢ| + ε, P(i) = pᵢ^α / Σₖ pₖ^α, wᵢ = (N·P(i))^−β / maxⱼ wⱼ, β annealed linearly to 1.
/// </summary>
public static class PrioritizedReplayMath
{
    /// <summary>pᵢ^α with pᵢ = |δᵢ| + ε: what the sum tree stores for a TD error δ.</summary>
    public static double Leaf(float tdError, float alpha, float epsilon) => Math.Pow(Math.Abs((double)tdError) + epsilon, alpha);

    /// <summary>
    /// wᵢ = (N·P(i))^−β normalised by the largest weight in the buffer, (N·P_min)^−β; N cancels, leaving
    /// (P(i)/P_min)^−β, always in (0, 1].
    /// </summary>
    /// <param name="probability">P(i).</param>
    /// <param name="minProbability">The smallest P(j) in the buffer.</param>
    /// <param name="beta">β.</param>
    public static float ImportanceWeight(double probability, double minProbability, float beta) =>
        (float)Math.Pow(probability / minProbability, -beta);

    /// <summary>
    /// <see cref="ImportanceWeight"/> for a whole batch at once: each ratio P(i)/P_min is replaced by its weight
    /// (P(i)/P_min)^−β. One SIMD pass instead of a scalar power per row, which dominated prioritized sampling.
    /// </summary>
    public static void ImportanceWeights(Span<float> probabilityRatios, float beta) =>
        System.Numerics.Tensors.TensorPrimitives.Pow(probabilityRatios, -beta, probabilityRatios);

    /// <summary>β(t) = β₀ + (1 − β₀)·min(1, t/T): the bias correction reaches full strength at the end of training (T ≤ 0: β₀ throughout).</summary>
    public static float Beta(float beta0, long update, long annealUpdates) =>
        annealUpdates <= 0 ? beta0 : beta0 + (1f - beta0) * (float)Math.Min(1.0, (double)update / annealUpdates);
}
