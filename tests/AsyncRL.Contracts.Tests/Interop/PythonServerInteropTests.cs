using System.Diagnostics;
using AsyncRL.Contracts.Tests.Support;
using AsyncRL.Contracts.Transport;
using Google.Protobuf;

namespace AsyncRL.Contracts.Tests.Interop;

/// <summary>A grpcio server (interop_server.py) running for the tests of one class.</summary>
public sealed class PythonServerFixture : IAsyncLifetime
{
    private Process? _process;

    /// <summary>http://127.0.0.1:port of the Python server (null where Python with grpcio is absent).</summary>
    public Uri? Address { get; private set; }

    public async Task InitializeAsync()
    {
        if (PythonGrpc.Interpreter is null) return;
        _process = PythonGrpc.Start("interop_server.py", ["--descriptors", PythonGrpc.DescriptorSetPath]);
        string? line = await _process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));
        if (line is null || !line.StartsWith("PORT ", StringComparison.Ordinal))
        {
            string error = await _process.StandardError.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(10));
            throw new InvalidOperationException($"interop_server.py did not start: {line} {error}");
        }
        Address = new Uri($"http://127.0.0.1:{line[5..]}");
    }

    public async Task DisposeAsync()
    {
        if (_process is null) return;
        _process.StandardInput.Close(); // the server stops when its stdin closes
        try
        {
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(15));
        }
        catch (TimeoutException)
        {
            _process.Kill(entireProcessTree: true);
        }
        _process.Dispose();
    }
}

/// <summary>Our client calls a real gRPC implementation (grpcio): every call shape, statuses, deadlines, metadata.</summary>
public sealed class PythonServerInteropTests(PythonServerFixture python) : IClassFixture<PythonServerFixture>
{
    private GrpcChannel Channel() => GrpcChannel.ForAddress(python.Address!);

    [RequiresPythonGrpcFact]
    public async Task Unary_EchoWithMetadata_RoundTrips()
    {
        // Arrange
        using var channel = Channel();
        byte[] blob = [0, 1, 254, 255];
        var headers = new Metadata { { "x-text", "hello" }, { "x-blob-bin", blob }, { "x-want-headers", "1" } };

        // Act
        using var call = channel.StartUnary(InteropMethods.Echo, new EchoRequest { Text = "to python", Payload = ByteString.CopyFrom(new byte[1000]) }, new CallOptions(headers));
        EchoReply reply = await call.ResponseAsync.Within();
        Metadata responseHeaders = await call.ResponseHeadersAsync.Within();

        // Assert
        Assert.Equal("to python", reply.Text);
        Assert.Equal(1000, reply.Payload.Length);
        Assert.Equal("hello", reply.Metadata["x-text"]);
        Assert.Equal("early", responseHeaders.GetValue("x-server-header"));
        Assert.Equal(blob, call.GetTrailers().GetValueBytes("x-blob-bin"));
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
    }

    [RequiresPythonGrpcTheory]
    [InlineData(StatusCode.NotFound, "nicht gefunden ✓ 100%")]
    [InlineData(StatusCode.InvalidArgument, "column 'obs': expected shape [*,4]")]
    [InlineData(StatusCode.Unauthenticated, "who are you?")]
    public async Task Unary_ServerAborts_CodeAndMessageArrive(StatusCode code, string message)
    {
        using var channel = Channel();

        var ex = await Assert.ThrowsAsync<RpcException>(() =>
            channel.UnaryAsync(InteropMethods.Echo, new EchoRequest { FailCode = (int)code, FailMessage = message }).Within());

        Assert.Equal(code, ex.StatusCode);
        Assert.Equal(message, ex.Status.Detail);
    }

    [RequiresPythonGrpcFact]
    public async Task ServerStreaming_64MiBInMiBChunks_ArrivesIntact()
    {
        // Arrange
        const long total = 64L * 1024 * 1024;
        using var channel = Channel();
        using var call = channel.ServerStreaming(InteropMethods.Download, new DownloadRequest { TotalBytes = total, ChunkSize = 1024 * 1024 });
        long received = 0;
        bool intact = true;

        // Act
        await foreach (Chunk chunk in call.ResponseStream.WithCancellation(new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token))
        {
            intact &= chunk.Offset == received && Pattern.Check(chunk.Data.Span, chunk.Offset);
            received += chunk.Data.Length;
        }

        // Assert
        Assert.Equal(total, received);
        Assert.True(intact);
    }

