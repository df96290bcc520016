using AsyncRL.Contracts.Tests.Interop;
using AsyncRL.Contracts.Tests.Support;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Health.V1;
using Grpc.HealthCheck;
using Grpc.Net.Client;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace AsyncRL.Contracts.Tests.Wire;

/// <summary>The bearer-token interceptor on the interop service only, as the learner has it: health stays anonymous.</summary>
public sealed class AuthenticationTests : IAsyncLifetime
{
    private const string Secret = "s3cret-token";
    private readonly InteropService _interop = new();
    private readonly HealthServiceImpl _health = new();
    private GrpcTestServer _server = null!;
    private GrpcChannel _channel = null!;

    public async Task InitializeAsync()
    {
        _health.SetStatus("", ServingStatus.Serving);
        _server = await GrpcTestServer.StartInteropAsync(_interop, _health, token: Secret);
        _channel = _server.CreateChannel();
    }

    public async Task DisposeAsync()
    {
        _channel.Dispose();
        await _server.DisposeAsync();
    }

    [Theory]
    [InlineData(null, "missing bearer token")]
    [InlineData("Bearer wrong", "invalid bearer token")]
    [InlineData("Bearer " + Secret + "x", "invalid bearer token")]
    [InlineData("Basic czNjcmV0LXRva2Vu", "authorization is not a bearer token")]
    public async Task Unary_WithoutTheRightToken_UnauthenticatedAndHandlerNeverRuns(string? authorization, string detail)
    {
        // Arrange
        var client = new Interop.Interop.InteropClient(WithAuthorization(authorization));

        // Act
        var ex = await Assert.ThrowsAsync<RpcException>(() => client.EchoAsync(new EchoRequest { Text = "in" }).ResponseAsync.Within());

        // Assert
        Assert.Equal(StatusCode.Unauthenticated, ex.StatusCode);
        Assert.Equal(detail, ex.Status.Detail);
        Assert.Equal(0, _interop.Calls);
    }

    [Fact]
    public async Task DuplexStreaming_WrongToken_UnauthenticatedAndHandlerNeverRuns()
    {
        // Arrange
        var client = new Interop.Interop.InteropClient(WithAuthorization("Bearer wrong"));
        using var call = client.Chat();

        // Act
        var ex = await Assert.ThrowsAsync<RpcException>(async () => await call.ResponseStream.MoveNext(CancellationToken.None).Within());

        // Assert
        Assert.Equal(StatusCode.Unauthenticated, ex.StatusCode);
        Assert.Equal(0, _interop.Calls);
    }

    [Fact]
    public async Task Unary_WithTheRightToken_Succeeds()
    {
        // Arrange
        var client = new Interop.Interop.InteropClient(WithAuthorization("Bearer " + Secret));

        // Act
        EchoReply reply = await client.EchoAsync(new EchoRequest { Text = "in" }).ResponseAsync.Within();

        // Assert
        Assert.Equal("in", reply.Text);
        Assert.Equal(1, _interop.Calls);
    }

    [Fact]
    public async Task HealthCheck_NoToken_AnonymousCallServed()
    {
        // Arrange
        var client = new Health.HealthClient(_channel);

        // Act
        HealthCheckResponse response = await client.CheckAsync(new HealthCheckRequest()).ResponseAsync.Within();

        // Assert
        Assert.Equal(ServingStatus.Serving, response.Status);
    }

    /// <summary>The channel's calls with an authorization header, as actors add theirs (none when null).</summary>
    private CallInvoker WithAuthorization(string? authorization) =>
        _channel.Intercept(metadata =>
        {
            if (authorization is not null) metadata.Add("authorization", authorization);
            return metadata;
        });
}
