using AsyncRL.Environments.Particles;

namespace AsyncRL.Environments.Tests.Particles;

/// <summary>Hand-computed steps of the particle physics, rewards and observations.</summary>
public sealed class ParticleEnvTests
{
    private static (ParticleEnv Env, float[] Obs, float[] Rewards) Fresh(string task)
    {
        var env = ParticleScenarios.Create(task, new Generator(7));
        var obs = new float[env.Spec.JointObservationSize];
        env.Reset(obs);
        return (env, obs, new float[env.Spec.AgentCount]);
    }

    private static void Place(ParticleWorld world, int entity, double x, double y, double vx = 0, double vy = 0)
    {
        (world.Position(entity)[0], world.Position(entity)[1]) = (x, y);
        (world.Velocity(entity)[0], world.Velocity(entity)[1]) = (vx, vy);
    }

    [Fact]
    public void Step_ActionForce_DampsThenIntegrates()
    {
        var (env, obs, rewards) = Fresh(SimpleAdversary.Id); // no colliders: only control forces act
        var world = env.Scenario.World;
        Place(world, 0, 0.2, -0.3);
        Place(world, 1, 0.5, 0.5, vx: 1.0, vy: -2.0);
        Place(world, 2, -0.5, 0.5);
        env.Step([2, 0, 3], obs, rewards);
        // +x at sensitivity 5 from rest: v = 5·0.1 = 0.5, p += 0.5·0.1.
        Assert.Equal(0.5, world.Velocity(0)[0], 12);
        Assert.Equal(0.25, world.Position(0)[0], 12);
        Assert.Equal(-0.3, world.Position(0)[1], 12);
        // No-op: v ← 0.75·v, p += v·0.1.
        Assert.Equal(0.75, world.Velocity(1)[0], 12);
        Assert.Equal(-1.5, world.Velocity(1)[1], 12);
        Assert.Equal(0.575, world.Position(1)[0], 12);
        Assert.Equal(0.35, world.Position(1)[1], 12);
        // −y.
        Assert.Equal(-0.5, world.Velocity(2)[1], 12);
        env.Step([0, 0, 0], obs, rewards);
        Assert.Equal(0.375, world.Velocity(0)[0], 12);
        Assert.Equal(0.2875, world.Position(0)[0], 12);
    }

    [Fact]
    public void Step_OverlappingAgents_ArePushedApartByTheSoftContact()
    {
        var (env, obs, rewards) = Fresh(SimpleSpread.Id);
        var world = env.Scenario.World;
        Place(world, 0, 0, 0);
        Place(world, 1, 0.2, 0);   // radii 0.15 + 0.15: 0.1 deep
        Place(world, 2, 5, 5);
        for (int l = 0; l < 3; l++) Place(world, world.Landmark(l), -5, -5);
        env.Step([0, 0, 0], obs, rewards);
        // F = 100 · penetration ≈ 100 · 0.1 along the line of centres, equal and opposite.
        double force = 100 * ParticlePhysics.Penetration(0.2, 0.3);
        Assert.Equal(10.0, force, 6);
        Assert.Equal(-force * 0.1, world.Velocity(0)[0], 12);
        Assert.Equal(force * 0.1, world.Velocity(1)[0], 12);
        Assert.Equal(0, world.Velocity(2)[0]);
        // Far apart the force is negligible but positive (k·e^(−(d − d_min)/k)).
        Assert.InRange(ParticlePhysics.Penetration(0.31, 0.3), 4.5e-8, 4.6e-8);
    }

    [Fact]
    public void Step_SpeedCap_HoldsTheTagAgentsAtTheirMaxSpeed()
    {
        var (env, obs, rewards) = Fresh(SimpleTag.Id);
        var world = env.Scenario.World;
        for (int e = 0; e < world.EntityCount; e++) Place(world, e, 3 * e, 3 * e);
        for (int t = 0; t < 20; t++) env.Step([2, 2, 2, 4], obs, rewards);
        // Unbounded, the steady speed would be accel·dt/damping: 1.2 (adversary) and 1.6 (good agent).
        Assert.Equal(1.0, world.Velocity(0)[0], 9);
        Assert.Equal(1.3, world.Velocity(3)[1], 9);
    }

