namespace AsyncRL.Environments.Tests.Particles;

public sealed class MultiAgentRegistryTests
{
    [Fact]
    public void SpecOf_ParticleTask_GivesTheJointViewWithTheAgentCount()
    {
        var spec = EnvRegistry.SpecOf("simple_tag");
        Assert.Equal(4, spec.AgentCount);
        Assert.Equal(16 * 3 + 14, spec.ObservationSize);
        Assert.Equal(5, spec.ActionCount);
        Assert.Equal(25, spec.MaxEpisodeSteps);
        Assert.Null(spec.SolvedThreshold);
        Assert.Equal(1, EnvRegistry.SpecOf("cartpole").AgentCount);
        Assert.True(EnvRegistry.IsMultiAgent("simple_spread"));
        Assert.False(EnvRegistry.IsMultiAgent("cartpole"));
        Assert.Contains("simple_adversary", EnvRegistry.Ids);
        var multi = EnvRegistry.MultiAgentSpecOf("simple_adversary");
        Assert.Equal(["adversary", "good"], multi.TeamNames);
        Assert.Equal(8, multi.ObservationOffset(1));
    }

    [Fact]
    public void Create_Mismatches_AreRejectedWithTheReason()
    {
        var ex = Assert.Throws<ArgumentException>(() => EnvRegistry.Create("simple_spread", null, new Generator(0)));
        Assert.Contains("multi-agent", ex.Message, StringComparison.Ordinal);
        ex = Assert.Throws<ArgumentException>(() => EnvRegistry.MultiAgentSpecOf("cartpole"));
        Assert.Contains("single-agent", ex.Message, StringComparison.Ordinal);
        ex = Assert.Throws<ArgumentException>(() => EnvRegistry.SpecOf("simple_spread", new Dictionary<string, string> { ["n"] = "3" }));
        Assert.Contains("takes no arguments", ex.Message, StringComparison.Ordinal);
        ex = Assert.Throws<ArgumentException>(() => EnvRegistry.SpecOf("simple_crypto"));
        Assert.Contains("simple_tag", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Vector_AutoResets_ReportsPerAgentReturns_AndKeepsTheFinalObservation()
    {
        var venv = EnvRegistry.CreateMultiAgentVector("simple_adversary", null, 2, seed: 1);
        venv.Reset();
        int o = venv.Spec.JointObservationSize;
        var actions = new int[2 * 3];
        var rewards = new float[2 * 3];
        var sums = new double[2 * 3];
        bool[] term = new bool[2], trunc = new bool[2];
        float[] before = [];
        for (int t = 0; t < 25; t++)
        {
            before = venv.Observations.ToArray();
            venv.Step(actions, rewards, term, trunc);
            for (int k = 0; k < sums.Length; k++) sums[k] += rewards[k];
        }
        Assert.All(trunc, Assert.True);
        var episodes = new List<MultiAgentEpisodeStats>();
        Assert.Equal(2, venv.DrainEpisodes(episodes));
        for (int e = 0; e < 2; e++)
        {
            Assert.Equal(25, episodes[e].Length);
            for (int i = 0; i < 3; i++) Assert.Equal((float)sums[3 * e + i], episodes[e].AgentReturns[i], 3);
            Assert.Equal(episodes[e].AgentReturns.Sum(), episodes[e].Return, 4);
            // No-ops from rest: nothing moved, so the final observation is the one before the last step.
            Assert.Equal(before.AsSpan(e * o, o).ToArray(), venv.FinalObservations.Slice(e * o, o).ToArray());
        }
        Assert.NotEqual(venv.FinalObservations.ToArray(), venv.Observations.ToArray()); // a new episode began
    }
}
