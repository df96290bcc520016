namespace AsyncRL.Algorithms.Maddpg;

/// <summary>MADDPG's two losses over a batch of B rows with weights wⱼ (0 for rows left out as too stale, else 1).</summary>
public static class MaddpgLoss
{
    /// <summary>The critic's loss Σⱼ wⱼ(Qᵢ(xʲ, aʲ) − yʲ)² / Σⱼ wⱼ.</summary>
    /// <param name="q">Qᵢ, [B, 1].</param>
    /// <param name="y">Targets, [B, 1].</param>
    /// <param name="weights">w, [B, 1].</param>
    /// <param name="norm">1 / Σ w.</param>
    public static Tensor Critic(Tensor q, Tensor y, Tensor weights, float norm)
    {
        ArgumentNullException.ThrowIfNull(q);
        var d = q - y;
        return (d * d * weights).Sum() * norm;
    }

    /// <summary>
    /// The actor's loss −Σⱼ wⱼQᵢ(xʲ, …, aᵢ = μᵢ(oᵢʲ), …) / Σⱼ wⱼ + λ·mean(ℓ²): ascend the critic, with the reference's
    /// penalty on the logits ℓ.
    /// </summary>
    /// <param name="q">Qᵢ with the actor's relaxed action, [B, 1].</param>
    /// <param name="logits">ℓ, [B, A].</param>
    /// <param name="weights">w, [B, 1].</param>
    /// <param name="norm">1 / Σ w.</param>
    /// <param name="regularization">λ.</param>
    public static Tensor Actor(Tensor q, Tensor logits, Tensor weights, float norm, float regularization)
    {
        ArgumentNullException.ThrowIfNull(q);
        ArgumentNullException.ThrowIfNull(logits);
        return (q * weights).Sum() * -norm + (logits * logits).Mean() * regularization;
    }
}
