using AsyncRL.Environments;
using AsyncRL.Environments.Goals;

namespace AsyncRL.Environments.Tests;

public sealed class BitFlipTests
{
    [Fact]
    public void Step_FlipsOneBit_RewardsMinusOneUntilTheGoal_ThenTerminates()
    {
        var env = new BitFlip(4, new Generator(3));
        var obs = new float[8];
        env.Reset(obs);
        Assert.False(obs.AsSpan(0, 4).SequenceEqual(obs.AsSpan(4, 4)));
        var differing = Enumerable.Range(0, 4).Where(i => obs[i] != obs[4 + i]).ToList();
        for (int k = 0; k < differing.Count; k++)
        {
            float before = obs[differing[k]];
            var r = env.Step(differing[k], obs);
            Assert.Equal(1f - before, obs[differing[k]]);
            bool last = k == differing.Count - 1;
            Assert.Equal(last ? 0f : -1f, r.Reward);
            Assert.Equal(last, r.Terminated);
            Assert.False(r.Truncated);
        }
    }

    [Fact]
    public void Step_AfterNStepsWithoutTheGoal_Truncates()
    {
        var env = new BitFlip(3, new Generator(4));
        var obs = new float[6];
        env.Reset(obs);
        // Flipping one matching bit back and forth (or, when none matches, any bit) never reaches the goal.
        int bit = Enumerable.Range(0, 3).FirstOrDefault(i => obs[i] == obs[3 + i]);
        StepResult r = default;
        for (int k = 0; k < 3; k++)
        {
            r = env.Step(bit, obs);
            Assert.Equal(k == 2, r.Truncated);
            Assert.False(r.Terminated);
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => env.Step(3, obs));
    }

    [Fact]
    public void Registry_ParsesN_AndRejectsBadArguments()
    {
        var spec = EnvRegistry.SpecOf("bitflip", new Dictionary<string, string> { ["n"] = "25" });
        Assert.Equal((50, 25, 25), (spec.ObservationSize, spec.ActionCount, spec.MaxEpisodeSteps));
        Assert.Equal(30, EnvRegistry.SpecOf("bitflip", null).ObservationSize);
        Assert.Contains("n=abc", Assert.Throws<ArgumentException>(() => EnvRegistry.SpecOf("bitflip", new Dictionary<string, string> { ["n"] = "abc" })).Message, StringComparison.Ordinal);
        Assert.Contains("unknown argument 'm'", Assert.Throws<ArgumentException>(() => EnvRegistry.SpecOf("bitflip", new Dictionary<string, string> { ["m"] = "3" })).Message, StringComparison.Ordinal);
        Assert.Contains("takes no arguments", Assert.Throws<ArgumentException>(() => EnvRegistry.SpecOf("cartpole", new Dictionary<string, string> { ["n"] = "3" })).Message, StringComparison.Ordinal);
        Assert.IsAssignableFrom<IGoalEnvironment>(EnvRegistry.Create("bitflip", new Dictionary<string, string> { ["n"] = "5" }, new Generator(1)));
    }
}
