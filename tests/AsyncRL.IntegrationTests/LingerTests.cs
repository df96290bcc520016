using Grpc.Health.V1;
using Grpc.Net.Client;

namespace AsyncRL.IntegrationTests;

/// <summary>
/// <c>--linger</c>: after the run finishes, learner and actor stay up idle until stopped, instead of exiting into
/// a supervisor (a Kubernetes StatefulSet or Deployment) that would start them again on the finished run.
/// </summary>
public sealed class LingerTests
{
    [Fact]
    public async Task FinishedRun_WithLinger_LearnerAndActorStayUpUntilSigterm_ThenExitCleanly()
    {
        using var run = RunDirectory.CreateTemp("linger");
        int port = CliProcess.FreePort(), healthPort = CliProcess.FreePort();
        using var learner = CliProcess.Start(null, "learner", "--listen", $"http://127.0.0.1:{port}", "--health-port", healthPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--out", run.Path, "--steps", "2000", "--no-early-stop", "--rows-per-update", "256", "--linger");
        using var actor = CliProcess.Start(null, "actor", "--learner", $"http://127.0.0.1:{port}", "--actors", "1", "--node-id", "a", "--linger");
        string Output() => $"learner:\n{learner.Output}\nactor:\n{actor.Output}";

        await Eventually.UntilAsync(() => learner.Output.Contains("lingering", StringComparison.Ordinal) && actor.Output.Contains("lingering", StringComparison.Ordinal), Output);
        await Task.Delay(TimeSpan.FromSeconds(1));

        // Both are still there, the learner's health port still answers, and summary.json is written.
        Assert.False(learner.HasExited, Output());
        Assert.False(actor.HasExited, Output());
        Assert.Contains("run finished", actor.Output, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(run.Path, "summary.json")), Output());
        using var channel = GrpcChannel.ForAddress(new Uri($"http://127.0.0.1:{healthPort}"));
        var health = await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest()).ResponseAsync.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, health.Status);

        // SIGTERM ends them in order: a clean exit, not the signal's 143.
        actor.Terminate();
        learner.Terminate();
        Assert.Equal(0, await actor.WaitForExitAsync(Eventually.Wait));
        Assert.Equal(0, await learner.WaitForExitAsync(Eventually.Wait));
        Assert.DoesNotContain("Unhandled exception", Output(), StringComparison.Ordinal);
    }
}
