using System.Diagnostics;
using AsyncRL.Contracts.Tests.Support;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;

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
    private GrpcChannel Channel(GrpcChannelOptions? options = null) => GrpcChannel.ForAddress(python.Address!, options ?? new GrpcChannelOptions());

    private static Interop.InteropClient Client(GrpcChannel channel) => new(channel);

    [RequiresPythonGrpcFact]
    public async Task Unary_EchoWithMetadata_RoundTrips()
    {
        // Arrange
        using var channel = Channel();
        byte[] blob = [0, 1, 254, 255];
        var headers = new Metadata { { "x-text", "hello" }, { "x-blob-bin", blob }, { "x-want-headers", "1" } };

        // Act
        using var call = Client(channel).EchoAsync(new EchoRequest { Text = "to python", Payload = ByteString.CopyFrom(new byte[1000]) }, headers);
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
        // Arrange
        using var channel = Channel();

        // Act
        var ex = await Assert.ThrowsAsync<RpcException>(() =>
            Client(channel).EchoAsync(new EchoRequest { FailCode = (int)code, FailMessage = message }).ResponseAsync.Within());

        // Assert
        Assert.Equal(code, ex.StatusCode);
        Assert.Equal(message, ex.Status.Detail);
    }

    [RequiresPythonGrpcFact]
    public async Task ServerStreaming_64MiBInMiBChunks_ArrivesIntact()
    {
        // Arrange
        const long total = 64L * 1024 * 1024;
        using var channel = Channel();
        using var call = Client(channel).Download(new DownloadRequest { TotalBytes = total, ChunkSize = 1024 * 1024 });
        using var expiry = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        long received = 0;
        bool intact = true;

        // Act
        await foreach (Chunk chunk in call.ResponseStream.ReadAllAsync(expiry.Token))
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
        using var call = Client(channel).Upload();
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
        // Arrange
        using var channel = Channel();
        using var call = Client(channel).Chat();

        // Act / Assert
        for (int i = 0; i < 5; i++)
        {
            await call.RequestStream.WriteAsync(new EchoRequest { Text = $"m{i}" }).Within();
            Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None).Within());
            Assert.Equal($"m{i}", call.ResponseStream.Current.Text);
        }
        await call.RequestStream.CompleteAsync().Within();
        Assert.False(await call.ResponseStream.MoveNext(CancellationToken.None).Within());
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
    }

    [RequiresPythonGrpcFact]
    public async Task ServerStreaming_AbortAfterMessages_MessagesThenStatus()
    {
        // Arrange
        using var channel = Channel();
        using var call = Client(channel).Download(
            new DownloadRequest { TotalBytes = 10_000, ChunkSize = 1000, FailAfterChunks = 3, FailCode = (int)StatusCode.DataLoss });
        var received = new List<Chunk>();

        // Act
        var ex = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            await foreach (Chunk chunk in call.ResponseStream.ReadAllAsync()) received.Add(chunk);
        }).Within();

        // Assert
        Assert.Equal(3, received.Count);
        Assert.Equal(StatusCode.DataLoss, ex.StatusCode);
        Assert.Equal("failed after 3 chunks", ex.Status.Detail);
    }

    [RequiresPythonGrpcFact]
    public async Task Unary_DeadlinePasses_DeadlineExceeded()
    {
        // Arrange
        using var channel = Channel();
        var deadline = DateTime.UtcNow.AddMilliseconds(300);

        // Act
        var ex = await Assert.ThrowsAsync<RpcException>(() =>
            Client(channel).EchoAsync(new EchoRequest { WaitForCancellation = true }, deadline: deadline).ResponseAsync.Within());

        // Assert
        Assert.Equal(StatusCode.DeadlineExceeded, ex.StatusCode);
    }

    [RequiresPythonGrpcFact]
    public async Task Unary_Deadline_IsSentAsGrpcTimeout()
    {
        // Arrange
        using var channel = Channel();

        // Act
        EchoReply reply = await Client(channel).EchoAsync(new EchoRequest(), deadline: DateTime.UtcNow.AddSeconds(20)).ResponseAsync.Within();

        // Assert
        Assert.True(reply.HasDeadline);
        Assert.InRange(reply.DeadlineRemainingMs, 1, 20_000);
    }

    [RequiresPythonGrpcFact]
    public async Task Unary_UnknownMethod_Unimplemented()
    {
        // Arrange
        using var channel = Channel();
        var missing = new Method<EchoRequest, EchoReply>(MethodType.Unary, "asyncrl.test.v1.Interop", "NoSuchMethod",
            Marshallers.Create((EchoRequest m) => m.ToByteArray(), EchoRequest.Parser.ParseFrom),
            Marshallers.Create((EchoReply m) => m.ToByteArray(), EchoReply.Parser.ParseFrom));

        // Act
        var ex = await Assert.ThrowsAsync<RpcException>(() =>
            channel.CreateCallInvoker().AsyncUnaryCall(missing, null, new CallOptions(), new EchoRequest()).ResponseAsync.Within());

        // Assert
        Assert.Equal(StatusCode.Unimplemented, ex.StatusCode);
    }

    [RequiresPythonGrpcFact]
    public async Task Unary_ResponseOverOurLimit_ResourceExhausted()
    {
        // Arrange
        using var channel = Channel(new GrpcChannelOptions { MaxReceiveMessageSize = 100_000 });

        // Act
        var ex = await Assert.ThrowsAsync<RpcException>(() =>
            Client(channel).EchoAsync(new EchoRequest { ReplyPayloadSize = 200_000 }).ResponseAsync.Within());

        // Assert
        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
    }

    [RequiresPythonGrpcFact]
    public async Task Unary_CallerCancels_Cancelled()
    {
        // Arrange
        using var channel = Channel();
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        // Act
        var ex = await Assert.ThrowsAsync<RpcException>(() =>
            Client(channel).EchoAsync(new EchoRequest { WaitForCancellation = true }, cancellationToken: cts.Token).ResponseAsync.Within());

        // Assert
        Assert.Equal(StatusCode.Cancelled, ex.StatusCode);
    }
}
