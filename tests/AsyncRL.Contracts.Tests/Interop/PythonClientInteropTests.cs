using System.Security.Cryptography.X509Certificates;
using AsyncRL.Contracts.Tests.Support;
using Grpc.HealthCheck;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace AsyncRL.Contracts.Tests.Interop;

/// <summary>Our servers (cleartext, TLS, with authentication) for the grpcio client to call.</summary>
public sealed class OurServersFixture : IAsyncLifetime
{
    public const string Token = "interop-token";

    internal GrpcTestServer Plain { get; private set; } = null!;

    internal GrpcTestServer Tls { get; private set; } = null!;

    internal GrpcTestServer Authenticated { get; private set; } = null!;

    public string RootCertificatePath { get; } = Path.Combine(Path.GetTempPath(), $"asyncrl-interop-{Environment.ProcessId}-root.pem");

    public async Task InitializeAsync()
    {
        File.WriteAllText(RootCertificatePath, TestCertificates.LocalhostPem);
        Plain = await StartAsync(null, null);
        Tls = await StartAsync(TestCertificates.Localhost, null);
        Authenticated = await StartAsync(null, Token);
    }

    public async Task DisposeAsync()
    {
        await Plain.DisposeAsync();
        await Tls.DisposeAsync();
        await Authenticated.DisposeAsync();
        File.Delete(RootCertificatePath);
    }

    /// <summary>The interop service and health (anonymous even where the interop service needs the token).</summary>
    private static Task<GrpcTestServer> StartAsync(X509Certificate2? certificate, string? token)
    {
        var health = new HealthServiceImpl();
        health.SetStatus("", ServingStatus.Serving);
        return GrpcTestServer.StartInteropAsync(new InteropService(), health, token, certificate: certificate);
    }
}

/// <summary>A real gRPC implementation (grpcio) calls our server: every call shape, statuses, deadlines, metadata.</summary>
public sealed class PythonClientInteropTests(OurServersFixture servers) : IClassFixture<OurServersFixture>
{
    [RequiresPythonGrpcTheory]
    [InlineData("unary")]
    [InlineData("server_streaming")]
    [InlineData("client_streaming")]
    [InlineData("bidi")]
    [InlineData("status")]
    [InlineData("stream_error")]
    [InlineData("deadline")]
    [InlineData("deadline_propagation")]
    [InlineData("unimplemented")]
    [InlineData("too_large")]
    [InlineData("health")]
    public async Task GrpcioClient_CallsOurServer_CaseBehavesPerSpec(string testCase)
    {
        await RunCaseAsync(servers.Plain, testCase);
    }

    [RequiresPythonGrpcFact]
    public async Task GrpcioClient_OverTls_UnaryAndStreamingWork()
    {
        await RunCaseAsync(servers.Tls, "unary", "--root-cert", servers.RootCertificatePath);
        await RunCaseAsync(servers.Tls, "bidi", "--root-cert", servers.RootCertificatePath);
    }

    [RequiresPythonGrpcFact]
    public async Task GrpcioClient_BearerToken_CheckedByOurServer()
    {
        await RunCaseAsync(servers.Authenticated, "unary", "--token", OurServersFixture.Token);
        await RunCaseAsync(servers.Authenticated, "unauthenticated");
        await RunCaseAsync(servers.Authenticated, "health"); // probes need no token
    }

    private static async Task RunCaseAsync(GrpcTestServer server, string testCase, params string[] extra)
    {
        // Arrange
        string[] arguments = ["--target", $"127.0.0.1:{server.Address.Port}", "--descriptors", PythonGrpc.DescriptorSetPath, "--case", testCase, .. extra];

        // Act
        var (exitCode, output, error) = await PythonGrpc.RunAsync("interop_client.py", arguments, TimeSpan.FromSeconds(90));

        // Assert
        Assert.True(exitCode == 0, $"case {testCase}: exit {exitCode}\nstdout: {output}\nstderr: {error}");
        Assert.Contains("\"ok\": true", output, StringComparison.Ordinal);
    }
}
