namespace AsyncRL.Algorithms.Ppo;

/// <summary>PPO hyper-parameters (Schulman et al. 2017) for asynchronous data. Defaults suit CartPole.</summary>
public sealed record PpoOptions
{
    /// <summary>Adam step size at the start (annealed linearly to zero over the run when <see cref="AnnealLearningRate"/>).</summary>
    public float LearningRate { get; init; } = 2.5e-3f;

    /// <summary>Anneal the learning rate linearly to zero over the step budget.</summary>
    public bool AnnealLearningRate { get; init; } = true;

    /// <summary>Discount γ.</summary>
    public float Gamma { get; init; } = 0.99f;

    /// <summary>GAE λ (also V-trace's λ).</summary>
    public float GaeLambda { get; init; } = 0.95f;

    /// <summary>Environment steps per rollout fragment, per environment (T).</summary>
    public int RolloutLength { get; init; } = 32;

    /// <summary>Rows the learner collects before one update (several fragments).</summary>
    public int RowsPerUpdate { get; init; } = 1024;

    /// <summary>Passes over the collected rows per update.</summary>
    public int Epochs { get; init; } = 4;

    /// <summary>Minibatches per pass.</summary>
    public int Minibatches { get; init; } = 4;

    /// <summary>Clip range ε of the surrogate objective (and of the value function when <see cref="ClipValueLoss"/>).</summary>
    public float ClipCoef { get; init; } = 0.2f;

    /// <summary>Clip the value update around the behaviour value estimate.</summary>
    public bool ClipValueLoss { get; init; } = true;

    /// <summary>Entropy bonus weight.</summary>
    public float EntropyCoef { get; init; } = 0.01f;

    /// <summary>Value loss weight.</summary>
    public float ValueCoef { get; init; } = 0.5f;

    /// <summary>Global gradient-norm clip.</summary>
    public float MaxGradNorm { get; init; } = 0.5f;

    /// <summary>Normalise advantages per minibatch.</summary>
    public bool NormalizeAdvantages { get; init; } = true;

    /// <summary>Use V-trace targets (IMPALA) instead of GAE, correcting for the behaviour policy.</summary>
    public bool UseVTrace { get; init; }

    /// <summary>V-trace ρ̄ and c̄.</summary>
    public float VTraceClip { get; init; } = 1f;

    /// <summary>Hidden layer widths of the actor and of the critic.</summary>
    public IReadOnlyList<int> Hidden { get; init; } = [64, 64];

    /// <summary>Which engine runs the learner's networks, loss and optimizer (<c>--backend</c>, <c>--device</c>).</summary>
    public AsyncRL.Models.Engine.ModelEngine Engine { get; init; } = AsyncRL.Models.Engine.ModelEngine.Managed;

    /// <summary>Throws when a value is out of range.</summary>
    public void Validate()
    {
        Engine.Validate();
        if (!(LearningRate > 0)) throw new ArgumentException($"PPO: learning rate must be positive, got {LearningRate}.");
        if (Gamma is < 0 or > 1 || GaeLambda is < 0 or > 1) throw new ArgumentException($"PPO: gamma and lambda must be in [0, 1], got {Gamma} and {GaeLambda}.");
        if (RolloutLength < 1 || RowsPerUpdate < 1 || Epochs < 1 || Minibatches < 1 || RowsPerUpdate < Minibatches)
            throw new ArgumentException("PPO: rollout length, rows per update, epochs and minibatches must be positive (and rows ≥ minibatches).");
        if (!(ClipCoef > 0) || !(MaxGradNorm > 0)) throw new ArgumentException("PPO: clip coefficient and max grad norm must be positive.");
        if (Hidden.Count == 0 || Hidden.Any(h => h < 1)) throw new ArgumentException("PPO: hidden sizes must be positive.");
    }
}
