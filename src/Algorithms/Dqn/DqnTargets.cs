namespace AsyncRL.Algorithms.Dqn;

/// <summary>
/// The bootstrapped target of (double) DQN with n-step returns:
/// y = G⁽ⁿ⁾ + γᵐ·Q_target(s′, a*), a* = argmaxₐ Q_online(s′, a) for double DQN (van Hasselt et al. 2016)
/// or argmaxₐ Q_target(s′, a) for plain DQN; γᵐ is 0 after a terminal step.
/// </summary>
public static class DqnTargets
{
    /// <summary>Writes y per row.</summary>
    /// <param name="returns">G⁽ⁿ⁾, [B].</param>
    /// <param name="discounts">γᵐ (0 if terminal), [B].</param>
    /// <param name="nextOnline">Q_online(s′, ·), [B, A] (ignored unless <paramref name="doubleQ"/>).</param>
    /// <param name="nextTarget">Q_target(s′, ·), [B, A].</param>
    /// <param name="actions">A.</param>
    /// <param name="doubleQ">Select with the online network.</param>
    /// <param name="targets">y, [B].</param>
    public static void Compute(ReadOnlySpan<float> returns, ReadOnlySpan<float> discounts, ReadOnlySpan<float> nextOnline,
        ReadOnlySpan<float> nextTarget, int actions, bool doubleQ, Span<float> targets)
    {
        int b = returns.Length;
        if (discounts.Length != b || targets.Length != b || nextTarget.Length != b * actions || (doubleQ && nextOnline.Length != b * actions))
            throw new ArgumentException($"DqnTargets: inputs do not fit {b} rows of {actions} actions.");
        for (int i = 0; i < b; i++)
        {
            var select = (doubleQ ? nextOnline : nextTarget).Slice(i * actions, actions);
            int best = System.Numerics.Tensors.TensorPrimitives.IndexOfMax(select);
            targets[i] = discounts[i] == 0f ? returns[i] : returns[i] + discounts[i] * nextTarget[i * actions + best];
        }
    }
}
