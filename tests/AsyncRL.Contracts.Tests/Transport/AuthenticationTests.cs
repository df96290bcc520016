using AsyncRL.Contracts.Health.V1;
using AsyncRL.Contracts.Tests.Interop;
using AsyncRL.Contracts.Tests.Support;
using AsyncRL.Contracts.Transport;

namespace AsyncRL.Contracts.Tests.Transport;

public sealed class AuthenticationTests : IAsyncLifetime
{
    private const string Secret = "s3cret-token";
    private readonly InteropService _interop = new();
    private readonly HealthService _health = new();
    private GrpcTestServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await GrpcTestServer.StartAsync(app =>
        {
            app.MapGrpcService(_interop.Definition());
            app.MapGrpcService(_health.CreateDefinition());
        }, options => options.Authenticator = new BearerTokenAuthenticator(Secret));
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Theory]
    [InlineData(null, "Missing bearer token.")]
    [InlineData("wrong", "Invalid bearer token.")]
    public async Task Call_WithoutTheRightToken_Unauthenticated(string? token, string detail)
    {
        using var channel = _server.CreateChannel(new GrpcChannelOptions { BearerToken = token });

        var ex = await Assert.ThrowsAsync<RpcException>(() => channel.UnaryAsync(InteropMethods.Echo, new EchoRequest()).Within());

        Assert.Equal(StatusCode.Unauthenticated, ex.StatusCode);
        Assert.Equal(detail, ex.Status.Detail);
    }

    [Fact]
    public async Task Call_WithTheRightToken_Succeeds()
    {
        using var channel = _server.CreateChannel(new GrpcChannelOptions { BearerToken = Secret });

        EchoReply reply = await channel.UnaryAsync(InteropMethods.Echo, new EchoRequest { Text = "in" }).Within();

        Assert.Equal("in", reply.Text);
    }

    [Fact]
    public async Task HealthCheck_AllowsAnonymousCalls()
    {
        using var channel = _server.CreateChannel();

        HealthCheckResponse response = await new HealthClient(channel).CheckAsync().Within();

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, response.Status);
    }
}
