namespace AsyncRL.Algorithms.Maddpg;

/// <summary>
/// One sampled batch of joint transitions (all agents side by side), as the learner step takes it. Arrays are lent,
/// not copied, and are read only.
/// </summary>
/// <param name="Observations">x: every agent's observation in the joint layout, [B, J].</param>
/// <param name="Actions">a₁ … a_N as floats, [B, N].</param>
/// <param name="Rewards">r₁ … r_N, [B, N].</param>
/// <param name="NextObservations">x′, [B, J].</param>
/// <param name="Dones">1 where the episode terminated (not merely cut by the time limit), [B].</param>
/// <param name="Weights">Per-row loss weights (1, or 0 for rows too stale to learn from), [B].</param>
public sealed record MaddpgBatch(float[] Observations, float[] Actions, float[] Rewards, float[] NextObservations, float[] Dones, float[] Weights)
{
    /// <summary>B.</summary>
    public int Rows => Dones.Length;

    /// <summary>Throws when the arrays do not fit B rows of J observation floats and N agents.</summary>
    public void Validate(int jointObservationSize, int agents)
    {
        int b = Rows;
        if (Observations.Length != b * jointObservationSize || NextObservations.Length != b * jointObservationSize
            || Actions.Length != b * agents || Rewards.Length != b * agents || Weights.Length != b)
            throw new ArgumentException($"MADDPG batch: arrays do not fit {b} rows of {jointObservationSize} observation floats and {agents} agents.");
    }
}

/// <summary>What one MADDPG update did, per agent.</summary>
public sealed class MaddpgUpdateStats
{
    /// <summary>Empty statistics for <paramref name="agents"/> agents.</summary>
    public MaddpgUpdateStats(int agents)
    {
        (CriticLoss, ActorLoss, QMean, TargetMean) = (new float[agents], new float[agents], new float[agents], new float[agents]);
        (CriticGradNorm, ActorGradNorm, Entropy) = (new float[agents], new float[agents], new double[agents]);
    }

    /// <summary>Σ w(Q − y)² / Σ w.</summary>
    public float[] CriticLoss { get; }

    /// <summary>−Σ wQ / Σ w + λ·mean(ℓ²).</summary>
    public float[] ActorLoss { get; }

    /// <summary>Mean Qᵢ on the replayed actions.</summary>
    public float[] QMean { get; }

    /// <summary>Mean target yᵢ.</summary>
    public float[] TargetMean { get; }

    /// <summary>Critic gradient norm before clipping.</summary>
    public float[] CriticGradNorm { get; }

    /// <summary>Actor gradient norm before clipping.</summary>
    public float[] ActorGradNorm { get; }

    /// <summary>Mean entropy of the policy on the batch's observations.</summary>
    public double[] Entropy { get; }
}
