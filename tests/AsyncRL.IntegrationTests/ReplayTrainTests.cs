namespace AsyncRL.IntegrationTests;

/// <summary>The replay-based algorithms through the CLI: DQN on CartPole and DQN + HER on bit-flipping, embedded.</summary>
public sealed class ReplayTrainTests
{
    [Fact]
    public async Task Train_EmbeddedDqn_SolvesCartPole_WithReplayTelemetry()
    {
        using var run = RunDirectory.CreateTemp("dqn");
        using var cli = CliProcess.Start(null, "train", "--algo", "dqn", "--out", run.Path, "--seed", "1", "--steps", "300000");
        Assert.True(await cli.WaitForExitAsync(TimeSpan.FromMinutes(4)) == 0, cli.Output);

        var summary = run.Summary();
        Assert.Equal("dqn", summary.GetProperty("algo").GetString());
        Assert.True(summary.GetProperty("solved").GetBoolean(), summary.ToString());
        Assert.True(summary.GetProperty("final_score").GetDouble() >= 475, summary.ToString());
        var last = run.Metrics()[^1];
        foreach (var key in new[] { "staleness_mean", "staleness_max", "loss", "replay_size", "replay_inserts_per_s", "replay_samples_per_s",
                     "priority_mean", "beta", "policy_lag_mean", "sample_age_mean", "sample_age_max" })
            Assert.True(last.TryGetProperty(key, out _), $"metrics.jsonl lacks {key}: {last}");
        Assert.True(last.GetProperty("sample_age_max").GetDouble() > 0, last.ToString());

        using var eval = CliProcess.Start(null, "eval", "--checkpoint", run.Path, "--episodes", "5");
        Assert.True(await eval.WaitForExitAsync(TimeSpan.FromMinutes(1)) == 0, eval.Output);
        using var result = System.Text.Json.JsonDocument.Parse(eval.Output.Split('\n').Last(l => l.StartsWith('{')));
        Assert.Equal("dqn", result.RootElement.GetProperty("algo").GetString());
        Assert.True(result.RootElement.GetProperty("return_mean").GetDouble() >= 300, eval.Output);
    }

    [Fact]
    public async Task Train_EmbeddedHer_BitFlip_ScoresTheGreedySuccessRate()
    {
        using var run = RunDirectory.CreateTemp("her");
        using var cli = CliProcess.Start(null, "train", "--algo", "her", "--env", "bitflip", "--env-arg", "n=10", "--out", run.Path,
            "--seed", "1", "--steps", "40000", "--actors", "1");
        Assert.True(await cli.WaitForExitAsync(TimeSpan.FromMinutes(4)) == 0, cli.Output);

        var summary = run.Summary();
        Assert.Equal("her", summary.GetProperty("algo").GetString());
        Assert.Equal("budget", summary.GetProperty("reason").GetString());
        double score = summary.GetProperty("final_score").GetDouble();
        Assert.InRange(score, 0.9, 1.0); // a success rate, not a return (returns are ≤ 0 here)
        using (var config = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(run.Path, "config.json"))))
        {
            Assert.Equal("10", config.RootElement.GetProperty("env_args").GetProperty("n").GetString());
            Assert.Equal(20, config.RootElement.GetProperty("env_spec").GetProperty("observation_size").GetInt32());
            Assert.Equal("future", config.RootElement.GetProperty("her").GetProperty("strategy").GetString());
        }
        var last = run.Metrics()[^1];
        Assert.True(last.GetProperty("relabelled_fraction").GetDouble() > 0.5, last.ToString());

        using var eval = CliProcess.Start(null, "eval", "--checkpoint", run.Path, "--episodes", "100");
        Assert.True(await eval.WaitForExitAsync(TimeSpan.FromMinutes(1)) == 0, eval.Output);
        using var result = System.Text.Json.JsonDocument.Parse(eval.Output.Split('\n').Last(l => l.StartsWith('{')));
        Assert.True(result.RootElement.GetProperty("success_rate").GetDouble() >= 0.9, eval.Output);
    }

    [Fact]
    public async Task LearnerAndActorProcesses_Her_TrainBitFlipToTheBudget()
    {
        using var run = RunDirectory.CreateTemp("her-processes");
        var url = $"http://127.0.0.1:{CliProcess.FreePort()}";
        using var learner = CliProcess.Start(null, "learner", "--algo", "her", "--env", "bitflip", "--env-arg", "n=6", "--listen", url,
            "--out", run.Path, "--steps", "15000");
        using var actor = CliProcess.Start(null, "actor", "--learner", url, "--actors", "2", "--envs-per-actor", "4", "--node-id", "a");
        Assert.True(await learner.WaitForExitAsync(TimeSpan.FromMinutes(4)) == 0, learner.Output + "\nactor:\n" + actor.Output);

        var summary = run.Summary();
        Assert.Equal("her", summary.GetProperty("algo").GetString());
        Assert.Equal("budget", summary.GetProperty("reason").GetString());
        Assert.True(summary.GetProperty("env_steps").GetInt64() >= 15000, summary.ToString());
        Assert.True(summary.GetProperty("accepted_batches").GetInt64() > 0, summary.ToString());
        Assert.InRange(summary.GetProperty("final_score").GetDouble(), 0.5, 1.0); // 6 bits are learnt well within the budget
        var metrics = run.Metrics();
        Assert.Contains(metrics, m => m.GetProperty("sample_age_max").GetDouble() > 0);
        Assert.All(metrics, m => Assert.True(m.GetProperty("staleness_min").GetDouble() >= 0));
    }

    [Theory]
    [InlineData("her --env cartpole", "needs a goal-conditioned environment")]
    [InlineData("dqn --env bitflip --env-arg n=0", "n=0 is not a whole number")]
    [InlineData("dqn --env bitflip --env-arg bits=3", "unknown argument 'bits'")]
    [InlineData("dqn --env cartpole --env-arg n=3", "takes no arguments")]
    [InlineData("her --env bitflip --her-strategy sometimes", "'sometimes' is not one of future, final, episode")]
    public async Task Train_BadReplayArguments_ExitWithAPreciseUsageError(string args, string message)
    {
        string[] argv = ["train", "--algo", .. args.Split(' '), "--out", Path.Combine(Path.GetTempPath(), $"asyncrl-it-bad-{Guid.NewGuid():N}")];
        using var cli = CliProcess.Start(null, argv);
        Assert.Equal(2, await cli.WaitForExitAsync(TimeSpan.FromMinutes(1)));
        Assert.Contains(message, cli.Output, StringComparison.Ordinal);
    }
}
