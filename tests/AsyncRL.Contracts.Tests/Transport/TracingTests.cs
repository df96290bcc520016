using System.Collections.Concurrent;
using System.Diagnostics;
using AsyncRL.Contracts.Tests.Interop;
using AsyncRL.Contracts.Tests.Support;
using AsyncRL.Contracts.Transport;

namespace AsyncRL.Contracts.Tests.Transport;

/// <summary>W3C trace context crosses the wire: extracted on the server, injected by the client.</summary>
public sealed class TracingTests : IAsyncLifetime
{
    private static readonly Method<EchoRequest, EchoReply> Probe =
        ProtobufMethod.Create<EchoRequest, EchoReply>(MethodType.Unary, "asyncrl.test.v1.Trace", "Probe");

    private readonly ConcurrentDictionary<string, (ActivityContext Parent, string? ServerActivityParent, ActivityTraceId ServerTrace)> _seen = new();
    private GrpcTestServer _server = null!;
    private GrpcChannel _channel = null!;

    public async Task InitializeAsync()
    {
        var probe = ServiceDefinition.CreateBuilder()
            .AddUnary(Probe, (request, context) =>
            {
                Activity? current = Activity.Current;
                _seen[request.Text] = (context.TraceParent, current?.ParentSpanId.ToHexString(), current?.TraceId ?? default);
                return Task.FromResult(new EchoReply { Text = context.Peer });
            })
            .Build();
        _server = await GrpcTestServer.StartAsync(app => app.MapGrpcService(probe));
        _channel = _server.CreateChannel();
    }

    public async Task DisposeAsync()
    {
        _channel.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Call_ExplicitTraceParent_IsExtractedIntoTheContext()
    {
        // Arrange
        const string traceId = "0af7651916cd43dd8448eb211c80319c";
        var headers = new Metadata { { "traceparent", $"00-{traceId}-b7ad6b7169203331-01" }, { "tracestate", "vendor=1" } };

        // Act
        EchoReply reply = await _channel.UnaryAsync(Probe, new EchoRequest { Text = "explicit" }, new CallOptions(headers)).Within();

        // Assert
        ActivityContext parent = _seen["explicit"].Parent;
        Assert.Equal(traceId, parent.TraceId.ToHexString());
        Assert.Equal("b7ad6b7169203331", parent.SpanId.ToHexString());
        Assert.Equal("vendor=1", parent.TraceState);
        Assert.True(parent.IsRemote);
        Assert.StartsWith("ipv4:127.0.0.1:", reply.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Call_WithListeners_ServerSpanContinuesTheClientSpan()
    {
        // Arrange
        using var source = new ActivitySource("AsyncRL.Contracts.Tests.Tracing");
        var clientSpans = new ConcurrentBag<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name is GrpcTelemetry.Name or "AsyncRL.Contracts.Tests.Tracing",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a => { if (a.Kind == ActivityKind.Client) clientSpans.Add(a); },
        };
        ActivitySource.AddActivityListener(listener);
        using Activity rollout = source.StartActivity("rollout")!;

        // Act
        await _channel.UnaryAsync(Probe, new EchoRequest { Text = "listened" }).Within();

        // Assert: one trace from the caller's span through the client span to the server span.
        var (_, serverParent, serverTrace) = _seen["listened"];
        Activity client = Assert.Single(clientSpans, a => a.TraceId == rollout.TraceId);
        Assert.Equal(rollout.SpanId, client.ParentSpanId);
        Assert.Equal(rollout.TraceId, serverTrace);
        Assert.Equal(client.SpanId.ToHexString(), serverParent);
        Assert.Equal(0, client.GetTagItem("rpc.grpc.status_code"));
        Assert.Same(rollout, Activity.Current); // the client span did not leak into the caller's context
    }
}
