using System.CommandLine;
using AsyncRL.Cli.Commands;
using AsyncRL.Cli.Configuration;

namespace AsyncRL.Cli.Tests.Commands;

public sealed class OffPolicyNOptionTests
{
    private static SettingSource Source(string[] args, Dictionary<string, string> env, LearnerArgs learner)
    {
        var command = new RootCommand();
        learner.AddTo(command);
        return new SettingSource(command.Parse(args), name => env.GetValueOrDefault(name), configPath: null);
    }

    [Fact]
    public void Get_N_FromFlagOrEnvironment_NullWhenAbsent()
    {
        var learner = new LearnerArgs("runs/x");

        Assert.Equal(4, Source(["--n", "4"], [], learner).Get(learner.N));
        Assert.Equal(8, Source([], new() { ["ASYNCRL_N"] = "8" }, learner).Get(learner.N));
        Assert.Null(Source([], [], learner).Get(learner.N));
    }

    [Fact]
    public void Learner_N_GoesIntoTheNodeOptions()
    {
        var learner = new LearnerArgs("runs/x");
        var s = Source(["--n", "4"], [], learner);

        var options = NodeFactory.Learner(s, learner, "http://127.0.0.1:0", healthPort: null, rowsPerUpdate: 512);

        Assert.Equal(4, options.OffPolicyN);
        Assert.Equal(4, options.PublishPeriod);
    }

    [Theory]
    [InlineData(0, 0, "must be at least 1")]
    [InlineData(-3, 0, "must be at least 1")]
    [InlineData(2, 1, "--n 2 and --lag 1 exclude each other")]
    public void CheckN_Invalid_IsAUsageError(int n, int lag, string expected)
    {
        var error = Assert.Throws<CliUsageException>(() => LearnerArgs.CheckN(n, lag));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CheckN_ValidOrAbsent_Passes()
    {
        LearnerArgs.CheckN(null, 4);
        LearnerArgs.CheckN(1, 0);
        LearnerArgs.CheckN(32, 0);
    }
}
