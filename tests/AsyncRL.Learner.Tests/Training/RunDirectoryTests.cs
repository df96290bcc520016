using System.Text.Json;
using AsyncRL.Contracts.V1;
using AsyncRL.Learner.Tests.Support;

namespace AsyncRL.Learner.Tests.Training;

public sealed class RunDirectoryTests
{
    [Fact]
    public async Task RunDirectory_HasConfig_OneMetricsLinePerUpdate_AndTheSummary()
    {
        var time = new ManualTime();
        await using var learner = await LearnerHarness.StartAsync(time: time);
        var registered = await learner.RegisterAsync();
        var fragments = new Fragments();
        await using var watch = new WeightsWatch(learner.Client);
        await using var push = new PushStream(learner.Client);
        await watch.NextAsync().Within();

        time.Advance(TimeSpan.FromSeconds(2));
        var withEpisodes = fragments.Batch(registered, 1);
        withEpisodes.FinishedEpisodes.Add(new EpisodeStats { EpisodeReturn = 10, Length = 10 });
        withEpisodes.FinishedEpisodes.Add(new EpisodeStats { EpisodeReturn = 20, Length = 20 });
        await push.SendAsync(withEpisodes);
        await watch.NextAsync().Within();
        time.Advance(TimeSpan.FromSeconds(3));
        var nan = fragments.Batch(registered, 2, version: 1);
        nan.FinishedEpisodes.Add(new EpisodeStats { EpisodeReturn = double.NaN });
        Assert.Equal(AckStatus.Rejected, (await push.SendAsync(nan)).Status);
        await push.SendAsync(fragments.Batch(registered, 3, version: 1));
        await watch.NextAsync().Within();
        var progress = learner.Node.Progress!;
        await learner.Node.StopAsync().Within();
        await learner.Node.Completion.Within();

        var config = Json(Path.Combine(learner.OutDir, "config.json"));
        var lines = File.ReadAllLines(Path.Combine(learner.OutDir, "metrics.jsonl")).Select(l => JsonDocument.Parse(l).RootElement).ToArray();
        var summary = Json(Path.Combine(learner.OutDir, "summary.json"));

        Assert.Equal(learner.Node.RunId, config.GetProperty("run_id").GetString());
        Assert.Equal("ppo", config.GetProperty("algo").GetString());
        Assert.Equal(32, config.GetProperty("ppo").GetProperty("rows_per_update").GetInt32());
        Assert.Equal(2, lines.Length);
        string[] required = ["time_s", "env_steps", "update", "policy_version", "staleness_min", "staleness_mean", "staleness_max",
            "staleness_hist", "samples_per_s", "loss", "approx_kl", "clip_fraction", "ratio_mean", "ess", "explained_variance",
            "rows_dropped", "rejected_batches", "duplicate_batches"];
        Assert.All(lines, line => Assert.All(required, key => Assert.True(line.TryGetProperty(key, out _), $"metrics line lacks '{key}'")));
        Assert.Equal(2.0, lines[0].GetProperty("time_s").GetDouble());
        Assert.Equal(32, lines[0].GetProperty("env_steps").GetInt64());
        Assert.Equal(1, lines[0].GetProperty("update").GetInt64());
        Assert.Equal(1, lines[0].GetProperty("policy_version").GetInt64());
        Assert.Equal(15.0, lines[0].GetProperty("episode_return_mean").GetDouble());
        Assert.Equal(16.0, lines[0].GetProperty("samples_per_s").GetDouble());
        Assert.Equal(17, lines[0].GetProperty("staleness_hist").GetArrayLength());
        Assert.Equal(32, lines[0].GetProperty("staleness_hist")[0].GetInt64());
        Assert.Equal(5.0, lines[1].GetProperty("time_s").GetDouble());
        Assert.False(lines[1].TryGetProperty("episode_return_mean", out _));
        Assert.Equal(1, lines[1].GetProperty("rejected_batches").GetInt64());
        Assert.Equal(2, lines[1].GetProperty("policy_version").GetInt64());
        Assert.Equal(2, progress.Updates);
        Assert.Equal(15.0, progress.ReturnMean);

        Assert.Equal("ppo", summary.GetProperty("algo").GetString());
        Assert.Equal("cartpole", summary.GetProperty("env").GetString());
        Assert.Equal(1ul, summary.GetProperty("seed").GetUInt64());
        Assert.Equal("stopped", summary.GetProperty("reason").GetString());
        Assert.Equal(64, summary.GetProperty("env_steps").GetInt64());
        Assert.Equal(5.0, summary.GetProperty("wall_s").GetDouble());
        Assert.Equal(15.0, summary.GetProperty("final_return_mean").GetDouble());
        Assert.Equal(15.0, summary.GetProperty("final_score").GetDouble());
        Assert.False(summary.GetProperty("solved").GetBoolean());
        Assert.Equal(JsonValueKind.Null, summary.GetProperty("solved_at_env_steps").ValueKind);
        Assert.Equal(JsonValueKind.Null, summary.GetProperty("solved_at_s").ValueKind);
        Assert.Equal(12.8, summary.GetProperty("samples_per_s").GetDouble(), 6);
        Assert.Equal(0, summary.GetProperty("staleness").GetProperty("max").GetInt64());
        Assert.Equal(1, summary.GetProperty("rejected_batches").GetInt64());
    }

    private static JsonElement Json(string path) => JsonDocument.Parse(File.ReadAllText(path)).RootElement;
}
