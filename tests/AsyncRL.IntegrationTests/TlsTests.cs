using System.Net;
using Grpc.Health.V1;
using Grpc.Net.Client;
using AsyncRL.Tests.Support;

namespace AsyncRL.IntegrationTests;

/// <summary>The learner serves TLS from PEM files (as a Kubernetes TLS Secret mounts them); actors trust a private CA.</summary>
public sealed class TlsTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task TlsLearner_ActorTrustingItsCa_Trains_ActorTrustingAnotherCa_IsRefused_HealthStaysPlaintext()
    {
        using var run = RunDirectory.CreateTemp("tls");
        using var ca = TestCertificates.CreateCa("asyncrl test ca");
        using var stranger = TestCertificates.CreateCa("another ca");
        using var server = TestCertificates.CreateServer(ca, ["localhost"], [IPAddress.Loopback]);
        string tls = Directory.CreateDirectory(Path.Combine(run.Path, "tls")).FullName;
        TestCertificates.WritePem(server, Path.Combine(tls, "tls.crt"), Path.Combine(tls, "tls.key"));
        TestCertificates.WritePem(ca, Path.Combine(tls, "ca.crt"));
        TestCertificates.WritePem(stranger, Path.Combine(tls, "stranger.crt"));
        int port = CliProcess.FreePort(), healthPort = CliProcess.FreePort();

        using var learner = CliProcess.Start(null, "learner", "--listen", $"https://127.0.0.1:{port}", "--out", Path.Combine(run.Path, "out"),
            "--tls-cert", Path.Combine(tls, "tls.crt"), "--tls-key", Path.Combine(tls, "tls.key"), "--health-port", healthPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--no-early-stop", "--steps", "100000000", "--rows-per-update", "256");
        using var trusting = CliProcess.Start(null, "actor", "--learner", $"https://localhost:{port}", "--tls-ca", Path.Combine(tls, "ca.crt"), "--actors", "1", "--node-id", "trusting");
        using var refused = CliProcess.Start(null, "actor", "--learner", $"https://localhost:{port}", "--tls-ca", Path.Combine(tls, "stranger.crt"), "--actors", "1", "--node-id", "refused");
        string Output() => $"learner:\n{learner.Output}\ntrusting actor:\n{trusting.Output}\nrefused actor:\n{refused.Output}";

        var outRun = new RunDirectory(Path.Combine(run.Path, "out"));
        var metrics = await outRun.WaitForMetricsAsync(m => m[^1].GetProperty("update").GetInt64() >= 10, Wait, Output);

        Assert.Contains($"listening on https://127.0.0.1:{port}", learner.Output, StringComparison.Ordinal);
        // Kubernetes' gRPC probes speak plaintext: the health port stays h2c beside the TLS port.
        using var healthChannel = GrpcChannel.ForAddress(new Uri($"http://127.0.0.1:{healthPort}"));
        var health = await new Health.HealthClient(healthChannel).CheckAsync(new HealthCheckRequest()).ResponseAsync.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, health.Status);
        Assert.True(metrics[^1].GetProperty("policy_version").GetInt64() > 1, Output());
        // The actor whose CA did not sign the learner's certificate never got a batch through.
        Assert.DoesNotContain("accepted 1", refused.Output, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"accepted [1-9]", refused.Output);
        Assert.False(refused.HasExited, Output());
    }
}
