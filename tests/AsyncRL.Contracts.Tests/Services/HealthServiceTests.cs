using AsyncRL.Contracts.Health.V1;
using AsyncRL.Contracts.Tests.Support;
using AsyncRL.Contracts.Transport;
using ServingStatus = AsyncRL.Contracts.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace AsyncRL.Contracts.Tests.Services;

public sealed class HealthServiceTests : IAsyncLifetime
{
    private readonly HealthService _health = new();
    private GrpcTestServer _server = null!;
    private GrpcChannel _channel = null!;
    private HealthClient _client = null!;

    public async Task InitializeAsync()
    {
        _server = await GrpcTestServer.StartAsync(app => app.MapGrpcService(_health.CreateDefinition()));
        _channel = _server.CreateChannel();
        _client = new HealthClient(_channel);
    }

    public async Task DisposeAsync()
    {
        _channel.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Check_WholeServer_ServingByDefault()
    {
        HealthCheckResponse response = await _client.CheckAsync().Within();

        Assert.Equal(ServingStatus.Serving, response.Status);
    }

    [Fact]
    public async Task Check_UnknownService_NotFound()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() => _client.CheckAsync("asyncrl.v1.Nope").Within());

        Assert.Equal(StatusCode.NotFound, ex.StatusCode);
    }

    [Fact]
    public async Task Watch_StatusChanges_AreStreamedAsTheyHappen()
    {
        // Arrange
        using var call = _client.Watch("asyncrl.v1.Learner");
        await using var updates = call.ResponseStream.GetAsyncEnumerator();

        // Act / Assert: unknown first, then each change.
        Assert.True(await updates.MoveNextAsync().Within());
        Assert.Equal(ServingStatus.ServiceUnknown, updates.Current.Status);
        _health.SetStatus("asyncrl.v1.Learner", ServingStatus.NotServing);
        Assert.True(await updates.MoveNextAsync().Within());
        Assert.Equal(ServingStatus.NotServing, updates.Current.Status);
        _health.SetStatus("asyncrl.v1.Learner", ServingStatus.Serving);
        Assert.True(await updates.MoveNextAsync().Within());
        Assert.Equal(ServingStatus.Serving, updates.Current.Status);
    }

    [Fact]
    public void HealthProto_KeepsThePublicFieldNumbersAndNames()
    {
        var check = HealthReflection.Descriptor.Services.Single();
        Assert.Equal("grpc.health.v1.Health", check.FullName);
        Assert.Equal(1, HealthCheckRequest.Descriptor.FindFieldByName("service").FieldNumber);
        Assert.Equal(1, HealthCheckResponse.Descriptor.FindFieldByName("status").FieldNumber);
        Assert.Equal([0, 1, 2, 3], Enum.GetValues<ServingStatus>().Select(s => (int)s));
        Assert.Equal(["Check", "Watch"], check.Methods.Select(m => m.Name));
        Assert.True(check.FindMethodByName("Watch").IsServerStreaming);
    }
}
