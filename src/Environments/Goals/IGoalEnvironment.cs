namespace AsyncRL.Environments.Goals;

/// <summary>
/// A goal-conditioned task (as Gymnasium-Robotics' GoalEnv): the observation is the state followed by the
/// desired goal, [state (ObservationSize − GoalSize) ‖ goal (GoalSize)], and the reward is a function of
/// the goal achieved and the goal desired, so a learner can recompute it for any substituted goal (HER).
/// </summary>
public interface IGoalEnvironment : IEnvironment
{
    /// <summary>Floats per goal.</summary>
    int GoalSize { get; }

    /// <summary>The goal a state achieves (the state part of an observation → a goal).</summary>
    void AchievedGoal(ReadOnlySpan<float> state, Span<float> goal);

    /// <summary>r(achieved, desired): the reward of a transition that ends with <paramref name="achieved"/>.</summary>
    float Reward(ReadOnlySpan<float> achieved, ReadOnlySpan<float> desired);

    /// <summary>Whether <paramref name="achieved"/> reaches <paramref name="desired"/> (the episode then terminates).</summary>
    bool IsSuccess(ReadOnlySpan<float> achieved, ReadOnlySpan<float> desired);
}
