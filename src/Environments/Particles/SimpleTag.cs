namespace AsyncRL.Environments.Particles;

/// <summary>
/// Predator–prey (<c>simple_tag</c>, openai/multiagent-particle-envs <c>scenarios/simple_tag.py</c>): 3 slower
/// adversaries (radius 0.075, accel 3, max speed 1.0) chase 1 faster good agent (radius 0.05, accel 4, max speed 1.3)
/// around 2 colliding obstacles (radius 0.2, placed in [−0.9, 0.9]²). Every adversary gets +10 for each
/// adversary–good-agent contact (a team reward); the good agent gets −10 per adversary touching it and a penalty for
/// leaving the arena: per coordinate, 0 below 0.9, 10·(|x| − 0.9) below 1, then min(e^(2|x| − 2), 10). Observation:
/// own velocity and position, obstacles and the other agents relative to itself, and the good agent's velocity
/// (adversaries: 16 floats; the good agent: 14).
/// </summary>
public sealed class SimpleTag : ParticleScenario
{
    /// <summary>The registry id.</summary>
    public const string Id = "simple_tag";

    private const int Adversaries = 3, Agents = 4, Landmarks = 2;

    /// <summary>The spec: 3 adversaries (16 observations each) then the good agent (14), 5 actions, 25 steps.</summary>
    public static readonly MultiAgentEnvSpec DefaultSpec =
        new(Id, [16, 16, 16, 14], ParticlePhysics.ActionCount, ParticleEnv.EpisodeSteps, ["adversary", "adversary", "adversary", "good"]);

    /// <summary>A fresh world.</summary>
    public SimpleTag()
        : base(new ParticleWorld(
            [.. Enumerable.Range(0, Agents).Select(i => i < Adversaries
                ? new ParticleBody(0.075, Movable: true, Collide: true, MaxSpeed: 1.0, Accel: 3.0)
                : new ParticleBody(0.05, Movable: true, Collide: true, MaxSpeed: 1.3, Accel: 4.0))],
            [.. Enumerable.Repeat(new ParticleBody(0.2, Movable: false, Collide: true), Landmarks)]), DefaultSpec, sharedReward: false)
    {
    }

    /// <inheritdoc/>
    public override void Reset(Generator rng)
    {
        for (int a = 0; a < Agents; a++) World.PlaceUniformly(a, 1.0, rng);
        for (int l = 0; l < Landmarks; l++) World.PlaceUniformly(World.Landmark(l), 0.9, rng);
    }

    /// <inheritdoc/>
    public override double Reward(int agent)
    {
        double reward = 0;
        if (agent < Adversaries)
        {
            for (int good = Adversaries; good < Agents; good++)
                for (int adversary = 0; adversary < Adversaries; adversary++)
                    if (World.IsCollision(good, adversary)) reward += 10;
            return reward;
        }
        for (int adversary = 0; adversary < Adversaries; adversary++)
            if (World.IsCollision(adversary, agent)) reward -= 10;
        var p = World.Position(agent);
        return reward - BoundaryPenalty(Math.Abs(p[0])) - BoundaryPenalty(Math.Abs(p[1]));
    }

    /// <summary>The good agent's penalty for one coordinate's distance |x| from the centre.</summary>
    public static double BoundaryPenalty(double x) => x < 0.9 ? 0 : x < 1.0 ? (x - 0.9) * 10 : Math.Min(Math.Exp(2 * x - 2), 10);

    /// <inheritdoc/>
    public override void Observe(int agent, Span<float> observation)
    {
        int at = Put(observation, 0, World.Velocity(agent));
        at = Put(observation, at, World.Position(agent));
        for (int l = 0; l < Landmarks; l++) at = PutRelative(observation, at, World.Landmark(l), agent);
        for (int a = 0; a < Agents; a++)
            if (a != agent) at = PutRelative(observation, at, a, agent);
        for (int a = Adversaries; a < Agents; a++)
            if (a != agent) at = Put(observation, at, World.Velocity(a));
    }
}
