using System.Text.Json;
using AsyncRL.Environments.Particles;
using AsyncRL.Tests.Support;

namespace AsyncRL.Environments.Tests.Particles;

/// <summary>Our particle tasks against trajectories that a separate numpy implementation of the MPE equations wrote.</summary>
public sealed class ParticleReferenceTests
{
    private const string FixtureName = "particles_reference.json";

    private sealed record Rollout(int Goal, double[][] StartPos, double[][] StartVel, int[][] Actions, double[][][] Pos, double[][][] Vel, double[][] Rewards, double[][][] Obs);

    private static string FixturePath => Path.Combine(AppContext.BaseDirectory, "Particles", FixtureName);

    private static Rollout[] Load(string task)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(FixturePath));
        static double[] Row(JsonElement e) => [.. e.EnumerateArray().Select(v => v.GetDouble())];
        static double[][] Rows(JsonElement e) => [.. e.EnumerateArray().Select(Row)];
        return [.. doc.RootElement.GetProperty(task).EnumerateArray().Select(r => new Rollout(
            r.GetProperty("goal").GetInt32(),
            Rows(r.GetProperty("start_pos")),
            Rows(r.GetProperty("start_vel")),
            [.. r.GetProperty("actions").EnumerateArray().Select(a => a.EnumerateArray().Select(v => v.GetInt32()).ToArray())],
            [.. r.GetProperty("pos").EnumerateArray().Select(Rows)],
            [.. r.GetProperty("vel").EnumerateArray().Select(Rows)],
            Rows(r.GetProperty("rewards")),
            [.. r.GetProperty("obs").EnumerateArray().Select(Rows)]))];
    }

    [Theory]
    [InlineData(SimpleSpread.Id)]
    [InlineData(SimpleAdversary.Id)]
    [InlineData(SimpleTag.Id)]
    public void Step_FollowsTheReferenceTrajectories(string task)
    {
        var rollouts = Load(task);
        Assert.NotEmpty(rollouts);
        foreach (var r in rollouts)
        {
            var env = ParticleScenarios.Create(task, new Generator(0));
            var world = env.Scenario.World;
            for (int e = 0; e < world.EntityCount; e++)
            {
                r.StartPos[e].CopyTo(world.Position(e));
                r.StartVel[e].CopyTo(world.Velocity(e));
            }
            if (env.Scenario is SimpleAdversary adversary) adversary.SetGoal(r.Goal);
            var spec = env.Spec;
            var obs = new float[spec.JointObservationSize];
            var rewards = new float[spec.AgentCount];
            for (int t = 0; t < r.Actions.Length; t++)
            {
                var step = env.Step(r.Actions[t], obs, rewards);
                for (int e = 0; e < world.EntityCount; e++)
                    for (int d = 0; d < 2; d++)
                    {
                        Assert.True(Math.Abs(world.Position(e)[d] - r.Pos[t][e][d]) < 1e-9, $"{task} step {t} entity {e} position[{d}]: {world.Position(e)[d]} vs {r.Pos[t][e][d]}");
                        Assert.True(Math.Abs(world.Velocity(e)[d] - r.Vel[t][e][d]) < 1e-9, $"{task} step {t} entity {e} velocity[{d}]: {world.Velocity(e)[d]} vs {r.Vel[t][e][d]}");
                    }
                for (int i = 0; i < spec.AgentCount; i++)
                {
                    Assert.Equal((float)r.Rewards[t][i], rewards[i], 5);
                    var agentObs = spec.AgentObservation(obs, i);
                    Assert.Equal(r.Obs[t][i].Length, agentObs.Length);
                    for (int k = 0; k < agentObs.Length; k++) Assert.Equal((float)r.Obs[t][i][k], agentObs[k], 5);
                }
                Assert.False(step.Terminated);
                Assert.Equal(t == ParticleEnv.EpisodeSteps - 1, step.Truncated);
            }
        }
    }

    [Fact]
    public void Fixtures_CoverContacts_AndTheBoundaryPenalty()
    {
        // Guards the fixture itself: without contacts or edge positions it would pin little.
        static double Distance(double[] a, double[] b) => Math.Sqrt((a[0] - b[0]) * (a[0] - b[0]) + (a[1] - b[1]) * (a[1] - b[1]));
        // Crowded starts: the first step's contact forces act between overlapping agents (and throw them apart).
        var spread = Load(SimpleSpread.Id)[0];
        Assert.True(Distance(spread.StartPos[0], spread.StartPos[1]) < 0.3);
        var tag = Load(SimpleTag.Id);
        Assert.True(Distance(tag[0].StartPos[0], tag[0].StartPos[3]) < 0.075 + 0.05);
        Assert.Contains(tag[1].Rewards, r => r[3] < 0 && r[3] > -10); // the good agent paid only the boundary penalty
    }

    [RequiresPythonNumpyFact]
    public void Fixture_IsWhatTheNumpyScriptWrites()
    {
        string fresh = Path.Combine(Path.GetTempPath(), $"particles-{Guid.NewGuid():N}.json");
        try
        {
            PythonNumpy.Run(Path.Combine(AppContext.BaseDirectory, "Particles", "make_reference.py"), fresh);
            Assert.Equal(File.ReadAllText(FixturePath), File.ReadAllText(fresh));
        }
        finally
        {
            File.Delete(fresh);
        }
    }
}
