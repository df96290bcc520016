namespace AsyncRL.Environments.Particles;

/// <summary>
/// Physical deception (<c>simple_adversary</c>, openai/multiagent-particle-envs <c>scenarios/simple_adversary.py</c>):
/// one adversary and 2 good agents (radius 0.15, no collisions) and 2 landmarks (radius 0.08), one of them the goal.
/// The good agents know the goal, the adversary does not. Rewards (shaped, as in the reference): the adversary gets
/// −‖p_adv − p_goal‖² (squared); each good agent gets −min over good agents of ‖p − p_goal‖ plus Σ over adversaries
/// of ‖p_adv − p_goal‖. Observations: a good agent (10) sees the goal, the landmarks and the other agents relative to
/// itself; the adversary (8) sees the landmarks and the other agents.
/// </summary>
public sealed class SimpleAdversary : ParticleScenario
{
    /// <summary>The registry id.</summary>
    public const string Id = "simple_adversary";

    private const int Agents = 3, Adversaries = 1, Landmarks = 2;

    /// <summary>The spec: the adversary (8 observations) then 2 good agents (10 each), 5 actions, 25 steps.</summary>
    public static readonly MultiAgentEnvSpec DefaultSpec = new(Id, [8, 10, 10], ParticlePhysics.ActionCount, ParticleEnv.EpisodeSteps, ["adversary", "good", "good"]);

    private int _goal;

    /// <summary>A fresh world.</summary>
    public SimpleAdversary()
        : base(new ParticleWorld(
            [.. Enumerable.Repeat(new ParticleBody(0.15, Movable: true, Collide: false), Agents)],
            [.. Enumerable.Repeat(new ParticleBody(0.08, Movable: false, Collide: false), Landmarks)]), DefaultSpec, sharedReward: false)
    {
    }

    /// <summary>The goal landmark of this episode (0 or 1).</summary>
    public int Goal => _goal;

    /// <summary>Sets the goal directly (tests pin states).</summary>
    internal void SetGoal(int landmark) => _goal = landmark is >= 0 and < Landmarks ? landmark : throw new ArgumentOutOfRangeException(nameof(landmark));

    /// <inheritdoc/>
    public override void Reset(Generator rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        _goal = rng.NextInt(Landmarks);
        for (int e = 0; e < World.EntityCount; e++) World.PlaceUniformly(e, 1.0, rng);
    }

    /// <inheritdoc/>
    public override double Reward(int agent)
    {
        int goal = World.Landmark(_goal);
        if (agent < Adversaries)
        {
            double d = World.Distance(agent, goal);
            return -(d * d);
        }
        double nearestGood = double.PositiveInfinity, adversaries = 0;
        for (int a = Adversaries; a < Agents; a++) nearestGood = Math.Min(nearestGood, World.Distance(a, goal));
        for (int a = 0; a < Adversaries; a++) adversaries += World.Distance(a, goal);
        return -nearestGood + adversaries;
    }

    /// <inheritdoc/>
    public override void Observe(int agent, Span<float> observation)
    {
        int at = agent < Adversaries ? 0 : PutRelative(observation, 0, World.Landmark(_goal), agent);
        for (int l = 0; l < Landmarks; l++) at = PutRelative(observation, at, World.Landmark(l), agent);
        for (int a = 0; a < Agents; a++)
            if (a != agent) at = PutRelative(observation, at, a, agent);
    }
}
