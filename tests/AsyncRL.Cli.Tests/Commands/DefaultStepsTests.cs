using System.CommandLine;
using AsyncRL.Cli.Commands;
using AsyncRL.Cli.Configuration;

namespace AsyncRL.Cli.Tests.Commands;

public sealed class DefaultStepsTests
{
    private static AsyncRL.Learner.LearnerNodeOptions Options(Func<string, string?> environment, params string[] args)
    {
        var learner = new LearnerArgs("runs/x");
        var command = new RootCommand();
        learner.AddTo(command);
        var s = new SettingSource(command.Parse(args), environment, configPath: null);
        return NodeFactory.Learner(s, learner, "http://127.0.0.1:0", healthPort: null, rowsPerUpdate: 512);
    }

    [Theory]
    [InlineData("maddpg", 1_000_000L)]
    [InlineData("dqn", 500_000L)]
    [InlineData("ppo", 500_000L)]
    [InlineData("her", 500_000L)]
    [InlineData("dpo", 19_200L)]
    public void Learner_WithoutSteps_TakesTheAlgorithmsDefaultBudget(string algorithm, long expected)
    {
        Assert.Equal(expected, Options(_ => null, "--algo", algorithm).Steps);
    }

    [Fact]
    public void Learner_Maddpg_StepsGivenByFlagOrEnvironment_OverrideItsDefault()
    {
        Assert.Equal(30_000, Options(_ => null, "--algo", "maddpg", "--steps", "30000").Steps);
        Assert.Equal(40_000, Options(name => name == "ASYNCRL_STEPS" ? "40000" : null, "--algo", "maddpg").Steps);
    }

    [Fact]
    public void Learner_Maddpg_ReplaysTwiceTheReferenceRatioInBatchesOf256()
    {
        var options = Options(_ => null, "--algo", "maddpg").Maddpg;

        Assert.Equal(256, options.BatchSize);
        Assert.Equal(20.48, options.SamplesPerInsert, 6);
        options.Validate();
    }
}
