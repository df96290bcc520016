using AsyncRL.Cli.Sweep;
using AsyncRL.Cli.Sweep.Results;

namespace AsyncRL.Cli.Tests.Sweep;

public sealed class SummaryReaderTests
{
    private static readonly SweepJob Job = new("ppo", 4, 2, "unused");

    [Fact]
    public void Parse_CompleteSummary_TakesTheGridPointAndTheValues()
    {
        const string json = """
            { "algo": "ppo", "env": "cartpole", "seed": 2, "reason": "solved", "env_steps": 79872, "wall_s": 5.64,
              "final_return_mean": 478.2, "final_score": 478.2, "n": 4 }
            """;

        var (result, problem) = SummaryReader.Parse(Job, json);

        Assert.Null(problem);
        Assert.Equal(new RunResult("ppo", 4, 2, null, 478.2, null, 79872, 5.64), result);
    }

    [Fact]
    public void Parse_LanguageTaskFields_AreRead()
    {
        const string json = """{ "algo": "ppo", "reason": "budget", "sft_score": 0.41, "final_score": 0.63, "kl_to_reference": 2.5, "env_steps": 10, "wall_s": 1 }""";

        var (result, _) = SummaryReader.Parse(Job, json);

        Assert.Equal((0.41, 0.63, 2.5), (result!.SftScore, result.FinalScore, result.KlToReference));
    }

    [Fact]
    public void Parse_MissingOrNullOrMistypedFields_AreEmpty()
    {
        const string json = """{ "reason": "budget", "final_score": null, "kl_to_reference": "high", "wall_s": 3.0 }""";

        var (result, problem) = SummaryReader.Parse(Job, json);

        Assert.Null(problem);
        Assert.Equal(new RunResult("ppo", 4, 2, null, null, null, null, 3.0), result);
    }

    [Theory]
    [InlineData("""{ "algo": "ppo", "reason": "stop""", "not valid JSON")]
    [InlineData("[1, 2]", "not a JSON object")]
    [InlineData("""{ "algo": "ppo", "final_score": 1 }""", "no reason")]
    [InlineData("""{ "algo": "ppo", "reason": "stopped", "final_score": 1 }""", "stopped before it ended")]
    [InlineData("""{ "algo": "dqn", "reason": "budget", "final_score": 1 }""", "of dqn, not ppo")]
    [InlineData("", "not valid JSON")]
    public void Parse_BrokenOrIncompleteSummary_GivesTheReasonInsteadOfAResult(string json, string expected)
    {
        var (result, problem) = SummaryReader.Parse(Job, json);

        Assert.Null(result);
        Assert.Contains(expected, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_NoFile_IsNotComplete()
    {
        var job = new SweepJob("ppo", 1, 1, Path.Combine(Path.GetTempPath(), $"asyncrl-none-{Guid.NewGuid():N}"));

        Assert.Equal((null, "no summary.json"), SummaryReader.Read(job));
        Assert.False(SummaryReader.IsComplete(job));
    }

    [Fact]
    public void Read_FileOnDisk_IsComplete()
    {
        string dir = Path.Combine(Path.GetTempPath(), $"asyncrl-summary-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        try
        {
            var job = new SweepJob("ppo", 1, 1, dir);
            File.WriteAllText(job.SummaryPath, """{ "algo": "ppo", "reason": "budget", "final_score": 12.5 }""");

            Assert.True(SummaryReader.IsComplete(job));
            Assert.Equal(12.5, SummaryReader.Read(job).Result!.FinalScore);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
