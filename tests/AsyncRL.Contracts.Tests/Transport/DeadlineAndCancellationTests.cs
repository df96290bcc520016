using AsyncRL.Contracts.Tests.Interop;
using AsyncRL.Contracts.Tests.Support;
using AsyncRL.Contracts.Transport;

namespace AsyncRL.Contracts.Tests.Transport;

/// <summary>Deadlines travel as grpc-timeout and bind both sides; cancellation reaches the handler.</summary>
public sealed class DeadlineAndCancellationTests : IAsyncLifetime
{
    private readonly InteropService _interop = new();
    private readonly FaultyService _faulty = new();
    private GrpcTestServer _server = null!;
    private GrpcChannel _channel = null!;

    public async Task InitializeAsync()
    {
        _server = await GrpcTestServer.StartAsync(app =>
        {
            app.MapGrpcService(_interop.Definition());
            app.MapGrpcService(_faulty.Definition());
        });
        _channel = _server.CreateChannel();
    }

    public async Task DisposeAsync()
    {
        _faulty.ReleaseStubborn.TrySetResult();
        _channel.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Unary_DeadlinePasses_ClientGetsDeadlineExceededAndHandlerIsCancelled()
    {
        // Arrange
        // (long enough for the handler to start even on a loaded machine: the test waits for it to see the end)
        var options = new CallOptions(Deadline: DateTimeOffset.UtcNow.AddSeconds(1));

        // Act
        var ex = await Assert.ThrowsAsync<RpcException>(() =>
            _channel.UnaryAsync(InteropMethods.Echo, new EchoRequest { WaitForCancellation = true }, options).Within());
        StatusCode serverSaw = await _interop.CancellationObserved.Task.Within();

        // Assert: both sides hold the same deadline, so which one acts first is a race: the handler's token is
        // cancelled either by its own deadline or by the client's reset at the client's deadline.
        Assert.Equal(StatusCode.DeadlineExceeded, ex.StatusCode);
        Assert.True(serverSaw is StatusCode.DeadlineExceeded or StatusCode.Cancelled, serverSaw.ToString());
    }

    [Fact]
    public async Task Unary_Deadline_ReachesTheHandler()
    {
        var options = new CallOptions(Deadline: DateTimeOffset.UtcNow.AddSeconds(20));

        EchoReply reply = await _channel.UnaryAsync(InteropMethods.Echo, new EchoRequest(), options).Within();

        Assert.True(reply.HasDeadline);
        Assert.InRange(reply.DeadlineRemainingMs, 1, 20_000);
    }

    [Fact]
    public async Task Unary_DeadlineAlreadyPassed_FailsWithoutCallingTheServer()
    {
        long before = _server.Metrics.Sum("asyncrl.rpc.server.calls");
        var options = new CallOptions(Deadline: DateTimeOffset.UtcNow.AddSeconds(-1));

        var ex = await Assert.ThrowsAsync<RpcException>(() => _channel.UnaryAsync(InteropMethods.Echo, new EchoRequest(), options).Within());

        Assert.Equal(StatusCode.DeadlineExceeded, ex.StatusCode);
        Assert.Equal(before, _server.Metrics.Sum("asyncrl.rpc.server.calls"));
    }

    [Fact]
    public async Task Unary_HandlerIgnoresCancellation_ServerStillAnswersAtTheDeadline()
    {
        // Arrange: a raw request with grpc-timeout and no client-side timer, so only the server can end it.
        using var raw = RawGrpc.CreateClient();
        var request = RawGrpc.Request(_server.Address, FaultyService.Stubborn.FullName, RawGrpc.Frame(new EchoRequest()),
            headers: ("grpc-timeout", "200m"));

        // Act
        RawResponse response = await RawGrpc.SendAsync(raw, request);
        _faulty.ReleaseStubborn.TrySetResult();

        // Assert
        Assert.Equal("4", response.GrpcStatus);
        Assert.Empty(response.Body);
    }

    [Fact]
    public async Task Unary_CallerCancels_CallerGetsOperationCanceledAndHandlerSeesCancellation()
    {
        // Arrange
        using var cts = new CancellationTokenSource();
        Task<EchoReply> call = _channel.UnaryAsync(InteropMethods.Echo, new EchoRequest { WaitForCancellation = true }, new CallOptions(CancellationToken: cts.Token));
        await _interop.WaitingForCancellation.Task.Within();

        // Act
        await cts.CancelAsync();

        // Assert
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.Within());
        Assert.Equal(StatusCode.Cancelled, await _interop.CancellationObserved.Task.Within());
    }

    [Fact]
    public async Task ServerStreaming_ClientDisposesMidStream_ServerHandlerStops()
    {
        // Arrange
        var call = _channel.ServerStreaming(FaultyService.Endless, new EchoRequest());
        await using (var responses = call.ResponseStream.GetAsyncEnumerator())
        {
            Assert.True(await responses.MoveNextAsync().Within());
        }

        // Act
        call.Dispose();

        // Assert: the handler's pending write or next write fails once the stream is reset.
        string ended = await _faulty.EndlessEnded.Task.Within();
        Assert.Contains("Cancel", ended, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DuplexStreaming_DeadlinePassesMidStream_ReadFailsWithDeadlineExceeded()
    {
        // Arrange
        using var call = _channel.DuplexStreaming(InteropMethods.Chat, new CallOptions(Deadline: DateTimeOffset.UtcNow.AddSeconds(2)));
        await using var replies = call.ResponseStream.GetAsyncEnumerator();
        await call.RequestStream.WriteAsync(new EchoRequest { Text = "first" }).Within();
        Assert.True(await replies.MoveNextAsync().Within());

        // Act
        await call.RequestStream.WriteAsync(new EchoRequest { WaitForCancellation = true }).Within();
        var ex = await Assert.ThrowsAsync<RpcException>(async () => await replies.MoveNextAsync().Within());

        // Assert
        Assert.Equal(StatusCode.DeadlineExceeded, ex.StatusCode);
        Assert.Equal(StatusCode.DeadlineExceeded, call.GetStatus().StatusCode);
    }

    [Fact]
    public async Task DuplexStreaming_WriteAfterServerFailed_ThrowsTheServerStatus()
    {
        // Arrange: the first message makes the server end the call with an error.
        using var call = _channel.DuplexStreaming(InteropMethods.Chat);
        await call.RequestStream.WriteAsync(new EchoRequest { FailCode = (int)StatusCode.PermissionDenied, FailMessage = "no" }).Within();
        var ex = await Assert.ThrowsAsync<RpcException>(async () => await call.ResponseStream.ToListWithin());

        // Act
        var writeError = await Assert.ThrowsAsync<RpcException>(() => call.RequestStream.WriteAsync(new EchoRequest()).Within());

        // Assert
        Assert.Equal(StatusCode.PermissionDenied, ex.StatusCode);
        Assert.Equal(StatusCode.PermissionDenied, writeError.StatusCode);
    }
}
