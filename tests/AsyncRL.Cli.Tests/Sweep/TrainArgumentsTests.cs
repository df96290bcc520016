using AsyncRL.Cli.Sweep;

namespace AsyncRL.Cli.Tests.Sweep;

public sealed class TrainArgumentsTests
{
    [Fact]
    public void For_ControlTask_SetsTheGridPointAndPassesTheRestThrough()
    {
        var settings = new SweepSettings
        {
            Algos = ["dqn"], Env = "bitflip", Ns = [4], Seeds = 1, Out = "sw", Steps = 9000, EnvArgs = ["n=8"], Actors = 1,
            TrainArgs = ["no-early-stop", "max-staleness=3"],
        };
        var job = settings.Jobs()[0];

        var args = TrainArguments.For(settings, job);

        Assert.Equal(
            ["train", "--algo", "dqn", "--env", "bitflip", "--n", "4", "--seed", "1", "--out", Path.Combine("sw", "runs", "dqn-n4-s1"),
             "--steps", "9000", "--env-arg", "n=8", "--actors", "1", "--no-early-stop", "--max-staleness", "3"],
            args);
    }

    [Theory]
    [InlineData("arith")]
    [InlineData("gold-rm")]
    public void For_LanguageTask_SharesTheSftCacheOfTheSweep(string env)
    {
        var settings = new SweepSettings { Algos = ["dpo"], Env = env, Ns = [1], Seeds = 1, Out = "sw" };

        var args = TrainArguments.For(settings, settings.Jobs()[0]).ToList();

        int at = args.IndexOf("--sft-cache");
        Assert.True(at > 0, string.Join(' ', args));
        Assert.Equal(Path.Combine("sw", "sft"), args[at + 1]);
        Assert.DoesNotContain("--sft-cache", TrainArguments.For(settings with { Env = "cartpole" }, settings.Jobs()[0]));
    }

    [Fact]
    public void ParseScore_ReadsTheReturnOfAProgressLine()
    {
        Assert.Equal(123.4, TrainProcess.ParseScore("t=4.2s update=68 version=68 env_steps=34816 steps/s=8197 return=123.4 staleness=1.50/3"));
        Assert.Equal(-7.5, TrainProcess.ParseScore("return=-7.5"));
        Assert.Null(TrainProcess.ParseScore("t=0.5s update=0 return=- staleness=0.00/0"));
        Assert.Null(TrainProcess.ParseScore("final_return=3"));
    }
}
