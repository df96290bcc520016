using System.Net;
using System.Security.Cryptography.X509Certificates;
using AsyncRL.Contracts.V1;
using AsyncRL.Tests.Support;
using Grpc.Core;
using Grpc.Net.Client;
using LearnerClient = AsyncRL.Contracts.V1.Learner.LearnerClient;

namespace AsyncRL.IntegrationTests.BadInput;

/// <summary>
/// A TLS learner process met by clients on the wrong footing: one speaking plaintext HTTP/2 to it, one that does not
/// trust its certificate. Both connections fail in the handshake (Kestrel counts the plaintext one as a failed
/// handshake), and a client that trusts the learner's CA is served.
/// </summary>
public sealed class TlsMismatchTests
{
    [Fact]
    public async Task PlaintextClient_AndClientTrustingAnotherCa_FailTheHandshake_ATrustingClientIsServed()
    {
        using var run = RunDirectory.CreateTemp("tls-mismatch");
        using var ca = TestCertificates.CreateCa("asyncrl bad-input ca");
        using var stranger = TestCertificates.CreateCa("some other ca");
        using var server = TestCertificates.CreateServer(ca, ["localhost"], [IPAddress.Loopback]);
        string cert = Path.Combine(run.Path, "tls.crt"), key = Path.Combine(run.Path, "tls.key");
        TestCertificates.WritePem(server, cert, key);
        await using var metrics = await MetricsReceiver.StartAsync();
        int port = CliProcess.FreePort();
        using var learner = await LearnerProcess.StartAsync(metrics, "--listen", $"https://127.0.0.1:{port}", "--out", Path.Combine(run.Path, "out"),
            "--tls-cert", cert, "--tls-key", key, "--no-early-stop", "--steps", "100000000");
        var request = new RegisterRequest { NodeId = "tls", ActorCount = 1 };
        string portTag = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        (string, string)[] handshakeFailed = [("error.type", "tls_handshake_failed"), ("server.port", portTag)];

        using var plaintext = GrpcChannel.ForAddress($"http://127.0.0.1:{port}");
        var plainError = await Assert.ThrowsAsync<RpcException>(() => new LearnerClient(plaintext).RegisterAsync(request).ResponseAsync.WaitAsync(Eventually.Wait));
        using var distrusting = Channel(port, stranger);
        var distrustError = await Assert.ThrowsAsync<RpcException>(() => new LearnerClient(distrusting).RegisterAsync(request).ResponseAsync.WaitAsync(Eventually.Wait));
        using var trusting = Channel(port, ca);
        var reply = await new LearnerClient(trusting).RegisterAsync(request).ResponseAsync.WaitAsync(Eventually.Wait);

        Assert.Equal(StatusCode.Unavailable, plainError.StatusCode);
        Assert.Equal(StatusCode.Internal, distrustError.StatusCode); // Grpc.Net.Client's word for a failed handshake
        Assert.Single(reply.ActorIds);
        // Only the plaintext one fails on the learner's side: under TLS 1.3 the server has finished its handshake before the
        // distrusting client checks the certificate and hangs up, so that connection ends like any other.
        await metrics.WaitForAsync(() => metrics.Total("kestrel.connection.duration", handshakeFailed) >= 1,
            $"a failed handshake ({metrics.Describe("kestrel.connection.duration")})");
        Assert.Equal(1, metrics.Total("kestrel.connection.duration", handshakeFailed));
        Assert.False(learner.HasExited, learner.Output);
    }

    /// <summary>An https channel that trusts only <paramref name="ca"/>.</summary>
    private static GrpcChannel Channel(int port, X509Certificate2 ca) =>
        GrpcChannel.ForAddress($"https://localhost:{port}", new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler
            {
                UseProxy = false,
                SslOptions =
                {
                    RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                    {
                        if (certificate is not X509Certificate2 leaf) return false;
                        using var chain = new X509Chain();
                        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                        chain.ChainPolicy.CustomTrustStore.Add(ca);
                        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                        return chain.Build(leaf);
                    },
                },
            },
        });
}
