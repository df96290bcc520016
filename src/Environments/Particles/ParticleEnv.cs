namespace AsyncRL.Environments.Particles;

/// <summary>
/// A particle scenario as a multi-agent environment (openai/multiagent-particle-envs' <c>MultiAgentEnv</c> with
/// discrete action input): every agent picks one of 5 actions per step, the world steps once, then each agent's
/// reward (the sum of all agents' for collaborative tasks) and observation are read. Episodes are cut after
/// <see cref="EpisodeSteps"/> steps (the MADDPG reference's episode length); they never terminate otherwise.
/// </summary>
public sealed class ParticleEnv : IMultiAgentEnvironment
{
    /// <summary>Steps per episode (the reference's <c>max_episode_len</c>).</summary>
    public const int EpisodeSteps = 25;

    private readonly Generator _rng;
    private int _steps;

    /// <summary>Wraps <paramref name="scenario"/>; episodes start from <paramref name="rng"/>.</summary>
    public ParticleEnv(ParticleScenario scenario, Generator rng)
    {
        Scenario = scenario ?? throw new ArgumentNullException(nameof(scenario));
        _rng = rng ?? throw new ArgumentNullException(nameof(rng));
    }

    /// <summary>The task (its world is live: tests set states through it).</summary>
    public ParticleScenario Scenario { get; }

    /// <inheritdoc/>
    public MultiAgentEnvSpec Spec => Scenario.Spec;

    /// <inheritdoc/>
    public void Reset(Span<float> observations)
    {
        Scenario.Reset(_rng);
        _steps = 0;
        Observe(observations);
    }

    /// <inheritdoc/>
    public StepResult Step(ReadOnlySpan<int> actions, Span<float> observations, Span<float> rewards)
    {
        int n = Spec.AgentCount;
        if (actions.Length != n || rewards.Length < n)
            throw new ArgumentException($"{Spec.Id}: {n} agents need {n} actions and reward slots (got {actions.Length} actions).", nameof(actions));
        Scenario.World.Step(actions);
        _steps++;
        double sum = 0;
        for (int i = 0; i < n; i++)
        {
            double r = Scenario.Reward(i);
            rewards[i] = (float)r;
            sum += r;
        }
        // Collaborative: every agent receives the total (the reference's shared_reward).
        if (Scenario.SharedReward) rewards[..n].Fill((float)sum);
        Observe(observations);
        float total = 0;
        foreach (var r in rewards[..n]) total += r;
        return new StepResult(total, Terminated: false, Truncated: _steps >= EpisodeSteps);
    }

    /// <summary>Writes every agent's observation of the current state (after a test sets one).</summary>
    public void Observe(Span<float> observations)
    {
        if (observations.Length < Spec.JointObservationSize)
            throw new ArgumentException($"{Spec.Id}: the observation buffer holds {observations.Length} floats, needs {Spec.JointObservationSize}.", nameof(observations));
        for (int i = 0; i < Spec.AgentCount; i++) Scenario.Observe(i, Spec.AgentObservation(observations, i));
    }
}
