using AsyncRL.Contracts.Tests.Support;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.HealthCheck;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace AsyncRL.Contracts.Tests.Services;

/// <summary>grpc.health.v1 as the learner hosts it: one <see cref="HealthServiceImpl"/> instance whose statuses the node sets.</summary>
public sealed class HealthServiceTests : IAsyncLifetime
{
    private readonly HealthServiceImpl _health = new();
    private GrpcTestServer _server = null!;
    private GrpcChannel _channel = null!;
    private Health.HealthClient _client = null!;

    public async Task InitializeAsync()
    {
        _server = await GrpcTestServer.StartAsync((services, _) => services.AddSingleton(_health), app => app.MapGrpcService<HealthServiceImpl>());
        _channel = _server.CreateChannel();
        _client = new Health.HealthClient(_channel);
    }

    public async Task DisposeAsync()
    {
        _channel.Dispose();
        await _server.DisposeAsync();
    }

    [Theory]
    [InlineData(ServingStatus.Serving)]
    [InlineData(ServingStatus.NotServing)]
    public async Task Check_WholeServerStatusSet_ReturnsIt(ServingStatus status)
    {
        // Arrange
        _health.SetStatus("", status);

        // Act
        HealthCheckResponse response = await _client.CheckAsync(new HealthCheckRequest()).ResponseAsync.Within();

        // Assert
        Assert.Equal(status, response.Status);
    }

    [Fact]
    public async Task Check_UnknownService_NotFound()
    {
        // Arrange
        _health.SetStatus("", ServingStatus.Serving);

        // Act
        var ex = await Assert.ThrowsAsync<RpcException>(() => _client.CheckAsync(new HealthCheckRequest { Service = "asyncrl.v1.Nope" }).ResponseAsync.Within());

        // Assert
        Assert.Equal(StatusCode.NotFound, ex.StatusCode);
    }

    [Fact]
    public async Task Watch_StatusChanges_AreStreamedAsTheyHappen()
    {
        // Arrange
        using var call = _client.Watch(new HealthCheckRequest { Service = LearnerMethods.ServiceName });
        IAsyncStreamReader<HealthCheckResponse> updates = call.ResponseStream;

        // Act / Assert: unknown first, then each change.
        Assert.True(await updates.MoveNext(CancellationToken.None).Within());
        Assert.Equal(ServingStatus.ServiceUnknown, updates.Current.Status);
        _health.SetStatus(LearnerMethods.ServiceName, ServingStatus.NotServing);
        Assert.True(await updates.MoveNext(CancellationToken.None).Within());
        Assert.Equal(ServingStatus.NotServing, updates.Current.Status);
        _health.SetStatus(LearnerMethods.ServiceName, ServingStatus.Serving);
        Assert.True(await updates.MoveNext(CancellationToken.None).Within());
        Assert.Equal(ServingStatus.Serving, updates.Current.Status);
    }
}
