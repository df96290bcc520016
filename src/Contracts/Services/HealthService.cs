using System.Threading.Channels;
using AsyncRL.Contracts.Transport;
using ServingStatus = AsyncRL.Contracts.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace AsyncRL.Contracts.Health.V1;

/// <summary>The methods of <c>grpc.health.v1.Health</c>.</summary>
public static class HealthMethods
{
    /// <summary>The fully qualified service name.</summary>
    public const string ServiceName = "grpc.health.v1.Health";

    /// <summary>Asks for a service's status once.</summary>
    public static Method<HealthCheckRequest, HealthCheckResponse> Check { get; } =
        ProtobufMethod.Create<HealthCheckRequest, HealthCheckResponse>(MethodType.Unary, ServiceName, "Check");

    /// <summary>Streams a service's status: now, and at every change.</summary>
    public static Method<HealthCheckRequest, HealthCheckResponse> Watch { get; } =
        ProtobufMethod.Create<HealthCheckRequest, HealthCheckResponse>(MethodType.ServerStreaming, ServiceName, "Watch");
}

/// <summary>
/// The standard gRPC health service (what Kubernetes gRPC probes and grpc_health_probe call). Holds a
/// status per service name; the empty name is the server as a whole and starts as SERVING.
/// Map it with <c>app.MapGrpcService(health.CreateDefinition())</c>; it skips authentication.
/// </summary>
public sealed class HealthService
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, ServingStatus> _statuses = new(StringComparer.Ordinal) { [""] = ServingStatus.Serving };
    private readonly List<(string Service, Channel<ServingStatus> Updates)> _watchers = [];

    /// <summary>Sets the status of <paramref name="service"/> ("" for the whole server) and tells its watchers.</summary>
    public void SetStatus(string service, ServingStatus status)
    {
        ArgumentNullException.ThrowIfNull(service);
        lock (_lock)
        {
            _statuses[service] = status;
            foreach (var (name, updates) in _watchers)
            {
                if (name == service) updates.Writer.TryWrite(status);
            }
        }
    }

    /// <summary>The current status of <paramref name="service"/>, or null when it is unknown.</summary>
    public ServingStatus? GetStatus(string service)
    {
        lock (_lock)
        {
            return _statuses.TryGetValue(service, out ServingStatus status) ? status : null;
        }
    }

    /// <summary>The service definition to map.</summary>
    public ServiceDefinition CreateDefinition() => ServiceDefinition.CreateBuilder()
        .AddUnary(HealthMethods.Check, CheckAsync)
        .AddServerStreaming(HealthMethods.Watch, WatchAsync)
        .AllowAnonymous()
        .Build();

    private Task<HealthCheckResponse> CheckAsync(HealthCheckRequest request, ServerCallContext context)
    {
        // The protocol answers NOT_FOUND for a service the server does not know.
        ServingStatus status = GetStatus(request.Service)
            ?? throw new RpcException(StatusCode.NotFound, $"Unknown service '{request.Service}'.");
        return Task.FromResult(new HealthCheckResponse { Status = status });
    }

    private async Task WatchAsync(HealthCheckRequest request, IServerStreamWriter<HealthCheckResponse> responses, ServerCallContext context)
    {
        // Only the latest status matters to a watcher, so a slow one sees the newest, never a backlog.
        var updates = Channel.CreateBounded<ServingStatus>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropOldest });
        var registration = (request.Service, updates);
        lock (_lock)
        {
            updates.Writer.TryWrite(_statuses.TryGetValue(request.Service, out ServingStatus current) ? current : ServingStatus.ServiceUnknown);
            _watchers.Add(registration);
        }
        try
        {
            ServingStatus? last = null;
            await foreach (ServingStatus status in updates.Reader.ReadAllAsync(context.CancellationToken).ConfigureAwait(false))
            {
                if (status == last) continue;
                last = status;
                await responses.WriteAsync(new HealthCheckResponse { Status = status }, context.CancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            lock (_lock)
            {
                _watchers.Remove(registration);
            }
        }
    }
}

/// <summary>A typed client of <c>grpc.health.v1.Health</c>.</summary>
public sealed class HealthClient
{
    private readonly GrpcChannel _channel;

    /// <summary>A client that calls through <paramref name="channel"/> (not owned).</summary>
    public HealthClient(GrpcChannel channel)
    {
        ArgumentNullException.ThrowIfNull(channel);
        _channel = channel;
    }

    /// <summary>The status of <paramref name="service"/> ("" for the whole server).</summary>
    public Task<HealthCheckResponse> CheckAsync(string service = "", CallOptions options = default) =>
        _channel.UnaryAsync(HealthMethods.Check, new HealthCheckRequest { Service = service }, options);

    /// <summary>Watches the status of <paramref name="service"/>.</summary>
    public ServerStreamingCall<HealthCheckResponse> Watch(string service = "", CallOptions options = default) =>
        _channel.ServerStreaming(HealthMethods.Watch, new HealthCheckRequest { Service = service }, options);
}
