namespace AsyncRL.Algorithms.Replay;

/// <summary>
/// n-step returns (Sutton &amp; Barto §7.1; Ape-X and Rainbow use n = 3):
/// G⁽ⁿ⁾ₜ = Σ_{k=0}^{m−1} γᵏ rₜ₊ₖ and the bootstrap discount γᵐ, where m ≤ n stops at the episode's end;
/// a terminal end zeroes the bootstrap (discount 0), a truncated one keeps γᵐ so the learner bootstraps
/// from the final observation.
/// </summary>
public static class NStep
{
    /// <summary>G and the bootstrap discount for the window starting at <paramref name="start"/>.</summary>
    /// <param name="rewards">rₜ of consecutive steps of one episode stream.</param>
    /// <param name="terminated">Whether step t ended the episode in a terminal state.</param>
    /// <param name="truncated">Whether step t was cut by the time limit.</param>
    /// <param name="start">t.</param>
    /// <param name="n">n ≥ 1.</param>
    /// <param name="gamma">γ.</param>
    /// <returns>G⁽ⁿ⁾ₜ, γᵐ (0 when terminal) and m, the steps summed.</returns>
    public static (float Return, float Discount, int Steps) Compute(
        ReadOnlySpan<float> rewards, ReadOnlySpan<bool> terminated, ReadOnlySpan<bool> truncated, int start, int n, float gamma)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        double g = 0, discount = 1;
        int m = 0;
        for (int k = start; k < rewards.Length && m < n; k++)
        {
            g += discount * rewards[k];
            discount *= gamma;
            m++;
            if (terminated[k]) return ((float)g, 0f, m);
            if (truncated[k]) break;
        }
        return ((float)g, (float)discount, m);
    }
}
