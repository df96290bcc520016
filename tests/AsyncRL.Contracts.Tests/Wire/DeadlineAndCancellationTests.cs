using AsyncRL.Contracts.Tests.Interop;
using AsyncRL.Contracts.Tests.Support;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace AsyncRL.Contracts.Tests.Wire;

/// <summary>Deadlines travel as grpc-timeout and bind both sides; cancellation reaches the handler.</summary>
public sealed class DeadlineAndCancellationTests : IAsyncLifetime
{
    private readonly InteropService _interop = new();
    private readonly FaultyService _faulty = new();
    private GrpcTestServer _server = null!;
    private GrpcChannel _channel = null!;
    private Interop.Interop.InteropClient _client = null!;

    public async Task InitializeAsync()
    {
        _server = await GrpcTestServer.StartAsync(
            (services, _) => services.AddSingleton(_interop).AddSingleton(_faulty),
            app =>
            {
                app.MapGrpcService<InteropService>();
                app.MapGrpcService<FaultyService>();
            });
        _channel = _server.CreateChannel();
        _client = new Interop.Interop.InteropClient(_channel);
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
        var deadline = DateTime.UtcNow.AddSeconds(1);

        // Act
        var ex = await Assert.ThrowsAsync<RpcException>(() =>
            _client.EchoAsync(new EchoRequest { WaitForCancellation = true }, deadline: deadline).ResponseAsync.Within());
        StatusCode serverSaw = await _interop.CancellationObserved.Task.Within();

        // Assert: both sides hold the same deadline, so which one acts first is a race: the handler's token is
        // cancelled either by its own deadline or by the client's reset at the client's deadline.
        Assert.Equal(StatusCode.DeadlineExceeded, ex.StatusCode);
        Assert.True(serverSaw is StatusCode.DeadlineExceeded or StatusCode.Cancelled, serverSaw.ToString());
    }

    [Fact]
    public async Task Unary_Deadline_ReachesTheHandler()
    {
        // Arrange
        var deadline = DateTime.UtcNow.AddSeconds(20);

        // Act
        EchoReply reply = await _client.EchoAsync(new EchoRequest(), deadline: deadline).ResponseAsync.Within();

        // Assert
        Assert.True(reply.HasDeadline);
        Assert.InRange(reply.DeadlineRemainingMs, 1, 20_000);
    }

    [Fact]
    public async Task Unary_NoDeadline_HandlerSeesNone()
    {
        // Act
        EchoReply reply = await _client.EchoAsync(new EchoRequest()).ResponseAsync.Within();

        // Assert
        Assert.False(reply.HasDeadline);
    }

    [Fact]
    public async Task Unary_DeadlineAlreadyPassed_FailsWithoutCallingTheServer()
    {
        // Arrange
        int before = _server.RequestsReceived;
        var deadline = DateTime.UtcNow.AddSeconds(-1);

        // Act
        var ex = await Assert.ThrowsAsync<RpcException>(() => _client.EchoAsync(new EchoRequest(), deadline: deadline).ResponseAsync.Within());

        // Assert
        Assert.Equal(StatusCode.DeadlineExceeded, ex.StatusCode);
        Assert.Equal(before, _server.RequestsReceived);
        Assert.Equal(0, _interop.Calls);
    }

    [Fact]
    public async Task Unary_HandlerIgnoresCancellation_ServerStillAnswersAtTheDeadline()
    {
        // Arrange: a raw request with grpc-timeout and no client-side timer, so only the server can end it.
        using var raw = RawGrpc.CreateClient();
        var request = RawGrpc.Request(_server.Address, "/asyncrl.test.v1.Faulty/Stubborn", RawGrpc.Frame(new EchoRequest()),
            headers: ("grpc-timeout", "200m"));

        // Act
        RawResponse response = await RawGrpc.SendAsync(raw, request);
        _faulty.ReleaseStubborn.TrySetResult();

        // Assert
        Assert.Equal("4", response.GrpcStatus);
        Assert.Empty(response.Body);
    }

    [Fact]
    public async Task Unary_CallerCancels_CallerGetsCancelledAndHandlerSeesCancellation()
    {
        // Arrange
        using var cts = new CancellationTokenSource();
        using var call = _client.EchoAsync(new EchoRequest { WaitForCancellation = true }, cancellationToken: cts.Token);
        await _interop.WaitingForCancellation.Task.Within();

        // Act
        await cts.CancelAsync();

        // Assert
        var ex = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync.Within());
        Assert.Equal(StatusCode.Cancelled, ex.StatusCode);
        Assert.Equal(StatusCode.Cancelled, await _interop.CancellationObserved.Task.Within());
    }

    [Fact]
    public async Task Unary_CallerCancelsOnAChannelThatThrowsOperationCanceled_OperationCanceled()
    {
        // Arrange
        using var channel = _server.CreateChannel(new GrpcChannelOptions { ThrowOperationCanceledOnCancellation = true });
        using var cts = new CancellationTokenSource();
        using var call = new Interop.Interop.InteropClient(channel).EchoAsync(new EchoRequest { WaitForCancellation = true }, cancellationToken: cts.Token);
        await _interop.WaitingForCancellation.Task.Within();

        // Act
        await cts.CancelAsync();

        // Assert
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.ResponseAsync.Within());
        Assert.Equal(StatusCode.Cancelled, await _interop.CancellationObserved.Task.Within());
    }

    [Fact]
    public async Task ServerStreaming_ClientDisposesMidStream_ServerHandlerStops()
    {
        // Arrange
        var call = new Faulty.FaultyClient(_channel).Endless(new EchoRequest());
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None).Within());

        // Act
        call.Dispose();

        // Assert: the handler's pending or next write fails once the stream is reset, its token cancelled.
        bool cancelled = await _faulty.EndlessEnded.Task.Within();
        Assert.True(cancelled);
    }

    [Fact]
    public async Task DuplexStreaming_DeadlinePassesMidStream_ReadFailsWithDeadlineExceeded()
    {
        // Arrange
        using var call = _client.Chat(deadline: DateTime.UtcNow.AddSeconds(2));
        await call.RequestStream.WriteAsync(new EchoRequest { Text = "first" }).Within();
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None).Within());

        // Act
        await call.RequestStream.WriteAsync(new EchoRequest { WaitForCancellation = true }).Within();
        var ex = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext(CancellationToken.None).Within());

        // Assert
        Assert.Equal(StatusCode.DeadlineExceeded, ex.StatusCode);
        Assert.Equal(StatusCode.DeadlineExceeded, call.GetStatus().StatusCode);
    }

    [Fact]
    public async Task DuplexStreaming_WriteAfterServerFailed_ThrowsTheServerStatus()
    {
        // Arrange: the first message makes the server end the call with an error.
        using var call = _client.Chat();
        await call.RequestStream.WriteAsync(new EchoRequest { FailCode = (int)StatusCode.PermissionDenied, FailMessage = "no" }).Within();
        var ex = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.ReadAllAsync().ToListWithin());

        // Act
        var writeError = await Assert.ThrowsAsync<RpcException>(() => call.RequestStream.WriteAsync(new EchoRequest()).Within());

        // Assert
        Assert.Equal(StatusCode.PermissionDenied, ex.StatusCode);
        Assert.Equal(StatusCode.PermissionDenied, writeError.StatusCode);
    }
}
