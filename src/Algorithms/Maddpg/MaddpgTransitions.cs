using AsyncRL.Environments;

namespace AsyncRL.Algorithms.Maddpg;

/// <summary>
/// Joint one-step transitions as an actor collects them: every agent's observation, action and reward at once, the
/// next observations, and whether the episode terminated. Observations use the joint layout (agent 0 first).
/// </summary>
/// <param name="Observations">x, [R, J].</param>
/// <param name="Actions">a₁ … a_N, [R, N].</param>
/// <param name="Rewards">r₁ … r_N, [R, N].</param>
/// <param name="NextObservations">x′ (the final observation where an episode ended), [R, J].</param>
/// <param name="Dones">1 where the episode terminated, 0 otherwise (also when cut by the time limit), [R].</param>
/// <param name="PolicyVersions">The version that chose the actions, [R].</param>
public sealed record MaddpgTransitions(float[] Observations, int[] Actions, float[] Rewards, float[] NextObservations, float[] Dones, long[] PolicyVersions)
{
    /// <summary>R.</summary>
    public int Rows => Dones.Length;

    /// <summary>Throws with the column's name when sizes or values do not fit <paramref name="spec"/>.</summary>
    public void Validate(MultiAgentEnvSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        int r = Rows, n = spec.AgentCount, j = spec.JointObservationSize;
        void Check(string name, int actual, int expected)
        {
            if (actual != expected) throw new ArgumentException($"{name} has {actual} values, expected {expected}");
        }
        Check("obs", Observations.Length, r * j);
        Check("next_obs", NextObservations.Length, r * j);
        Check("action", Actions.Length, r * n);
        Check("reward", Rewards.Length, r * n);
        Check("policy_version", PolicyVersions.Length, r);
        for (int row = 0; row < r; row++)
        {
            for (int i = 0; i < n; i++)
            {
                int a = Actions[row * n + i];
                if ((uint)a >= (uint)spec.ActionCount)
                    throw new ArgumentException($"column '{MaddpgWire.AgentColumn("action", i)}': row {row} has action {a}, outside [0, {spec.ActionCount})");
            }
            if (Dones[row] is not (0f or 1f)) throw new ArgumentException($"column 'done': row {row} has {Dones[row]}, expected 0 or 1");
        }
    }
}
