using AsyncRL.Algorithms.Replay;

namespace AsyncRL.Algorithms.Dqn;

/// <summary>
/// Ape-X-style DQN hyper-parameters (Horgan et al. 2018; double Q-learning, n-step targets, prioritized
/// replay, per-actor ε). Defaults solve CartPole quickly; HER on bit-flipping overrides a few.
/// </summary>
public sealed record DqnOptions
{
    /// <summary>Adam step size.</summary>
    public float LearningRate { get; init; } = 1e-3f;

    /// <summary>Discount γ.</summary>
    public float Gamma { get; init; } = 0.99f;

    /// <summary>n of the n-step return actors build (1: one-step Q-learning).</summary>
    public int NStep { get; init; } = 3;

    /// <summary>Rows per update.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>Hidden layer widths of the Q-network (ReLU).</summary>
    public IReadOnlyList<int> Hidden { get; init; } = [64, 64];

    /// <summary>Double DQN: the online network picks the next action, the target network values it.</summary>
    public bool DoubleQ { get; init; } = true;

    /// <summary>Hard target update every this many updates (used when <see cref="TargetTau"/> is 0).</summary>
    public int TargetUpdateEvery { get; init; } = 250;

    /// <summary>Polyak τ for a soft target update after every update (0: hard copies every <see cref="TargetUpdateEvery"/>).</summary>
    public float TargetTau { get; init; }

    /// <summary>Huber δ of the TD loss.</summary>
    public float HuberDelta { get; init; } = 1f;

    /// <summary>Global gradient-norm clip (Ape-X uses 40).</summary>
    public float MaxGradNorm { get; init; } = 10f;

    /// <summary>Replay rows held (FIFO).</summary>
    public int ReplayCapacity { get; init; } = 50_000;

    /// <summary>Proportional prioritized replay (else uniform).</summary>
    public bool Prioritized { get; init; } = true;

    /// <summary>Priority exponent α.</summary>
    public float PriorityAlpha { get; init; } = 0.6f;

    /// <summary>Importance-sampling exponent β₀ (annealed to 1 over <see cref="BetaAnnealUpdates"/>).</summary>
    public float PriorityBeta0 { get; init; } = 0.4f;

    /// <summary>Updates over which β reaches 1.</summary>
    public long BetaAnnealUpdates { get; init; } = 20_000;

    /// <summary>Rows sampled per row inserted (the replay ratio the rate limiter holds).</summary>
    public double SamplesPerInsert { get; init; } = 32;

    /// <summary>Rows in replay before the first update.</summary>
    public int MinReplaySize { get; init; } = 1_000;

    /// <summary>
    /// Base ε of the Ape-X per-actor schedule εᵢ = ε^(1 + i·α/(N−1)). Ape-X uses 0.4 with hundreds of actors;
    /// with the few slots of one machine the high-ε slots dominate the recent-episode mean that decides
    /// "solved", so the default is 0.05.
    /// </summary>
    public float Epsilon { get; init; } = 0.05f;

    /// <summary>α of the Ape-X schedule.</summary>
    public float EpsilonAlpha { get; init; } = 7f;

    /// <summary>N of the Ape-X schedule: exploration slots, spread over actors × their environments.</summary>
    public int EpsilonSlots { get; init; } = 8;

    /// <summary>When positive, every environment anneals ε linearly from 1 to its Ape-X εᵢ over this many of its own steps instead.</summary>
    public long EpsilonDecaySteps { get; init; } = 2_000;

    /// <summary>Environment steps per fragment, per environment.</summary>
    public int RolloutLength { get; init; } = 16;

    /// <summary>Save the replay contents in checkpoints (it can be large), so a restarted learner resumes with it.</summary>
    public bool CheckpointReplay { get; init; }

    /// <summary>Which engine runs the learner's networks, loss and optimizer (<c>--backend</c>, <c>--device</c>).</summary>
    public AsyncRL.Models.Engine.ModelEngine Engine { get; init; } = AsyncRL.Models.Engine.ModelEngine.Managed;

    /// <summary>Throws when a value is out of range.</summary>
    public void Validate()
    {
        Engine.Validate();
        if (!(LearningRate > 0)) throw new ArgumentException($"DQN: learning rate must be positive, got {LearningRate}.");
        if (Gamma is < 0 or > 1 || float.IsNaN(Gamma)) throw new ArgumentException($"DQN: gamma must be in [0, 1], got {Gamma}.");
        if (NStep < 1 || BatchSize < 1 || TargetUpdateEvery < 1 || RolloutLength < 1)
            throw new ArgumentException("DQN: n-step, batch size, target update period and rollout length must be positive.");
        if (RolloutLength < NStep) throw new ArgumentException($"DQN: rollout length {RolloutLength} must be at least n = {NStep}, or a fragment could carry no transition.");
        if (TargetTau is < 0 or > 1 || float.IsNaN(TargetTau)) throw new ArgumentException($"DQN: target τ must be in [0, 1], got {TargetTau}.");
        if (!(HuberDelta > 0) || !(MaxGradNorm > 0)) throw new ArgumentException("DQN: Huber δ and max grad norm must be positive.");
        if (Hidden.Count == 0 || Hidden.Any(h => h < 1)) throw new ArgumentException("DQN: hidden sizes must be positive.");
        if (Epsilon is < 0 or > 1 || !(EpsilonAlpha >= 0) || EpsilonSlots < 1 || EpsilonDecaySteps < 0)
            throw new ArgumentException("DQN: ε must be in [0, 1], its α non-negative, its slots positive and its decay steps non-negative.");
        if (MinReplaySize < BatchSize || MinReplaySize > ReplayCapacity)
            throw new ArgumentException($"DQN: the minimum replay size {MinReplaySize} must lie in [batch size {BatchSize}, capacity {ReplayCapacity}].");
        RateLimiter().Validate();
        Replay().Validate();
    }

    /// <summary>The rate limiter these options describe (slack: one batch either way).</summary>
    public SampleToInsertRatio RateLimiter() => new(SamplesPerInsert, MinReplaySize, BatchSize);

    /// <summary>The replay store these options describe.</summary>
    public ReplayOptions Replay() => new()
    {
        Capacity = ReplayCapacity, Prioritized = Prioritized, Alpha = PriorityAlpha, Beta0 = PriorityBeta0, BetaAnnealUpdates = BetaAnnealUpdates,
    };
}
