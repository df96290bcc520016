namespace AsyncRL.Algorithms.Rloo;

/// <summary>
/// REINFORCE leave-one-out (Kool et al. 2019; Ahmadian et al. 2024): with K samples of a prompt, each sample's
/// baseline is the mean reward of the other K − 1, A_i = R_i − (1/(K−1))·Σ_{j≠i} R_j, and the sequence reward
/// carries the KL penalty R_i = score_i − β·Σ_t (log μ(y_t) − log π_ref(y_t)).
/// </summary>
public static class RlooAdvantages
{
    /// <summary>A_i for rows grouped K at a time (row r in group r / K).</summary>
    public static float[] Compute(ReadOnlySpan<float> rewards, int k)
    {
        if (k < 2) throw new ArgumentOutOfRangeException(nameof(k), $"RLOO needs at least 2 samples per prompt, got {k}.");
        if (rewards.Length % k != 0) throw new ArgumentException($"RLOO: {rewards.Length} rewards do not form groups of {k}.", nameof(rewards));
        var advantages = new float[rewards.Length];
        for (int g = 0; g < rewards.Length / k; g++)
        {
            double sum = 0;
            for (int i = g * k; i < (g + 1) * k; i++) sum += rewards[i];
            for (int i = g * k; i < (g + 1) * k; i++)
                advantages[i] = (float)(rewards[i] - (sum - rewards[i]) / (k - 1));
        }
        return advantages;
    }

    /// <summary>R_i = score_i − β·Σ_t (log μ − log π_ref) over each row's tokens.</summary>
    public static float[] PenalisedRewards(ReadOnlySpan<float> scores, ReadOnlySpan<float> behaviourLogProbs, ReadOnlySpan<float> referenceLogProbs,
        ReadOnlySpan<int> lengths, float beta)
    {
        int rows = lengths.Length;
        int tc = behaviourLogProbs.Length / Math.Max(rows, 1);
        var rewards = new float[rows];
        for (int r = 0; r < rows; r++)
        {
            double kl = 0;
            for (int t = 0; t < lengths[r]; t++) kl += behaviourLogProbs[r * tc + t] - referenceLogProbs[r * tc + t];
            rewards[r] = (float)(scores[r] - beta * kl);
        }
        return rewards;
    }
}
