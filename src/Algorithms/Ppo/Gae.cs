namespace AsyncRL.Algorithms.Ppo;

/// <summary>
/// Generalised advantage estimation (Schulman et al. 2016) over a rollout laid out [T, N]
/// (time-major, N environments). Terminated steps do not bootstrap; truncated steps bootstrap from
/// the value of their final observation; neither carries advantage across the episode boundary.
/// </summary>
public static class Gae
{
    /// <summary>Aₜ = δₜ + γλ·Aₜ₊₁ with δₜ = rₜ + γ·V(sₜ₊₁) − V(sₜ); writes advantages and returns (A + V).</summary>
    /// <param name="rewards">rₜ, [T, N].</param>
    /// <param name="values">V(sₜ) under the current critic, [T, N].</param>
    /// <param name="bootstrapValues">V(s_T) for the observation after the last step, [N].</param>
    /// <param name="terminated">Episode ended in a terminal state at t, [T, N].</param>
    /// <param name="truncated">Episode was cut at t, [T, N].</param>
    /// <param name="truncationValues">V(final observation) where truncated, [T, N] (other entries ignored).</param>
    /// <param name="gamma">Discount γ.</param>
    /// <param name="lambda">GAE λ.</param>
    /// <param name="advantages">Output Aₜ, [T, N].</param>
    /// <param name="returns">Output Aₜ + V(sₜ), [T, N].</param>
    public static void Compute(ReadOnlySpan<float> rewards, ReadOnlySpan<float> values, ReadOnlySpan<float> bootstrapValues,
        ReadOnlySpan<bool> terminated, ReadOnlySpan<bool> truncated, ReadOnlySpan<float> truncationValues,
        float gamma, float lambda, Span<float> advantages, Span<float> returns)
    {
        int n = bootstrapValues.Length;
        if (n == 0 || rewards.Length % n != 0)
            throw new ArgumentException($"Gae: {rewards.Length} rewards do not form [T, {n}].");
        int t = rewards.Length / n;
        foreach (var len in new[] { values.Length, terminated.Length, truncated.Length, truncationValues.Length, advantages.Length, returns.Length })
            if (len != rewards.Length) throw new ArgumentException($"Gae: every [T, N] input must have {rewards.Length} entries, one has {len}.");
        for (int e = 0; e < n; e++)
        {
            float nextAdvantage = 0f;
            float nextValue = bootstrapValues[e];
            for (int s = t - 1; s >= 0; s--)
            {
                int i = s * n + e;
                if (terminated[i]) { nextValue = 0f; nextAdvantage = 0f; }
                else if (truncated[i]) { nextValue = truncationValues[i]; nextAdvantage = 0f; }
                float delta = rewards[i] + gamma * nextValue - values[i];
                nextAdvantage = delta + gamma * lambda * nextAdvantage;
                advantages[i] = nextAdvantage;
                returns[i] = nextAdvantage + values[i];
                nextValue = values[i];
            }
        }
    }
}
