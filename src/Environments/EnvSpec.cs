namespace AsyncRL.Environments;

/// <summary>What an environment looks like from outside.</summary>
/// <param name="Id">Registry id, e.g. <c>cartpole</c>.</param>
/// <param name="ObservationSize">Floats per observation.</param>
/// <param name="ActionCount">Number of discrete actions.</param>
/// <param name="MaxEpisodeSteps">Truncation limit (the time limit).</param>
/// <param name="SolvedThreshold">Mean return over the last 100 episodes… as the task defines "solved"; null if it does not.</param>
public sealed record EnvSpec(string Id, int ObservationSize, int ActionCount, int MaxEpisodeSteps, float? SolvedThreshold)
{
    /// <summary>
    /// Agents per environment: 1 for single-agent tasks. For multi-agent tasks <see cref="ObservationSize"/> is the
    /// joint size of all agents' observations and <see cref="ActionCount"/> each agent's (their details: <see cref="MultiAgentEnvSpec"/>).
    /// </summary>
    public int AgentCount { get; init; } = 1;
}

/// <summary>The outcome of one step.</summary>
/// <param name="Reward">Reward for the transition.</param>
/// <param name="Terminated">The episode ended in a terminal state (no bootstrapping).</param>
/// <param name="Truncated">The episode was cut by the time limit (bootstrap from the final observation).</param>
public readonly record struct StepResult(float Reward, bool Terminated, bool Truncated)
{
    /// <summary>Either ended or was cut.</summary>
    public bool Done => Terminated || Truncated;
}

/// <summary>A finished episode, as actors report it.</summary>
public readonly record struct EpisodeStats(float Return, int Length);
