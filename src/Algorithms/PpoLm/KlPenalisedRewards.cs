namespace AsyncRL.Algorithms.PpoLm;

/// <summary>
/// PPO's per-token reward for language models (Ziegler et al. 2019; Ouyang et al. 2022; TRL's PPO trainer):
/// r_t = −β·(log μ(y_t) − log π_ref(y_t)) on every completion token, plus the sequence's score on its last token.
/// μ is the policy that generated the tokens, so the penalty is a one-sample estimate of β·KL(μ ‖ π_ref).
/// </summary>
public static class KlPenalisedRewards
{
    /// <summary>r_t, [rows, Tc] (0 past each completion's end).</summary>
    /// <param name="scores">Sequence score per row (RM or task reward, EOS penalty applied), [rows].</param>
    /// <param name="behaviourLogProbs">log μ per token, [rows·Tc].</param>
    /// <param name="referenceLogProbs">log π_ref per token, [rows·Tc].</param>
    /// <param name="lengths">Completion lengths, [rows].</param>
    /// <param name="beta">β, the KL coefficient.</param>
    public static float[] Compute(ReadOnlySpan<float> scores, ReadOnlySpan<float> behaviourLogProbs, ReadOnlySpan<float> referenceLogProbs,
        ReadOnlySpan<int> lengths, float beta)
    {
        int rows = lengths.Length;
        if (scores.Length != rows || behaviourLogProbs.Length != referenceLogProbs.Length || behaviourLogProbs.Length % Math.Max(rows, 1) != 0)
            throw new ArgumentException($"KlPenalisedRewards: {scores.Length} scores, {behaviourLogProbs.Length} and {referenceLogProbs.Length} log-probs do not fit {rows} rows.");
        int tc = rows == 0 ? 0 : behaviourLogProbs.Length / rows;
        var rewards = new float[rows * tc];
        for (int r = 0; r < rows; r++)
        {
            for (int t = 0; t < lengths[r]; t++)
            {
                int i = r * tc + t;
                rewards[i] = -beta * (behaviourLogProbs[i] - referenceLogProbs[i]);
            }
            if (lengths[r] > 0) rewards[r * tc + lengths[r] - 1] += scores[r];
        }
        return rewards;
    }
}
