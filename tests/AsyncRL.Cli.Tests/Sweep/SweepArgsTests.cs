using System.CommandLine;
using AsyncRL.Cli.Commands;
using AsyncRL.Cli.Configuration;
using AsyncRL.Cli.Sweep;

namespace AsyncRL.Cli.Tests.Sweep;

public sealed class SweepArgsTests
{
    private static SweepSettings Resolve(params string[] args) => ResolveWith([], args);

    private static SweepSettings ResolveWith(Dictionary<string, string> env, params string[] args)
    {
        var sweep = new SweepArgs();
        var command = new RootCommand();
        sweep.AddTo(command);
        return sweep.Resolve(new SettingSource(command.Parse(args), name => env.GetValueOrDefault(name), configPath: null));
    }

    [Fact]
    public void Resolve_FullCommandLine()
    {
        var s = Resolve("--algo", "PPO,dqn", "--env", "cartpole", "--n", "4,1,2", "--seeds", "2", "--seed-base", "10", "--out", "d",
            "--steps", "5000", "--parallel", "3", "--actors", "1", "--no-early-stop", "--train-arg", "max-staleness=3");

        Assert.Equal(["ppo", "dqn"], s.Algos);
        Assert.Equal([1, 2, 4], s.Ns);
        Assert.Equal((2, 10UL, "d", 5000L, 3, 1), (s.Seeds, s.SeedBase, s.Out, s.Steps!.Value, s.Parallel, s.Actors!.Value));
        Assert.Equal(["max-staleness=3", "no-early-stop"], s.TrainArgs);
    }

    [Fact]
    public void Resolve_Defaults_AndEnvironmentVariables()
    {
        var s = ResolveWith(new() { ["ASYNCRL_N"] = "1,8", ["ASYNCRL_SEEDS"] = "1" }, "--algo", "ppo");

        Assert.Equal([1, 8], s.Ns);
        Assert.Equal(1, s.Seeds);
        Assert.Equal(Math.Max(1, Environment.ProcessorCount / 2), s.Parallel);
        Assert.Null(s.Steps);
    }

    [Theory]
    [InlineData("--algo: give one or more algorithms", "--n", "1")]
    [InlineData("--algo sac: this build runs", "--algo", "ppo,sac", "--n", "1")]
    [InlineData("an algorithm is named twice", "--algo", "ppo,PPO", "--n", "1")]
    [InlineData("an empty item between commas", "--algo", "ppo,,dqn", "--n", "1")]
    [InlineData("--n: give the values of N", "--algo", "ppo")]
    [InlineData("'0' is not a whole number of at least 1", "--algo", "ppo", "--n", "1,0")]
    [InlineData("'two' is not a whole number", "--algo", "ppo", "--n", "1,two")]
    [InlineData("2 is given twice", "--algo", "ppo", "--n", "2,1,2")]
    [InlineData("--seeds 0: at least one seed", "--algo", "ppo", "--n", "1", "--seeds", "0")]
    [InlineData("--parallel 0", "--algo", "ppo", "--n", "1", "--parallel", "0")]
    [InlineData("--steps 0: the budget must be positive", "--algo", "ppo", "--n", "1", "--steps", "0")]
    [InlineData("--env moon", "--algo", "ppo", "--n", "1", "--env", "moon")]
    [InlineData("--algo her needs a goal-conditioned environment", "--algo", "ppo,her", "--n", "1")]
    [InlineData("the sweep sets --lag itself", "--algo", "ppo", "--n", "1", "--train-arg", "lag=2")]
    [InlineData("use the sweep's --steps", "--algo", "ppo", "--n", "1", "--train-arg", "steps=2")]
    [InlineData("train has no option --warp-speed", "--algo", "ppo", "--n", "1", "--train-arg", "warp-speed")]
    [InlineData("expected NAME or NAME=VALUE", "--algo", "ppo", "--n", "1", "--train-arg", "--vtrace")]
    [InlineData("--env-arg 'n15': expected key=value", "--algo", "dqn", "--env", "bitflip", "--n", "1", "--env-arg", "n15")]
    public void Resolve_BadInput_IsAPreciseUsageError(string expected, params string[] args)
    {
        var error = Assert.Throws<CliUsageException>(() => Resolve(args));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_OutIsAFile_IsAUsageError()
    {
        string file = Path.GetTempFileName();
        try
        {
            var error = Assert.Throws<CliUsageException>(() => Resolve("--algo", "ppo", "--n", "1", "--out", file));
            Assert.Contains("a file of that name exists", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