    [RequiresPythonGrpcFact]
    public async Task ClientStreaming_64MiBInMiBChunks_ArrivesIntact()
    {
        // Arrange
        const int chunk = 1024 * 1024;
        using var channel = Channel();
        using var call = channel.ClientStreaming(InteropMethods.Upload);
        byte[] block = new byte[chunk];

        // Act
        for (long offset = 0; offset < 64L * chunk; offset += chunk)
        {
            Pattern.Fill(block, offset);
            await call.RequestStream.WriteAsync(new Chunk { Offset = offset, Data = ByteString.CopyFrom(block) }).Within();
        }
        await call.RequestStream.CompleteAsync().Within();
        UploadSummary summary = await call.ResponseAsync.Within(TimeSpan.FromSeconds(60));

        // Assert
        Assert.Equal(64L * chunk, summary.TotalBytes);
        Assert.Equal(64, summary.Chunks);
        Assert.True(summary.PatternOk);
    }

    [RequiresPythonGrpcFact]
    public async Task DuplexStreaming_PingPong_EachReplyBeforeTheNextRequest()
    {
        using var channel = Channel();
        using var call = channel.DuplexStreaming(InteropMethods.Chat);
        await using var replies = call.ResponseStream.GetAsyncEnumerator();

        for (int i = 0; i < 5; i++)
        {
            await call.RequestStream.WriteAsync(new EchoRequest { Text = $"m{i}" }).Within();
            Assert.True(await replies.MoveNextAsync().Within());
            Assert.Equal($"m{i}", replies.Current.Text);
        }
        await call.RequestStream.CompleteAsync().Within();

        Assert.False(await replies.MoveNextAsync().Within());
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
    }

    [RequiresPythonGrpcFact]
    public async Task ServerStreaming_AbortAfterMessages_MessagesThenStatus()
    {
        using var channel = Channel();
        using var call = channel.ServerStreaming(InteropMethods.Download,
            new DownloadRequest { TotalBytes = 10_000, ChunkSize = 1000, FailAfterChunks = 3, FailCode = (int)StatusCode.DataLoss });
        var received = new List<Chunk>();

        var ex = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            await foreach (Chunk chunk in call.ResponseStream) received.Add(chunk);
        }).Within();

        Assert.Equal(3, received.Count);
        Assert.Equal(StatusCode.DataLoss, ex.StatusCode);
        Assert.Equal("failed after 3 chunks", ex.Status.Detail);
    }

    [RequiresPythonGrpcFact]
    public async Task Unary_DeadlinePasses_DeadlineExceeded()
    {
        using var channel = Channel();
        var options = new CallOptions(Deadline: DateTimeOffset.UtcNow.AddMilliseconds(300));

        var ex = await Assert.ThrowsAsync<RpcException>(() =>
            channel.UnaryAsync(InteropMethods.Echo, new EchoRequest { WaitForCancellation = true }, options).Within());

        Assert.Equal(StatusCode.DeadlineExceeded, ex.StatusCode);
    }

    [RequiresPythonGrpcFact]
    public async Task Unary_Deadline_IsSentAsGrpcTimeout()
    {
        using var channel = Channel();

        EchoReply reply = await channel.UnaryAsync(InteropMethods.Echo, new EchoRequest(), new CallOptions(Deadline: DateTimeOffset.UtcNow.AddSeconds(20))).Within();

        Assert.True(reply.HasDeadline);
        Assert.InRange(reply.DeadlineRemainingMs, 1, 20_000);
    }

    [RequiresPythonGrpcFact]
    public async Task Unary_UnknownMethod_Unimplemented()
    {
        using var channel = Channel();
        var missing = ProtobufMethod.Create<EchoRequest, EchoReply>(MethodType.Unary, InteropMethods.Service, "NoSuchMethod");

        var ex = await Assert.ThrowsAsync<RpcException>(() => channel.UnaryAsync(missing, new EchoRequest()).Within());

        Assert.Equal(StatusCode.Unimplemented, ex.StatusCode);
    }

    [RequiresPythonGrpcFact]
    public async Task Unary_ResponseOverOurLimit_ResourceExhausted()
    {
        using var channel = GrpcChannel.ForAddress(python.Address!, new GrpcChannelOptions { MaxReceiveMessageSize = 100_000 });

        var ex = await Assert.ThrowsAsync<RpcException>(() =>
            channel.UnaryAsync(InteropMethods.Echo, new EchoRequest { ReplyPayloadSize = 200_000 }).Within());

        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
    }

    [RequiresPythonGrpcFact]
    public async Task Unary_CallerCancels_OperationCanceled()
    {
        using var channel = Channel();
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            channel.UnaryAsync(InteropMethods.Echo, new EchoRequest { WaitForCancellation = true }, new CallOptions(CancellationToken: cts.Token)).Within());
    }
}
