using System.CommandLine;
using AsyncRL.Algorithms.Language;
using AsyncRL.Cli.Commands;
using AsyncRL.Cli.Configuration;

namespace AsyncRL.Cli.Tests.Commands;

/// <summary><c>--lr</c> and <c>--lr-schedule</c> for the language tasks.</summary>
public sealed class LearningRateOptionTests
{
    private static (SettingSource Source, LearnerArgs Args) Source(string[] args, Dictionary<string, string>? env = null)
    {
        var learner = new LearnerArgs("runs/x");
        var command = new RootCommand();
        learner.AddTo(command);
        return (new SettingSource(command.Parse(args), name => env?.GetValueOrDefault(name), configPath: null), learner);
    }

    [Fact]
    public void Language_Defaults_AreAConstantOneEMinusFour_Over300Updates()
    {
        var (s, a) = Source(["--algo", "dpo", "--env", "arith"]);

        var options = NodeFactory.Language(s, a);

        Assert.Equal((1e-4f, LearningRateSchedule.Constant, 300L), (options.LearningRate, options.Schedule, options.TotalUpdates!.Value));
    }

    [Fact]
    public void Language_LinearScheduleAndRate_FromFlagsOrEnvironment_PlanTheRunsUpdatesFromSteps()
    {
        var (s, a) = Source(["--algo", "dpo", "--env", "arith", "--lr", "3e-5", "--steps", "6400", "--completions-per-batch", "32"],
            new() { ["ASYNCRL_LR_SCHEDULE"] = "linear" });

        var options = NodeFactory.Language(s, a);

        Assert.Equal((3e-5f, LearningRateSchedule.Linear, 200L), (options.LearningRate, options.Schedule, options.TotalUpdates!.Value));
    }

    [Theory]
    [InlineData("--lr-schedule", "cosine", "Unknown learning-rate schedule 'cosine' (known: constant, linear)")]
    [InlineData("--lr", "-1", "out of range")]
    public void Check_BadRateOrSchedule_IsAUsageError(string option, string value, string expected)
    {
        var (s, a) = Source(["--algo", "dpo", "--env", "arith", option, value]);

        var error = Assert.Throws<CliUsageException>(() => a.Check(s));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}
