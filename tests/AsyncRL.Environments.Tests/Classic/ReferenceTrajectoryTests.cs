using System.Text.Json;
using AsyncRL.Environments.Classic;

namespace AsyncRL.Environments.Tests.Classic;

/// <summary>Our dynamics against trajectories a separate numpy implementation of Gymnasium's equations wrote.</summary>
public sealed class ReferenceTrajectoryTests
{
    private sealed record Rollout(double[] Start, int[] Actions, double[][] States, bool[] Terminated);

    private static Rollout[] Load(string env)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Classic", "classic_reference.json")));
        return [.. doc.RootElement.GetProperty(env).EnumerateArray().Select(r => new Rollout(
            [.. r.GetProperty("start").EnumerateArray().Select(v => v.GetDouble())],
            [.. r.GetProperty("actions").EnumerateArray().Select(v => v.GetInt32())],
            [.. r.GetProperty("states").EnumerateArray().Select(s => s.EnumerateArray().Select(v => v.GetDouble()).ToArray())],
            [.. r.GetProperty("terminated").EnumerateArray().Select(v => v.GetBoolean())]))];
    }

    [Fact]
    public void CartPole_FollowsReferenceTrajectories_StepByStep()
    {
        var rollouts = Load("cartpole");
        Assert.NotEmpty(rollouts);
        var obs = new float[4];
        foreach (var r in rollouts)
        {
            var env = new CartPole(new Generator(0));
            env.SetState(r.Start[0], r.Start[1], r.Start[2], r.Start[3]);
            for (int t = 0; t < r.Actions.Length; t++)
            {
                var step = env.Step(r.Actions[t], obs);
                for (int i = 0; i < 4; i++) Assert.Equal((float)r.States[t][i], obs[i], 5);
                Assert.Equal(r.Terminated[t], step.Terminated);
                Assert.Equal(1f, step.Reward);
            }
        }
    }

    [Fact]
    public void Acrobot_FollowsReferenceTrajectories_StepByStep()
    {
        var rollouts = Load("acrobot");
        Assert.Contains(rollouts, r => r.Terminated[^1]);
        var obs = new float[6];
        foreach (var r in rollouts)
        {
            var env = new Acrobot(new Generator(0));
            env.SetState(r.Start);
            for (int t = 0; t < r.Actions.Length; t++)
            {
                var step = env.Step(r.Actions[t], obs);
                var s = r.States[t];
                float[] expected = [(float)Math.Cos(s[0]), (float)Math.Sin(s[0]), (float)Math.Cos(s[1]), (float)Math.Sin(s[1]), (float)s[2], (float)s[3]];
                for (int i = 0; i < 6; i++) Assert.True(Math.Abs(expected[i] - obs[i]) <= 1e-4 * Math.Max(1, Math.Abs(expected[i])), $"step {t} obs[{i}]: {obs[i]} vs {expected[i]}");
                Assert.Equal(r.Terminated[t], step.Terminated);
                Assert.Equal(r.Terminated[t] ? 0f : -1f, step.Reward);
            }
        }
    }

    [Fact]
    public void CartPole_TruncatesAt500_WhenBalanced()
    {
        var env = new CartPole(new Generator(0));
        var obs = new float[4];
        env.SetState(0, 0, 0, 0);
        StepResult r = default;
        int steps = 0;
        // A simple controller keeps the pole up: push towards the side it leans to.
        while (!r.Done)
        {
            r = env.Step(obs[2] + 0.5f * obs[3] > 0 ? 1 : 0, obs);
            steps++;
        }
        Assert.True(r.Truncated, $"episode ended by termination after {steps} steps");
        Assert.False(r.Terminated);
        Assert.Equal(500, steps);
    }

    [Fact]
    public void Reset_IsSeeded_AndWithinBounds()
    {
        float[] a = new float[4], b = new float[4];
        new CartPole(new Generator(3)).Reset(a);
        new CartPole(new Generator(3)).Reset(b);
        Assert.Equal(a, b);
        Assert.All(a, v => Assert.InRange(v, -0.05f, 0.05f));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CartPole(new Generator(1)).Step(2, a));
    }
}
