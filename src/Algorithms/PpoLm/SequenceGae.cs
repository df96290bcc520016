namespace AsyncRL.Algorithms.PpoLm;

/// <summary>
/// Generalised advantage estimation (Schulman et al. 2016) over each completion as one episode that ends at its
/// last token: δ_t = r_t + γ·V_{t+1} − V_t with V past the end = 0, A_t = δ_t + γλ·A_{t+1}, returns A_t + V_t.
/// </summary>
public static class SequenceGae
{
    /// <summary>Advantages and returns, [rows, Tc] (0 past each end).</summary>
    /// <param name="rewards">r_t, [rows·Tc].</param>
    /// <param name="values">V(state before token t), [rows·Tc].</param>
    /// <param name="lengths">Completion lengths, [rows].</param>
    /// <param name="gamma">γ (1 for language models).</param>
    /// <param name="lambda">λ.</param>
    public static (float[] Advantages, float[] Returns) Compute(ReadOnlySpan<float> rewards, ReadOnlySpan<float> values, ReadOnlySpan<int> lengths,
        float gamma, float lambda)
    {
        int rows = lengths.Length;
        if (rewards.Length != values.Length || rows == 0 || rewards.Length % rows != 0)
            throw new ArgumentException($"SequenceGae: {rewards.Length} rewards and {values.Length} values do not form {rows} rows.");
        int tc = rewards.Length / rows;
        var advantages = new float[rewards.Length];
        var returns = new float[rewards.Length];
        for (int r = 0; r < rows; r++)
        {
            float nextValue = 0f, nextAdvantage = 0f;
            for (int t = lengths[r] - 1; t >= 0; t--)
            {
                int i = r * tc + t;
                float delta = rewards[i] + gamma * nextValue - values[i];
                nextAdvantage = delta + gamma * lambda * nextAdvantage;
                advantages[i] = nextAdvantage;
                returns[i] = nextAdvantage + values[i];
                nextValue = values[i];
            }
        }
        return (advantages, returns);
    }

    /// <summary>(A − mean) / (std + 1e-8) over the masked entries (PPO's advantage whitening); 0 elsewhere.</summary>
    public static float[] Whiten(ReadOnlySpan<float> advantages, ReadOnlySpan<float> mask)
    {
        double n = 0, sum = 0, sumSq = 0;
        for (int i = 0; i < advantages.Length; i++)
        {
            if (mask[i] == 0) continue;
            n++;
            sum += advantages[i];
        }
        double mean = n > 0 ? sum / n : 0;
        for (int i = 0; i < advantages.Length; i++)
            if (mask[i] != 0) sumSq += (advantages[i] - mean) * (advantages[i] - mean);
        double std = n > 1 ? Math.Sqrt(sumSq / (n - 1)) : 0;
        var result = new float[advantages.Length];
        for (int i = 0; i < advantages.Length; i++)
            if (mask[i] != 0) result[i] = (float)((advantages[i] - mean) / (std + 1e-8));
        return result;
    }
}
