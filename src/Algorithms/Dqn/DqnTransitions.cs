namespace AsyncRL.Algorithms.Dqn;

/// <summary>
/// n-step transitions as actors send them: (sₜ, aₜ, G⁽ⁿ⁾ₜ, sₜ₊ₘ, γᵐ or 0), each with the policy version
/// that chose aₜ and the actor's initial priority |δ| computed with its own Q copy (Ape-X).
/// </summary>
/// <param name="Observations">sₜ, [R, O].</param>
/// <param name="Actions">aₜ, [R].</param>
/// <param name="Returns">G⁽ⁿ⁾ₜ, [R].</param>
/// <param name="NextObservations">sₜ₊ₘ, [R, O].</param>
/// <param name="Discounts">γᵐ, 0 when the episode terminated inside the window, [R].</param>
/// <param name="Priorities">|G + γᵐ maxₐ Q(sₜ₊ₘ, a) − Q(sₜ, aₜ)| under the acting weights, [R] (null: the learner uses its max priority).</param>
/// <param name="PolicyVersions">Version that chose aₜ, [R].</param>
public sealed record DqnTransitions(
    float[] Observations, int[] Actions, float[] Returns, float[] NextObservations, float[] Discounts, float[]? Priorities, long[] PolicyVersions)
{
    /// <summary>R.</summary>
    public int Rows => Actions.Length;

    /// <summary>Throws with the column's name when sizes or values do not fit.</summary>
    public void Validate(int observationSize, int actionCount)
    {
        int r = Rows;
        void Check(string name, int actual, int expected)
        {
            if (actual != expected) throw new ArgumentException($"column '{name}' has {actual} values, expected {expected}");
        }
        Check("obs", Observations.Length, r * observationSize);
        Check("next_obs", NextObservations.Length, r * observationSize);
        Check("reward", Returns.Length, r);
        Check("discount", Discounts.Length, r);
        Check("policy_version", PolicyVersions.Length, r);
        if (Priorities is not null) Check("priority", Priorities.Length, r);
        for (int i = 0; i < r; i++)
        {
            if ((uint)Actions[i] >= (uint)actionCount) throw new ArgumentException($"column 'action': row {i} has action {Actions[i]}, outside [0, {actionCount})");
            if (Discounts[i] is < 0 or > 1) throw new ArgumentException($"column 'discount': row {i} has {Discounts[i]}, outside [0, 1]");
            if (Priorities is not null && Priorities[i] < 0) throw new ArgumentException($"column 'priority': row {i} is negative ({Priorities[i]})");
        }
    }
}
