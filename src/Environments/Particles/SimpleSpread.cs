namespace AsyncRL.Environments.Particles;

/// <summary>
/// Cooperative navigation (<c>simple_spread</c>, openai/multiagent-particle-envs <c>scenarios/simple_spread.py</c>):
/// 3 agents (radius 0.15, colliding) must cover 3 landmarks. Each agent's own reward is −Σ over landmarks of the
/// distance from the nearest agent, minus 1 for every agent it overlaps — itself included, as in the reference,
/// so −1 per agent per step is constant. The task is collaborative: every agent receives the sum of the three.
/// Observation (18): own velocity, own position, landmarks and other agents relative to it, and the other agents'
/// communication channels (2 each, always 0: the agents are silent).
/// </summary>
public sealed class SimpleSpread : ParticleScenario
{
    /// <summary>The registry id.</summary>
    public const string Id = "simple_spread";

    private const int Agents = 3, Landmarks = 3, CommunicationSize = 2;

    /// <summary>The spec: 3 agents with 18 observations each, 5 actions, 25 steps.</summary>
    public static readonly MultiAgentEnvSpec DefaultSpec = new(Id, [18, 18, 18], ParticlePhysics.ActionCount, ParticleEnv.EpisodeSteps, ["agent", "agent", "agent"]);

    /// <summary>A fresh world.</summary>
    public SimpleSpread()
        : base(new ParticleWorld(
            [.. Enumerable.Repeat(new ParticleBody(0.15, Movable: true, Collide: true), Agents)],
            [.. Enumerable.Repeat(new ParticleBody(0.05, Movable: false, Collide: false), Landmarks)]), DefaultSpec, sharedReward: true)
    {
    }

    /// <inheritdoc/>
    public override void Reset(Generator rng)
    {
        for (int e = 0; e < World.EntityCount; e++) World.PlaceUniformly(e, 1.0, rng);
    }

    /// <inheritdoc/>
    public override double Reward(int agent)
    {
        double reward = 0;
        for (int l = 0; l < Landmarks; l++)
        {
            double nearest = double.PositiveInfinity;
            for (int a = 0; a < Agents; a++) nearest = Math.Min(nearest, World.Distance(a, World.Landmark(l)));
            reward -= nearest;
        }
        for (int a = 0; a < Agents; a++)
            if (World.IsCollision(a, agent)) reward -= 1;
        return reward;
    }

    /// <inheritdoc/>
    public override void Observe(int agent, Span<float> observation)
    {
        int at = Put(observation, 0, World.Velocity(agent));
        at = Put(observation, at, World.Position(agent));
        for (int l = 0; l < Landmarks; l++) at = PutRelative(observation, at, World.Landmark(l), agent);
        for (int a = 0; a < Agents; a++)
            if (a != agent) at = PutRelative(observation, at, a, agent);
        observation.Slice(at, (Agents - 1) * CommunicationSize).Clear();
    }
}
