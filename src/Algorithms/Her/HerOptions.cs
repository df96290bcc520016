using AsyncRL.Algorithms.Dqn;

namespace AsyncRL.Algorithms.Her;

/// <summary>DQN + HER hyper-parameters. The Q-learning part is a <see cref="DqnOptions"/> (one-step, uniform replay).</summary>
public sealed record HerOptions
{
    /// <summary>Relabelling strategy.</summary>
    public HerStrategy Strategy { get; init; } = HerStrategy.Future;

    /// <summary>k: relabelled transitions per original one (probability k/(k+1)).</summary>
    public int K { get; init; } = 4;

    /// <summary>The Q-learning settings; defaults follow the HER paper's bit-flipping setup (γ 0.98, Adam 1e-3, batch 128, one hidden layer of 256, ε = 0.2).</summary>
    public DqnOptions Dqn { get; init; } = new()
    {
        Gamma = 0.98f,
        NStep = 1,
        Hidden = [256],
        LearningRate = 1e-3f,
        BatchSize = 128,
        Prioritized = false,
        TargetUpdateEvery = 100,
        ReplayCapacity = 1_000_000,
        MinReplaySize = 256,
        SamplesPerInsert = 16,
        Epsilon = 0.2f,
        EpsilonSlots = 1,
        RolloutLength = 16,
    };

    /// <summary>Throws when a value is out of range.</summary>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Dqn);
        Dqn.Validate();
        if (K < 0) throw new ArgumentException($"HER: k must not be negative, got {K}.");
        if (Dqn.NStep != 1) throw new ArgumentException("HER: relabelling needs one-step transitions (n = 1).");
        if (!Enum.IsDefined(Strategy)) throw new ArgumentException($"HER: unknown strategy {Strategy}.");
    }
}
