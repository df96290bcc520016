namespace AsyncRL.Environments;

/// <summary>
/// An environment where several agents act at once with discrete actions. Observations travel as one
/// joint buffer, the agents' own observations side by side (<see cref="MultiAgentEnvSpec.ObservationOffset"/>).
/// Implementations own their seeded generator, count steps for truncation, and do not allocate per step.
/// </summary>
public interface IMultiAgentEnvironment
{
    /// <summary>Sizes, teams and limits.</summary>
    MultiAgentEnvSpec Spec { get; }

    /// <summary>Starts a new episode and writes every agent's first observation.</summary>
    void Reset(Span<float> observations);

    /// <summary>Applies one action per agent; writes the next observations and each agent's reward.</summary>
    /// <returns>The step's end flags; its <see cref="StepResult.Reward"/> is the reward summed over agents.</returns>
    StepResult Step(ReadOnlySpan<int> actions, Span<float> observations, Span<float> rewards);
}

/// <summary>A finished multi-agent episode.</summary>
/// <param name="Return">The undiscounted return summed over agents.</param>
/// <param name="Length">Steps.</param>
/// <param name="AgentReturns">Each agent's undiscounted return.</param>
public sealed record MultiAgentEpisodeStats(float Return, int Length, float[] AgentReturns);
