using AsyncRL.Algorithms.Replay;

namespace AsyncRL.Algorithms.Maddpg;

/// <summary>
/// MADDPG hyper-parameters (Lowe et al. 2017). Defaults are the reference implementation's (openai/maddpg
/// <c>train.py</c> and <c>trainer/maddpg.py</c>): Adam 1e-2 for actors and critics, γ 0.95, batch 1024, two hidden
/// layers of 64 (ReLU), Polyak τ 0.01, each gradient tensor clipped to norm 0.5, logits regularised by 1e-3·mean(ℓ²),
/// one update per 100 environment steps once 1024 × 25 rows are stored, a replay of up to a million rows.
/// </summary>
public sealed record MaddpgOptions
{
    /// <summary>Adam step size of every actor and critic.</summary>
    public float LearningRate { get; init; } = 1e-2f;

    /// <summary>Discount γ.</summary>
    public float Gamma { get; init; } = 0.95f;

    /// <summary>Polyak τ: θ′ ← τθ + (1 − τ)θ′ for every target network after every update.</summary>
    public float Tau { get; init; } = 0.01f;

    /// <summary>Rows per update (one batch, shared by every agent's critic and actor step).</summary>
    public int BatchSize { get; init; } = 1024;

    /// <summary>Hidden layer widths of actors and critics (ReLU).</summary>
    public IReadOnlyList<int> Hidden { get; init; } = [64, 64];

    /// <summary>Each gradient tensor's norm is clipped to this (the reference clips per variable, not globally).</summary>
    public float MaxGradNorm { get; init; } = 0.5f;

    /// <summary>Weight of the actors' logit penalty mean(ℓ²), which keeps the softmax from saturating.</summary>
    public float LogitRegularization { get; init; } = 1e-3f;

    /// <summary>Temperature of the Gumbel-softmax relaxation of the actors' discrete actions.</summary>
    public float GumbelTemperature { get; init; } = 1f;

    /// <summary>Replay rows held (FIFO); a row is one joint transition of all agents.</summary>
    public int ReplayCapacity { get; init; } = 1_000_000;

    /// <summary>Rows in replay before the first update (the reference: batch × episode length).</summary>
    public int MinReplaySize { get; init; } = 1024 * 25;

    /// <summary>Rows sampled per row inserted: batch 1024 every 100 environment steps is 10.24.</summary>
    public double SamplesPerInsert { get; init; } = 1024 / 100.0;

    /// <summary>Environment steps per fragment, per environment (25: one episode).</summary>
    public int RolloutLength { get; init; } = 25;

    /// <summary>Save the replay contents in checkpoints (it can be large), so a restarted learner resumes with it.</summary>
    public bool CheckpointReplay { get; init; }

    /// <summary>Which engine runs the learner's networks, losses and optimizers (<c>--backend</c>, <c>--device</c>).</summary>
    public AsyncRL.Models.Engine.ModelEngine Engine { get; init; } = AsyncRL.Models.Engine.ModelEngine.Managed;

    /// <summary>Throws when a value is out of range.</summary>
    public void Validate()
    {
        Engine.Validate();
        if (!(LearningRate > 0) || float.IsInfinity(LearningRate)) throw new ArgumentException($"MADDPG: learning rate must be positive, got {LearningRate}.");
        if (Gamma is < 0 or > 1 || float.IsNaN(Gamma)) throw new ArgumentException($"MADDPG: gamma must be in [0, 1], got {Gamma}.");
        if (Tau is <= 0 or > 1 || float.IsNaN(Tau)) throw new ArgumentException($"MADDPG: target τ must be in (0, 1], got {Tau}.");
        if (BatchSize < 1 || RolloutLength < 1) throw new ArgumentException("MADDPG: batch size and rollout length must be positive.");
        if (Hidden.Count == 0 || Hidden.Any(h => h < 1)) throw new ArgumentException("MADDPG: hidden sizes must be positive.");
        if (!(MaxGradNorm > 0) || !(LogitRegularization >= 0) || !(GumbelTemperature > 0))
            throw new ArgumentException("MADDPG: the gradient clip and Gumbel temperature must be positive, the logit penalty non-negative.");
        if (MinReplaySize < BatchSize || MinReplaySize > ReplayCapacity)
            throw new ArgumentException($"MADDPG: the minimum replay size {MinReplaySize} must lie in [batch size {BatchSize}, capacity {ReplayCapacity}].");
        RateLimiter().Validate();
        Replay().Validate();
    }

    /// <summary>The rate limiter these options describe (slack: one batch either way).</summary>
    public SampleToInsertRatio RateLimiter() => new(SamplesPerInsert, MinReplaySize, BatchSize);

    /// <summary>The replay store these options describe: uniform sampling, as the reference.</summary>
    public ReplayOptions Replay() => new() { Capacity = ReplayCapacity, Prioritized = false };
}
