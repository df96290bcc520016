namespace AsyncRL.Algorithms.Ppo;

/// <summary>
/// One rollout fragment from one actor: T steps of N environments, time-major ([T, N] rows), each
/// row stamped with the policy version that chose its action and that policy's log-prob and value.
/// </summary>
/// <param name="Steps">T.</param>
/// <param name="Envs">N.</param>
/// <param name="Observations">sₜ, [T·N, O].</param>
/// <param name="Actions">aₜ, [T·N].</param>
/// <param name="Rewards">rₜ, [T·N].</param>
/// <param name="Terminated">Terminal at t, [T·N].</param>
/// <param name="Truncated">Cut by the time limit at t, [T·N].</param>
/// <param name="BehaviourLogProbs">log μ(aₜ|sₜ), [T·N].</param>
/// <param name="BehaviourValues">V_μ(sₜ) from the actor's critic copy, [T·N].</param>
/// <param name="PolicyVersions">Version of μ per row, [T·N].</param>
/// <param name="BootstrapObservations">s_T per environment, [N, O].</param>
/// <param name="TruncatedObservations">Final observation of each truncated row, in row order, [K, O].</param>
public sealed record PpoFragment(
    int Steps, int Envs, float[] Observations, int[] Actions, float[] Rewards, bool[] Terminated, bool[] Truncated,
    float[] BehaviourLogProbs, float[] BehaviourValues, long[] PolicyVersions, float[] BootstrapObservations, float[] TruncatedObservations)
{
    /// <summary>T·N.</summary>
    public int Rows => Steps * Envs;

    /// <summary>Throws when the arrays do not fit T, N and the observation size.</summary>
    public void Validate(int observationSize, int actionCount)
    {
        int rows = Rows;
        if (Steps < 1 || Envs < 1) throw new ArgumentException($"PpoFragment: T and N must be positive, got {Steps} and {Envs}.");
        void Check(string name, int actual, int expected)
        {
            if (actual != expected) throw new ArgumentException($"PpoFragment: {name} has {actual} values, expected {expected}.");
        }
        Check("observations", Observations.Length, rows * observationSize);
        Check("actions", Actions.Length, rows);
        Check("rewards", Rewards.Length, rows);
        Check("terminated", Terminated.Length, rows);
        Check("truncated", Truncated.Length, rows);
        Check("behaviour_logp", BehaviourLogProbs.Length, rows);
        Check("behaviour_value", BehaviourValues.Length, rows);
        Check("policy_version", PolicyVersions.Length, rows);
        Check("bootstrap_obs", BootstrapObservations.Length, Envs * observationSize);
        Check("truncated_obs", TruncatedObservations.Length, Truncated.Count(t => t) * observationSize);
        foreach (var a in Actions)
            if ((uint)a >= (uint)actionCount) throw new ArgumentException($"PpoFragment: action {a} is outside [0, {actionCount}).");
    }
}
