using AsyncRL.Algorithms.Maddpg;

namespace AsyncRL.Learner.Tests.Hosting;

public sealed class LearnerAlgorithmsTests
{
    [Fact]
    public void Create_Maddpg_OnAParticleTask_BuildsItsPerAgentSchema()
    {
        var algo = LearnerAlgorithms.Create(new LearnerNodeOptions { OutDir = "unused", Algorithm = "maddpg", Env = "simple_adversary" });
        var maddpg = Assert.IsType<MaddpgLearnerAlgorithm>(algo);
        Assert.Equal(3, maddpg.Spec.AgentCount);
        Assert.Contains(algo.Schema.Columns, c => c.Name == "obs.agent_0" && c.Shape[^1] == 8);
        Assert.Contains("maddpg", LearnerAlgorithms.Names);
    }

    [Theory]
    [InlineData("maddpg", "cartpole", "needs a multi-agent environment")]
    [InlineData("dqn", "simple_spread", "'simple_spread' is a multi-agent environment (3 agents): it runs with maddpg")]
    [InlineData("ppo", "simple_tag", "(4 agents)")]
    public void Create_MismatchedAlgorithmAndTask_IsRejectedWithTheReason(string algorithm, string env, string message)
    {
        var ex = Assert.Throws<ArgumentException>(() => LearnerAlgorithms.Create(new LearnerNodeOptions { OutDir = "unused", Algorithm = algorithm, Env = env }));
        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }
}
