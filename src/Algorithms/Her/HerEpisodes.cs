namespace AsyncRL.Algorithms.Her;

/// <summary>
/// Whole episodes as HER actors send them, one after another: (sₜ, aₜ, rₜ, sₜ₊₁, terminated, truncated),
/// each row with its step index t within its episode and the policy version that acted.
/// </summary>
public sealed record HerEpisodes(
    float[] Observations, int[] Actions, float[] Rewards, float[] NextObservations, bool[] Terminated, bool[] Truncated, int[] Steps, long[] PolicyVersions)
{
    /// <summary>Rows.</summary>
    public int Rows => Actions.Length;

    /// <summary>(first row, length) of each episode, in order.</summary>
    public IEnumerable<(int Start, int Length)> Episodes()
    {
        for (int start = 0; start < Rows;)
        {
            int end = start;
            while (!Terminated[end] && !Truncated[end]) end++;
            yield return (start, end - start + 1);
            start = end + 1;
        }
    }

    /// <summary>Throws with the column's name when sizes or values do not fit, or the rows are not whole episodes.</summary>
    public void Validate(int observationSize, int actionCount)
    {
        int r = Rows;
        void Check(string name, int actual, int expected)
        {
            if (actual != expected) throw new ArgumentException($"column '{name}' has {actual} values, expected {expected}");
        }
        Check("obs", Observations.Length, r * observationSize);
        Check("next_obs", NextObservations.Length, r * observationSize);
        Check("reward", Rewards.Length, r);
        Check("terminated", Terminated.Length, r);
        Check("truncated", Truncated.Length, r);
        Check("step", Steps.Length, r);
        Check("policy_version", PolicyVersions.Length, r);
        for (int i = 0; i < r; i++)
        {
            if ((uint)Actions[i] >= (uint)actionCount) throw new ArgumentException($"column 'action': row {i} has action {Actions[i]}, outside [0, {actionCount})");
            int expected = i == 0 || Terminated[i - 1] || Truncated[i - 1] ? 0 : Steps[i - 1] + 1;
            if (Steps[i] != expected) throw new ArgumentException($"column 'step': row {i} is step {Steps[i]}, expected {expected} (rows must be whole episodes in order)");
        }
        if (r > 0 && !Terminated[r - 1] && !Truncated[r - 1]) throw new ArgumentException("the last row does not end its episode (rows must be whole episodes)");
    }
}
