using System.CommandLine;
using AsyncRL.Cli.Commands;
using AsyncRL.Cli.Configuration;

namespace AsyncRL.Cli.Tests.Commands;

public sealed class PublishEveryTests
{
    private static AsyncRL.Learner.LearnerNodeOptions Options(params string[] args)
    {
        var learner = new LearnerArgs("runs/x");
        var command = new RootCommand();
        learner.AddTo(command);
        var s = new SettingSource(command.Parse(args), _ => null, configPath: null);
        return NodeFactory.Learner(s, learner, "http://127.0.0.1:0", healthPort: null, rowsPerUpdate: 512);
    }

    [Theory]
    [InlineData("dqn", 32)]
    [InlineData("her", 32)]
    [InlineData("ppo", 1)]
    [InlineData("maddpg", 1)]
    [InlineData("dpo", 1)]
    public void Learner_PublishesEveryThirtyTwoUpdates_ForTheFastReplayLearnersOnly(string algorithm, int expected)
    {
        Assert.Equal(expected, Options("--algo", algorithm).PublishPeriod);
    }

    [Fact]
    public void Learner_WithALag_PublishesEveryUpdate()
    {
        var options = Options("--algo", "dqn", "--lag", "4");

        Assert.Equal(1, options.PublishPeriod);
        options.Validate(); // a lag with a longer period is refused
    }

    [Fact]
    public void Learner_UnderN_TheNStillSetsThePeriod()
    {
        Assert.Equal(2, Options("--algo", "dqn", "--n", "2").PublishPeriod);
    }
}
