namespace AsyncRL.IntegrationTests;

/// <summary>The README's run command, as a user runs it: a process, a run directory, an exit code.</summary>
public sealed class TrainCommandTests
{
    [Fact]
    public async Task Train_EmbeddedPpo_SolvesCartPole_AndWritesTheRunDirectory()
    {
        using var run = RunDirectory.CreateTemp("train");
        using var cli = CliProcess.Start(null, "train", "--out", run.Path, "--seed", "1", "--steps", "600000");
        Assert.True(await cli.WaitForExitAsync(TimeSpan.FromMinutes(4)) == 0, cli.Output);

        var summary = run.Summary();
        Assert.True(summary.GetProperty("solved").GetBoolean(), cli.Output);
        Assert.True(summary.GetProperty("final_return_mean").GetDouble() >= 475, summary.ToString());
        Assert.Equal("ppo", summary.GetProperty("algo").GetString());
        var metrics = run.Metrics();
        Assert.NotEmpty(metrics);
        foreach (var key in new[] { "time_s", "env_steps", "update", "policy_version", "staleness_mean", "staleness_max", "samples_per_s", "loss" })
            Assert.True(metrics[^1].TryGetProperty(key, out _), $"metrics.jsonl lacks {key}: {metrics[^1]}");
        Assert.True(File.Exists(Path.Combine(run.Path, "config.json")));
        Assert.True(Directory.Exists(Path.Combine(run.Path, "checkpoints")));

        // eval scores the newest checkpoint greedily; a solved policy keeps the pole up far longer than chance (~20).
        using var eval = CliProcess.Start(null, "eval", "--checkpoint", run.Path, "--episodes", "5");
        Assert.True(await eval.WaitForExitAsync(TimeSpan.FromMinutes(1)) == 0, eval.Output);
        using var result = System.Text.Json.JsonDocument.Parse(eval.Output.Split('\n').Last(l => l.StartsWith('{')));
        Assert.Equal(5, result.RootElement.GetProperty("episodes").GetInt32());
        Assert.True(result.RootElement.GetProperty("return_mean").GetDouble() >= 300, eval.Output);
    }

    [Fact]
    public async Task Train_EmbeddedPpo_SolvesAcrobot()
    {
        using var run = RunDirectory.CreateTemp("acrobot");
        using var cli = CliProcess.Start(null, "train", "--env", "acrobot", "--out", run.Path, "--seed", "1", "--steps", "600000");
        Assert.True(await cli.WaitForExitAsync(TimeSpan.FromMinutes(4)) == 0, cli.Output);

        // A random policy scores about −500 (the swing never reaches the line within 500 steps); solved is −100.
        var summary = run.Summary();
        Assert.Equal("acrobot", summary.GetProperty("env").GetString());
        Assert.True(summary.GetProperty("solved").GetBoolean(), summary.ToString());
        Assert.True(summary.GetProperty("final_return_mean").GetDouble() >= -100, summary.ToString());
    }

    [Fact]
    public async Task Train_Lag8_StillLearns_AndStalenessIsAboutEight()
    {
        using var run = RunDirectory.CreateTemp("lag8");
        using var cli = CliProcess.Start(null, "train", "--out", run.Path, "--seed", "2", "--lag", "8", "--steps", "1000000");
        Assert.True(await cli.WaitForExitAsync(TimeSpan.FromMinutes(5)) == 0, cli.Output);

        var metrics = run.Metrics();
        var late = metrics.Skip(metrics.Count / 2).ToList();
        Assert.NotEmpty(late);
        // Lag 8 is a floor (no row is fresher than 8 versions); the actor–learner pipeline adds a few more.
        Assert.All(late, m => Assert.True(m.GetProperty("staleness_min").GetDouble() >= 8, m.ToString()));
        Assert.InRange(late.Average(m => m.GetProperty("staleness_mean").GetDouble()), 8.0, 12.5);
        var summary = run.Summary();
        Assert.True(summary.GetProperty("final_return_mean").GetDouble() >= 400, summary.ToString());
    }

    [Fact]
    public async Task Train_UnknownAlgorithm_ExitsWithUsageError()
    {
        using var cli = CliProcess.Start(null, "train", "--algo", "sac", "--out", Path.Combine(Path.GetTempPath(), $"asyncrl-it-bad-{Guid.NewGuid():N}"));
        Assert.Equal(2, await cli.WaitForExitAsync(TimeSpan.FromMinutes(1)));
        Assert.Contains("--algo sac", cli.Output, StringComparison.Ordinal);
    }
}
