namespace AsyncRL.Algorithms.Ppo;

/// <summary>
/// V-trace off-policy targets (Espeholt et al. 2018, IMPALA) over a rollout laid out [T, N]:
/// vₛ = V(xₛ) + δₛ + γcₛ(vₛ₊₁ − V(xₛ₊₁)), δₛ = ρₛ(rₛ + γV(xₛ₊₁) − V(xₛ)), ρₛ = min(ρ̄, πₛ/μₛ),
/// cₛ = λ·min(c̄, πₛ/μₛ); the policy-gradient advantage is ρₛ(rₛ + γvₛ₊₁ − V(xₛ)). Episode ends are
/// handled as in <see cref="Gae"/>.
/// </summary>
public static class VTrace
{
    /// <summary>Writes value targets vₛ and policy-gradient advantages.</summary>
    /// <param name="logRatios">log πₛ − log μₛ (current vs behaviour), [T, N].</param>
    public static void Compute(ReadOnlySpan<float> rewards, ReadOnlySpan<float> values, ReadOnlySpan<float> bootstrapValues,
        ReadOnlySpan<bool> terminated, ReadOnlySpan<bool> truncated, ReadOnlySpan<float> truncationValues, ReadOnlySpan<float> logRatios,
        float gamma, float lambda, float rhoBar, float cBar, Span<float> valueTargets, Span<float> advantages)
    {
        int n = bootstrapValues.Length;
        if (n == 0 || rewards.Length % n != 0)
            throw new ArgumentException($"VTrace: {rewards.Length} rewards do not form [T, {n}].");
        int t = rewards.Length / n;
        foreach (var len in new[] { values.Length, terminated.Length, truncated.Length, truncationValues.Length, logRatios.Length, valueTargets.Length, advantages.Length })
            if (len != rewards.Length) throw new ArgumentException($"VTrace: every [T, N] input must have {rewards.Length} entries, one has {len}.");
        for (int e = 0; e < n; e++)
        {
            float nextValue = bootstrapValues[e];   // V(xₛ₊₁)
            float nextTarget = bootstrapValues[e];  // vₛ₊₁
            for (int s = t - 1; s >= 0; s--)
            {
                int i = s * n + e;
                float carry; // γcₛ(vₛ₊₁ − V(xₛ₊₁)) is dropped across episode boundaries
                if (terminated[i]) { nextValue = 0f; nextTarget = 0f; carry = 0f; }
                else if (truncated[i]) { nextValue = truncationValues[i]; nextTarget = truncationValues[i]; carry = 0f; }
                else carry = 1f;
                float ratio = MathF.Exp(logRatios[i]);
                float rho = MathF.Min(rhoBar, ratio);
                float c = lambda * MathF.Min(cBar, ratio);
                float delta = rho * (rewards[i] + gamma * nextValue - values[i]);
                float target = values[i] + delta + carry * gamma * c * (nextTarget - nextValue);
                advantages[i] = rho * (rewards[i] + gamma * nextTarget - values[i]);
                valueTargets[i] = target;
                nextValue = values[i];
                nextTarget = target;
            }
        }
    }
}
