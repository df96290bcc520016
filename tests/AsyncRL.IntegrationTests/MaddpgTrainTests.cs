using System.Text.Json;

namespace AsyncRL.IntegrationTests;

/// <summary>MADDPG on the particle tasks through the CLI: embedded, as separate processes with a lag, eval, and bad input.</summary>
public sealed class MaddpgTrainTests
{
    [Fact]
    public async Task Train_EmbeddedMaddpg_SimpleSpread_WritesTheRunDirectory_AndEvalScoresTheCheckpoint()
    {
        using var run = RunDirectory.CreateTemp("maddpg");
        using var cli = CliProcess.Start(null, "train", "--algo", "maddpg", "--env", "simple_spread", "--out", run.Path, "--seed", "1", "--steps", "30000");
        Assert.True(await cli.WaitForExitAsync(TimeSpan.FromMinutes(4)) == 0, cli.Output);

        var summary = run.Summary();
        Assert.Equal("maddpg", summary.GetProperty("algo").GetString());
        Assert.Equal("simple_spread", summary.GetProperty("env").GetString());
        Assert.Equal("budget", summary.GetProperty("reason").GetString());
        Assert.True(summary.GetProperty("env_steps").GetInt64() >= 30000, summary.ToString());
        Assert.True(summary.GetProperty("updates").GetInt64() > 0, summary.ToString());
        double final = summary.GetProperty("final_return_mean").GetDouble();
        Assert.Equal(final, summary.GetProperty("final_score").GetDouble());
        using (var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(run.Path, "config.json"))))
        {
            Assert.Equal(3, config.RootElement.GetProperty("env_spec").GetProperty("agent_count").GetInt32());
            Assert.Equal(0.95, config.RootElement.GetProperty("maddpg").GetProperty("gamma").GetDouble(), 6);
            Assert.Equal(256, config.RootElement.GetProperty("maddpg").GetProperty("batch_size").GetInt32());
            Assert.Equal(20.48, config.RootElement.GetProperty("maddpg").GetProperty("samples_per_insert").GetDouble(), 6);
        }
        var metrics = run.Metrics();
        var last = metrics[^1];
        foreach (var key in new[] { "staleness_mean", "loss", "actor_loss", "q_mean", "policy_entropy", "replay_size", "replay_inserts_per_s",
                     "replay_samples_per_s", "policy_lag_mean", "sample_age_mean", "sample_age_max", "agent_2_critic_loss" })
            Assert.True(last.TryGetProperty(key, out _), $"metrics.jsonl lacks {key}: {last}");
        // The summed return is the three agents' (each receives the shared reward, so it is three times one agent's).
        var withReturns = metrics.First(m => m.TryGetProperty("agent_0_return_mean", out _) && m.TryGetProperty("episode_return_mean", out _));
        Assert.Equal(3 * withReturns.GetProperty("agent_0_return_mean").GetDouble(), withReturns.GetProperty("episode_return_mean").GetDouble(), 1);
        Assert.InRange(final, -2000, -200); // random play scores about −690 summed over the agents

        using var eval = CliProcess.Start(null, "eval", "--checkpoint", run.Path, "--episodes", "10");
        Assert.True(await eval.WaitForExitAsync(TimeSpan.FromMinutes(1)) == 0, eval.Output);
        using var result = JsonDocument.Parse(eval.Output.Split('\n').Last(l => l.StartsWith('{')));
        Assert.Equal("maddpg", result.RootElement.GetProperty("algo").GetString());
        var agents = result.RootElement.GetProperty("agent_return_means").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        Assert.Equal(3, agents.Length);
        Assert.Equal(agents.Sum(), result.RootElement.GetProperty("return_mean").GetDouble(), 3);
    }

    [Fact]
    public async Task LearnerAndActorProcesses_MaddpgSimpleTag_WithLag_ReportTeamsAndStaleness()
    {
        using var run = RunDirectory.CreateTemp("maddpg-processes");
        var url = $"http://127.0.0.1:{CliProcess.FreePort()}";
        using var learner = CliProcess.Start(null, "learner", "--algo", "maddpg", "--env", "simple_tag", "--listen", url, "--out", run.Path,
            "--steps", "32000", "--lag", "2");
        using var actor = CliProcess.Start(null, "actor", "--learner", url, "--actors", "2", "--envs-per-actor", "4", "--node-id", "a");
        Assert.True(await learner.WaitForExitAsync(TimeSpan.FromMinutes(4)) == 0, learner.Output + "\nactor:\n" + actor.Output);

        var summary = run.Summary();
        Assert.Equal("maddpg", summary.GetProperty("algo").GetString());
        Assert.Equal("simple_tag", summary.GetProperty("env").GetString());
        Assert.True(summary.GetProperty("env_steps").GetInt64() >= 32000, summary.ToString());
        Assert.Equal(0, summary.GetProperty("rejected_batches").GetInt64());
        var metrics = run.Metrics();
        Assert.Contains(metrics, m => m.TryGetProperty("adversary_return_mean", out _) && m.TryGetProperty("good_return_mean", out _));
        // Actors act exactly two versions behind: no row is fresher than that once two versions exist.
        Assert.All(metrics.Where(m => m.GetProperty("policy_version").GetInt64() >= 4), m => Assert.True(m.GetProperty("staleness_min").GetInt64() >= 2, m.ToString()));
        Assert.Contains(metrics, m => m.GetProperty("sample_age_max").GetDouble() > 0);
    }

    [Theory]
    [InlineData("maddpg --env cartpole", "--algo maddpg needs a multi-agent environment")]
    [InlineData("dqn --env simple_spread", "is a multi-agent task (3 agents): run it with --algo maddpg")]
    [InlineData("ppo --env simple_tag", "is a multi-agent task (4 agents)")]
    [InlineData("maddpg --env simple_spread --env-arg n=3", "takes no arguments")]
    [InlineData("maddpg --env simple_world", "Unknown environment 'simple_world'")]
    public async Task Train_BadMultiAgentArguments_ExitWithAPreciseUsageError(string args, string message)
    {
        string[] argv = ["train", "--algo", .. args.Split(' '), "--out", Path.Combine(Path.GetTempPath(), $"asyncrl-it-bad-{Guid.NewGuid():N}")];
        using var cli = CliProcess.Start(null, argv);
        Assert.Equal(2, await cli.WaitForExitAsync(TimeSpan.FromMinutes(1)));
        Assert.Contains(message, cli.Output, StringComparison.Ordinal);
    }
}
