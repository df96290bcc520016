using AsyncRL.Models.Distributions;

namespace AsyncRL.Algorithms.Maddpg;

/// <summary>The small pure pieces of MADDPG's update (Lowe et al. 2017, Algorithm 1), named after the paper's symbols.</summary>
public static class MaddpgMath
{
    /// <summary>
    /// The critic's target yʲ = rᵢʲ + γ·(1 − dʲ)·Qᵢ^μ′(x′ʲ, a′₁ … a′_N) per row j, with a′ₖ from the target policies.
    /// An episode cut by the time limit is not terminal (d = 0) and bootstraps from its final observation.
    /// </summary>
    /// <param name="rewards">rᵢ, [B].</param>
    /// <param name="dones">d ∈ {0, 1}, [B].</param>
    /// <param name="nextQ">Qᵢ^μ′ of the next state and target actions, [B].</param>
    /// <param name="gamma">γ.</param>
    /// <param name="y">The targets, [B].</param>
    public static void Targets(ReadOnlySpan<float> rewards, ReadOnlySpan<float> dones, ReadOnlySpan<float> nextQ, float gamma, Span<float> y)
    {
        int b = rewards.Length;
        if (dones.Length != b || nextQ.Length != b || y.Length != b)
            throw new ArgumentException($"MADDPG targets: {b} rewards, {dones.Length} dones, {nextQ.Length} next values and {y.Length} outputs.");
        for (int j = 0; j < b; j++) y[j] = rewards[j] + gamma * (1f - dones[j]) * nextQ[j];
    }

    /// <summary>
    /// Every agent's action as a one-hot block: row j of <paramref name="oneHot"/> is [onehot(a₁ʲ) … onehot(a_Nʲ)].
    /// Throws when an action is not an index in [0, <paramref name="actionCount"/>).
    /// </summary>
    /// <param name="actions">aₖʲ as floats (replay stores them so), [B, N].</param>
    /// <param name="agents">N.</param>
    /// <param name="actionCount">A.</param>
    /// <param name="oneHot">[B, N·A].</param>
    public static void OneHot(ReadOnlySpan<float> actions, int agents, int actionCount, Span<float> oneHot)
    {
        int b = actions.Length / agents;
        if (actions.Length != b * agents || oneHot.Length != b * agents * actionCount)
            throw new ArgumentException($"MADDPG one-hot: {actions.Length} actions of {agents} agents do not fit {oneHot.Length} outputs of {actionCount} actions.");
        oneHot.Clear();
        for (int k = 0; k < actions.Length; k++)
        {
            float a = actions[k];
            if (!(a >= 0 && a < actionCount) || a != MathF.Floor(a)) throw new ArgumentException($"MADDPG one-hot: action {a} is not in [0, {actionCount}).");
            oneHot[k * actionCount + (int)a] = 1f;
        }
    }

    /// <summary>
    /// One categorical draw per row from softmax(ℓ) as a one-hot — the forward value of a hard Gumbel-softmax
    /// sample, which is a categorical sample at any temperature — written into agent <paramref name="agent"/>'s block.
    /// </summary>
    /// <param name="logits">ℓ, [B, A].</param>
    /// <param name="agent">The block to write.</param>
    /// <param name="agents">N.</param>
    /// <param name="actionCount">A.</param>
    /// <param name="rng">The sampler.</param>
    /// <param name="oneHot">[B, N·A]; only agent <paramref name="agent"/>'s block is written.</param>
    public static void SampleOneHot(ReadOnlySpan<float> logits, int agent, int agents, int actionCount, Generator rng, Span<float> oneHot)
    {
        ArgumentNullException.ThrowIfNull(rng);
        int b = logits.Length / actionCount;
        if ((uint)agent >= (uint)agents || logits.Length != b * actionCount || oneHot.Length != b * agents * actionCount)
            throw new ArgumentException($"MADDPG sample: {logits.Length} logits of {actionCount} actions do not fit agent {agent}'s block of {oneHot.Length} one-hot values for {agents} agents.");
        Span<float> scratch = stackalloc float[actionCount];
        for (int j = 0; j < b; j++)
        {
            var block = oneHot.Slice((j * agents + agent) * actionCount, actionCount);
            block.Clear();
            block[Sampling.Sample(logits.Slice(j * actionCount, actionCount), 1f, rng, scratch)] = 1f;
        }
    }

    /// <summary>Mean entropy of softmax(ℓ) over rows (a diagnostic: how much the policies still explore).</summary>
    public static double MeanEntropy(ReadOnlySpan<float> logits, int actionCount)
    {
        int rows = logits.Length / actionCount;
        if (rows == 0) return double.NaN;
        double total = 0;
        for (int j = 0; j < rows; j++)
        {
            var l = logits.Slice(j * actionCount, actionCount);
            float max = System.Numerics.Tensors.TensorPrimitives.Max(l);
            double z = 0, s = 0;
            foreach (var v in l) z += Math.Exp(v - max);
            foreach (var v in l)
            {
                double p = Math.Exp(v - max) / z;
                if (p > 0) s -= p * Math.Log(p);
            }
            total += s;
        }
        return total / rows;
    }
}
