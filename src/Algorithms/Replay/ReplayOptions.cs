namespace AsyncRL.Algorithms.Replay;

/// <summary>How a <see cref="ReplayBuffer"/> stores and samples. Defaults are the PER paper's proportional variant.</summary>
public sealed record ReplayOptions
{
    /// <summary>Rows held; the oldest is evicted first (FIFO) once full.</summary>
    public int Capacity { get; init; } = 100_000;

    /// <summary>Sample in proportion to priority (sum tree) instead of uniformly.</summary>
    public bool Prioritized { get; init; }

    /// <summary>α: how much prioritisation is used (0 is uniform).</summary>
    public float Alpha { get; init; } = 0.6f;

    /// <summary>β₀: the importance-sampling exponent at the start, annealed to 1.</summary>
    public float Beta0 { get; init; } = 0.4f;

    /// <summary>Updates over which β goes from β₀ to 1 (0: β₀ throughout).</summary>
    public long BetaAnnealUpdates { get; init; }

    /// <summary>ε added to |δ| so no row's probability is zero.</summary>
    public float PriorityEpsilon { get; init; } = 1e-6f;

    /// <summary>Throws when a value is out of range.</summary>
    public void Validate()
    {
        if (Capacity < 1) throw new ArgumentException($"Replay: capacity must be at least 1, got {Capacity}.");
        if (Alpha is < 0 or > 1 || float.IsNaN(Alpha)) throw new ArgumentException($"Replay: α must be in [0, 1], got {Alpha}.");
        if (Beta0 is < 0 or > 1 || float.IsNaN(Beta0)) throw new ArgumentException($"Replay: β₀ must be in [0, 1], got {Beta0}.");
        if (!(PriorityEpsilon > 0)) throw new ArgumentException($"Replay: the priority ε must be positive, got {PriorityEpsilon}.");
    }
}
