namespace AsyncRL.IntegrationTests;

/// <summary>The language algorithms through the CLI: SFT, then online DPO with an actor generating and the learner training, over gRPC.</summary>
public sealed class LanguageTrainTests
{
    [Fact]
    public async Task Train_EmbeddedDpo_Arith_BeatsItsSftModel_AndEvalScoresTheCheckpoint()
    {
        using var run = RunDirectory.CreateTemp("dpo");
        var cache = Path.Combine(run.Path, "sft-cache");
        using var cli = CliProcess.Start(null, "train", "--algo", "dpo", "--env", "arith", "--out", Path.Combine(run.Path, "run"), "--seed", "1",
            "--steps", "6400", "--sft-cache", cache);
        Assert.True(await cli.WaitForExitAsync(TimeSpan.FromMinutes(4)) == 0, cli.Output);

        using var dir = new RunDirectory(Path.Combine(run.Path, "run"));
        var summary = dir.Summary();
        Assert.Equal("dpo", summary.GetProperty("algo").GetString());
        Assert.Equal("budget", summary.GetProperty("reason").GetString());
        double sft = summary.GetProperty("sft_score").GetDouble(), final = summary.GetProperty("final_score").GetDouble();
        Assert.True(final > sft + 0.2, $"final score {final} against SFT {sft}: {summary}");
        Assert.True(summary.GetProperty("kl_to_reference").GetDouble() > 0, summary.ToString());
        Assert.InRange(summary.GetProperty("staleness").GetProperty("max").GetInt64(), 0, 1); // the asynchronous pipeline: one update old at most
        Assert.True(summary.GetProperty("env_steps").GetInt64() >= 6400);
        var metrics = dir.Metrics();
        Assert.Contains(metrics, m => m.TryGetProperty("score", out var s) && s.ValueKind == System.Text.Json.JsonValueKind.Number);
        Assert.Contains(metrics, m => m.GetProperty("staleness_max").GetDouble() == 1);
        Assert.Single(Directory.GetDirectories(cache)); // the SFT model was cached for the next run

        using var eval = CliProcess.Start(null, "eval", "--checkpoint", Path.Combine(run.Path, "run"));
        Assert.True(await eval.WaitForExitAsync(TimeSpan.FromMinutes(1)) == 0, eval.Output);
        using var result = System.Text.Json.JsonDocument.Parse(eval.Output.Split('\n').Last(l => l.StartsWith('{')));
        Assert.Equal("greedy_accuracy", result.RootElement.GetProperty("score_name").GetString());
        Assert.Equal(final, result.RootElement.GetProperty("score").GetDouble(), 6);
    }

    [Fact]
    public async Task Train_TorchBackendDpo_Arith_RunsOnLibtorch_AndWritesTheSummary()
    {
        using var run = RunDirectory.CreateTemp("dpo-torch");
        using var cli = CliProcess.Start(null, "train", "--backend", "torch", "--algo", "dpo", "--env", "arith", "--out", run.Path, "--seed", "1",
            "--steps", "640", "--score-every", "5");
        Assert.True(await cli.WaitForExitAsync(TimeSpan.FromMinutes(4)) == 0, cli.Output);

        var summary = run.Summary();
        Assert.Equal("dpo", summary.GetProperty("algo").GetString());
        Assert.True(summary.GetProperty("updates").GetInt64() >= 9, summary.ToString()); // 10 mini-batches; the last may still be in flight at the budget
        Assert.True(summary.GetProperty("sft_score").GetDouble() > 0, summary.ToString());
        Assert.True(double.IsFinite(summary.GetProperty("final_score").GetDouble()), summary.ToString());
        using var config = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(run.Path, "config.json")));
        Assert.Contains("torch", config.RootElement.ToString(), StringComparison.Ordinal);
        Assert.Contains(run.Metrics(), m => m.TryGetProperty("skipped_steps", out var s) && s.GetDouble() == 0);
    }

    [Fact]
    public async Task LearnerAndActorProcesses_RlooOnGoldRm_Sync_TrainWithoutStaleness()
    {
        using var run = RunDirectory.CreateTemp("rloo-processes");
        var url = $"http://127.0.0.1:{CliProcess.FreePort()}";
        using var learner = CliProcess.Start(null, "learner", "--algo", "rloo", "--env", "gold-rm", "--listen", url, "--out", run.Path, "--steps", "1280");
        using var actor = CliProcess.Start(null, "actor", "--learner", url, "--actors", "1", "--sync", "--node-id", "lm");
        Assert.True(await learner.WaitForExitAsync(TimeSpan.FromMinutes(4)) == 0, learner.Output + "\nactor:\n" + actor.Output);

        var summary = run.Summary();
        Assert.Equal("rloo", summary.GetProperty("algo").GetString());
        Assert.Equal(0, summary.GetProperty("staleness").GetProperty("max").GetInt64());
        Assert.True(summary.GetProperty("sft_score").GetDouble() > 0, summary.ToString());
        Assert.True(summary.TryGetProperty("kl_to_reference", out _));
        Assert.True(summary.GetProperty("updates").GetInt64() >= 19, summary.ToString());
    }

    [Theory]
    [InlineData("dpo --env cartpole", "--algo dpo trains the language tasks (arith, gold-rm), not 'cartpole'")]
    [InlineData("ppo --env arith", "'arith' is a language task")]
    [InlineData("dpo --env arith --k 1", "dpo needs at least 2 completions per prompt (--k), got 1.")]
    [InlineData("dpo --env arith --env-arg n=2", "takes no arguments")]
    public async Task Train_BadLanguageArguments_ExitWithAPreciseUsageError(string args, string message)
    {
        string[] argv = ["train", "--algo", .. args.Split(' '), "--out", Path.Combine(Path.GetTempPath(), $"asyncrl-it-bad-{Guid.NewGuid():N}")];
        using var cli = CliProcess.Start(null, argv);
        Assert.Equal(2, await cli.WaitForExitAsync(TimeSpan.FromMinutes(1)));
        Assert.Contains(message, cli.Output, StringComparison.Ordinal);
    }
}