    [Fact]
    public void SimpleSpread_Reward_IsSharedAndCountsEachAgentsOwnContact()
    {
        var (env, obs, rewards) = Fresh(SimpleSpread.Id);
        var world = env.Scenario.World;
        // Every agent on its own landmark, far apart: distances 0, no contacts but each agent with itself.
        for (int i = 0; i < 3; i++)
        {
            Place(world, i, 2 * i, 0);
            Place(world, world.Landmark(i), 2 * i, 0);
        }
        Assert.Equal(-1, env.Scenario.Reward(0));
        env.Observe(obs);
        // Agents 0 and 1 overlap: each of them pays one more.
        Place(world, 1, 0.1, 0);
        Assert.Equal(-(2 - 0.1) - 2, env.Scenario.Reward(0), 12);
        Assert.Equal(-(2 - 0.1) - 1, env.Scenario.Reward(2), 12);
        env.Step([0, 0, 0], obs, rewards); // the contact force moves them before the reward is read
        Assert.All(rewards, r => Assert.Equal(rewards[0], r));
        Assert.Equal((float)(env.Scenario.Reward(0) + env.Scenario.Reward(1) + env.Scenario.Reward(2)), rewards[0], 5);
    }

    [Fact]
    public void SimpleAdversary_Rewards_SquaredForTheAdversary_DistanceForTheTeam()
    {
        var (env, _, _) = Fresh(SimpleAdversary.Id);
        var scenario = (SimpleAdversary)env.Scenario;
        var world = scenario.World;
        scenario.SetGoal(1);
        Place(world, world.Landmark(0), -1, 0);
        Place(world, world.Landmark(1), 1, 0);
        Place(world, 0, 1, 2);    // adversary 2 from the goal
        Place(world, 1, 1, 0.5);  // good agents 0.5 and 3 from it
        Place(world, 2, 1, -3);
        Assert.Equal(-4, scenario.Reward(0), 12);
        Assert.Equal(-0.5 + 2, scenario.Reward(1), 12);
        Assert.Equal(scenario.Reward(1), scenario.Reward(2));
    }

    [Fact]
    public void SimpleTag_Rewards_ContactsAndTheBoundaryPenalty()
    {
        Assert.Equal(0, SimpleTag.BoundaryPenalty(0.5));
        Assert.Equal(0.5, SimpleTag.BoundaryPenalty(0.95), 12);
        Assert.Equal(Math.Exp(0.2), SimpleTag.BoundaryPenalty(1.1), 12);
        Assert.Equal(10, SimpleTag.BoundaryPenalty(3));
        var (env, _, _) = Fresh(SimpleTag.Id);
        var world = env.Scenario.World;
        for (int e = 0; e < world.EntityCount; e++) Place(world, e, -0.8 + 0.3 * e, 0.8);
        Place(world, 3, 0.95, 0);   // the good agent near the edge
        Place(world, 0, 0.95, 0.1); // one adversary touching it (0.1 < 0.075 + 0.05)
        Assert.Equal(10, env.Scenario.Reward(0));
        Assert.Equal(10, env.Scenario.Reward(2)); // a team reward
        Assert.Equal(-10 - 0.5, env.Scenario.Reward(3), 12);
    }

    [Theory]
    [InlineData(SimpleSpread.Id, new[] { 18, 18, 18 })]
    [InlineData(SimpleAdversary.Id, new[] { 8, 10, 10 })]
    [InlineData(SimpleTag.Id, new[] { 16, 16, 16, 14 })]
    public void Spec_ObservationSizes_AndTruncationAt25(string task, int[] sizes)
    {
        var (env, obs, rewards) = Fresh(task);
        Assert.Equal(sizes, env.Spec.ObservationSizes);
        Assert.Equal(5, env.Spec.ActionCount);
        var actions = new int[sizes.Length];
        for (int t = 1; t <= 25; t++)
        {
            var r = env.Step(actions, obs, rewards);
            Assert.False(r.Terminated);
            Assert.Equal(t == 25, r.Truncated);
            Assert.Equal(rewards.Sum(), r.Reward, 4);
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => env.Step([.. actions.Select(_ => 5)], obs, rewards));
    }

    [Fact]
    public void Reset_IsSeeded_AndPlacesWithinTheArena()
    {
        float[] a = new float[54], b = new float[54];
        ParticleScenarios.Create(SimpleSpread.Id, new Generator(3)).Reset(a);
        ParticleScenarios.Create(SimpleSpread.Id, new Generator(3)).Reset(b);
        Assert.Equal(a, b);
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(0f, a[18 * i]); // at rest
            Assert.InRange(a[18 * i + 2], -1f, 1f);
            Assert.All(a.AsSpan(18 * i + 14, 4).ToArray(), c => Assert.Equal(0f, c)); // silent agents' channels
        }
        var tag = ParticleScenarios.Create(SimpleTag.Id, new Generator(3));
        for (int k = 0; k < 20; k++)
        {
            tag.Reset(new float[62]);
            for (int l = 0; l < 2; l++) Assert.InRange(Math.Abs(tag.Scenario.World.Position(tag.Scenario.World.Landmark(l))[0]), 0, 0.9);
        }
    }
}
