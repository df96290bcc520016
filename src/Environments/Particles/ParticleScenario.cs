namespace AsyncRL.Environments.Particles;

/// <summary>
/// One of the particle tasks: its world, how an episode starts, and each agent's reward and observation
/// (openai/multiagent-particle-envs' <c>BaseScenario</c>). Rewards and observations read the world after the step.
/// </summary>
public abstract class ParticleScenario
{
    /// <summary>The scenario's world and spec.</summary>
    protected ParticleScenario(ParticleWorld world, MultiAgentEnvSpec spec, bool sharedReward)
    {
        World = world ?? throw new ArgumentNullException(nameof(world));
        Spec = spec ?? throw new ArgumentNullException(nameof(spec));
        if (spec.AgentCount != world.AgentCount) throw new ArgumentException($"{spec.Id}: the spec has {spec.AgentCount} agents, the world {world.AgentCount}.", nameof(spec));
        SharedReward = sharedReward;
    }

    /// <summary>The particles.</summary>
    public ParticleWorld World { get; }

    /// <summary>Sizes and teams.</summary>
    public MultiAgentEnvSpec Spec { get; }

    /// <summary>
    /// A collaborative task (the reference's <c>world.collaborative</c>): every agent receives the sum of all agents'
    /// rewards instead of its own.
    /// </summary>
    public bool SharedReward { get; }

    /// <summary>Starts an episode: draws the positions (and anything else random) from <paramref name="rng"/>.</summary>
    public abstract void Reset(Generator rng);

    /// <summary>Agent <paramref name="agent"/>'s own reward in the current state.</summary>
    public abstract double Reward(int agent);

    /// <summary>Writes agent <paramref name="agent"/>'s observation of the current state.</summary>
    public abstract void Observe(int agent, Span<float> observation);

    /// <summary>Writes entity <paramref name="entity"/>'s position relative to entity <paramref name="origin"/> at <paramref name="at"/>; returns the next free index.</summary>
    protected int PutRelative(Span<float> observation, int at, int entity, int origin)
    {
        var p = World.Position(entity);
        var o = World.Position(origin);
        observation[at] = (float)(p[0] - o[0]);
        observation[at + 1] = (float)(p[1] - o[1]);
        return at + 2;
    }

    /// <summary>Writes a 2-vector at <paramref name="at"/>; returns the next free index.</summary>
    protected static int Put(Span<float> observation, int at, ReadOnlySpan<double> xy)
    {
        observation[at] = (float)xy[0];
        observation[at + 1] = (float)xy[1];
        return at + 2;
    }
}
