using System.IO.Compression;
using System.Net;
using AsyncRL.Contracts.Tests.Interop;
using AsyncRL.Contracts.Tests.Support;
using AsyncRL.Contracts.Transport;
using Google.Protobuf;

namespace AsyncRL.Contracts.Tests.Transport;

/// <summary>How every kind of failure reaches the client: code, message, trailers, and the HTTP shape.</summary>
public sealed class ErrorPathTests : IAsyncLifetime
{
    private const int ServerReceiveLimit = 64 * 1024;
    private readonly InteropService _interop = new();
    private readonly FaultyService _faulty = new();
    private GrpcTestServer _server = null!;
    private GrpcChannel _channel = null!;
    private HttpClient _raw = null!;

    public async Task InitializeAsync()
    {
        _server = await GrpcTestServer.StartAsync(app =>
        {
            app.MapGrpcService(_interop.Definition());
            app.MapGrpcService(_faulty.Definition());
        }, options => options.MaxReceiveMessageSize = ServerReceiveLimit);
        _channel = _server.CreateChannel();
        _raw = RawGrpc.CreateClient();
    }

    public async Task DisposeAsync()
    {
        _raw.Dispose();
        _channel.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Unary_HandlerThrowsRpcException_ClientGetsCodeMessageAndTrailers()
    {
        // Arrange: a message that needs percent-encoding (non-ASCII and '%').
        var request = new EchoRequest { FailCode = (int)StatusCode.NotFound, FailMessage = "no such run ✓ (100% sure)" };
        var headers = new Metadata { { "x-tag", "t1" } };

        // Act
        var ex = await Assert.ThrowsAsync<RpcException>(() => _channel.UnaryAsync(InteropMethods.Echo, request, new CallOptions(headers)).Within());

        // Assert
        Assert.Equal(StatusCode.NotFound, ex.StatusCode);
        Assert.Equal("no such run ✓ (100% sure)", ex.Status.Detail);
        Assert.Equal("t1", ex.Trailers.GetValue("x-tag"));
    }

    [Fact]
    public async Task Unary_ErrorBeforeAnyMessage_IsTrailersOnly()
    {
        // Arrange
        var failing = RawGrpc.Request(_server.Address, InteropMethods.Echo.FullName,
            RawGrpc.Frame(new EchoRequest { FailCode = (int)StatusCode.Aborted, FailMessage = "100%" }));
        var succeeding = RawGrpc.Request(_server.Address, InteropMethods.Echo.FullName, RawGrpc.Frame(new EchoRequest { Text = "x" }));

        // Act
        RawResponse error = await RawGrpc.SendAsync(_raw, failing);
        RawResponse ok = await RawGrpc.SendAsync(_raw, succeeding);

        // Assert: the error is one header block with the status; success puts the status in trailers.
        Assert.Equal(200, error.HttpStatus);
        Assert.True(error.TrailersOnly);
        Assert.Empty(error.Body);
        Assert.Equal("10", error.GrpcStatus);
        Assert.Equal("100%25", error.GrpcMessage);
        Assert.False(ok.TrailersOnly);
        Assert.Equal("0", ok.GrpcStatus);
        Assert.NotEmpty(ok.Body);
    }

    [Fact]
    public async Task ServerStreaming_ErrorAfterMessages_ArrivesInTrailersAfterTheMessages()
    {
        // Arrange
        var request = new DownloadRequest { TotalBytes = 10_000, ChunkSize = 1000, FailAfterChunks = 3, FailCode = (int)StatusCode.DataLoss };
        using var call = _channel.ServerStreaming(InteropMethods.Download, request);
        var received = new List<Chunk>();

        // Act
        var ex = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            await foreach (Chunk chunk in call.ResponseStream) received.Add(chunk);
        }).Within();

        // Assert
        Assert.Equal(3, received.Count);
        Assert.Equal(StatusCode.DataLoss, ex.StatusCode);
        Assert.Equal("failed after 3 chunks", ex.Status.Detail);
        Assert.Equal(StatusCode.DataLoss, call.GetStatus().StatusCode);
    }

    [Theory]
    [InlineData("/asyncrl.test.v1.Interop/NoSuchMethod")]
    [InlineData("/no.such.Service/Echo")]
    public async Task Call_UnmappedMethod_Unimplemented(string path)
    {
        // Arrange
        var method = new Method<EchoRequest, EchoReply>(MethodType.Unary, path.Split('/')[1], path.Split('/')[2],
            Marshallers.Protobuf<EchoRequest>(), Marshallers.Protobuf<EchoReply>());

        // Act
        var ex = await Assert.ThrowsAsync<RpcException>(() => _channel.UnaryAsync(method, new EchoRequest()).Within());

        // Assert
        Assert.Equal(StatusCode.Unimplemented, ex.StatusCode);
        Assert.Contains(path, ex.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unary_HandlerThrowsOtherException_UnknownWithoutLeakingDetails()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() => _channel.UnaryAsync(FaultyService.Throw, new EchoRequest()).Within());

        Assert.Equal(StatusCode.Unknown, ex.StatusCode);
        Assert.DoesNotContain("secret", ex.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unary_HandlerSetsStatus_ClientGetsItAndNoMessage()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() => _channel.UnaryAsync(FaultyService.SetStatus, new EchoRequest()).Within());

        Assert.Equal(StatusCode.FailedPrecondition, ex.StatusCode);
        Assert.Equal("set, not thrown", ex.Status.Detail);
    }

    [Fact]
    public async Task Unary_RequestOverServerLimit_ResourceExhaustedAndServerKeepsServing()
    {
        // Arrange
        long before = _server.Metrics.Sum("asyncrl.rpc.server.protocol_errors", "error.type=message_too_large");
        var tooBig = new EchoRequest { Payload = ByteString.CopyFrom(new byte[ServerReceiveLimit + 1]) };

        // Act
        var ex = await Assert.ThrowsAsync<RpcException>(() => _channel.UnaryAsync(InteropMethods.Echo, tooBig).Within());
        EchoReply after = await _channel.UnaryAsync(InteropMethods.Echo, new EchoRequest { Text = "still here" }).Within();

        // Assert
        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
        Assert.Contains("exceeds the maximum configured message size", ex.Status.Detail, StringComparison.Ordinal);
        Assert.Equal("still here", after.Text);
        Assert.Equal(before + 1, _server.Metrics.Sum("asyncrl.rpc.server.protocol_errors", "error.type=message_too_large"));
    }

    [Fact]
    public async Task Unary_ResponseOverClientLimit_ResourceExhausted()
    {
        using var channel = _server.CreateChannel(new GrpcChannelOptions { MaxReceiveMessageSize = 10_000 });

        var ex = await Assert.ThrowsAsync<RpcException>(() =>
            channel.UnaryAsync(InteropMethods.Echo, new EchoRequest { ReplyPayloadSize = 20_000 }).Within());

        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
    }

    [Fact]
    public async Task Unary_RequestOverClientSendLimit_FailsBeforeSending()
    {
        using var channel = _server.CreateChannel(new GrpcChannelOptions { MaxSendMessageSize = 1000 });

        var ex = await Assert.ThrowsAsync<RpcException>(() =>
            channel.UnaryAsync(InteropMethods.Echo, new EchoRequest { Payload = ByteString.CopyFrom(new byte[2000]) }).Within());

        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
    }

    [Fact]
    public async Task Metadata_TextAndBinary_RoundTripAsHeadersAndTrailers()
    {
        // Arrange
        byte[] blob = [0, 1, 2, 250, 255];
        var headers = new Metadata { { "x-text", "hello" }, { "x-blob-bin", blob }, { "x-want-headers", "1" } };

        // Act
        using var call = _channel.StartUnary(InteropMethods.Echo, new EchoRequest(), new CallOptions(headers));
        EchoReply reply = await call.ResponseAsync.Within();
        Metadata responseHeaders = await call.ResponseHeadersAsync.Within();

        // Assert
        Assert.Equal("hello", reply.Metadata["x-text"]);
        Assert.Equal("early", responseHeaders.GetValue("x-server-header"));
        Assert.Equal(blob, call.GetTrailers().GetValueBytes("x-blob-bin"));
        Assert.Equal("hello", call.GetTrailers().GetValue("x-text"));
    }

    [Fact]
    public async Task Http_ForeignContentType_415()
    {
        long before = _server.Metrics.Sum("asyncrl.rpc.server.protocol_errors", "error.type=bad_content_type");
        var request = RawGrpc.Request(_server.Address, InteropMethods.Echo.FullName, "{}"u8.ToArray(), contentType: "application/json");

        RawResponse response = await RawGrpc.SendAsync(_raw, request);

        Assert.Equal((int)HttpStatusCode.UnsupportedMediaType, response.HttpStatus);
        Assert.Equal(before + 1, _server.Metrics.Sum("asyncrl.rpc.server.protocol_errors", "error.type=bad_content_type"));
    }

    [Fact]
    public async Task Call_ForeignContentType_ClientMapsHttpStatus()
    {
        // A gRPC client meeting a non-gRPC answer maps the HTTP status (415 is not in the table: UNKNOWN);
        // a 404 from a plain HTTP server would be UNIMPLEMENTED.
        var request = RawGrpc.Request(_server.Address, "/not/grpc/at/all", RawGrpc.Frame(new EchoRequest()));

        RawResponse response = await RawGrpc.SendAsync(_raw, request);

        Assert.Equal(404, response.HttpStatus);
        Assert.Equal(StatusCode.Unimplemented, GrpcProtocol.FromHttpStatus(response.HttpStatus));
    }

    [Fact]
    public async Task Request_UnsupportedEncoding_UnimplementedWithAcceptEncoding()
    {
        var request = RawGrpc.Request(_server.Address, InteropMethods.Echo.FullName, RawGrpc.Frame(new EchoRequest(), compressedFlag: true),
            headers: ("grpc-encoding", "snappy"));

        RawResponse response = await RawGrpc.SendAsync(_raw, request);

        Assert.Equal("12", response.GrpcStatus);
        Assert.Contains("gzip", response.AcceptEncoding, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Request_MalformedTimeout_InternalAndCounted()
    {
        long before = _server.Metrics.Sum("asyncrl.rpc.server.protocol_errors", "error.type=bad_timeout");
        var request = RawGrpc.Request(_server.Address, InteropMethods.Echo.FullName, RawGrpc.Frame(new EchoRequest()),
            headers: ("grpc-timeout", "12 parsecs"));

        RawResponse response = await RawGrpc.SendAsync(_raw, request);

        Assert.Equal("13", response.GrpcStatus);
        Assert.Equal(before + 1, _server.Metrics.Sum("asyncrl.rpc.server.protocol_errors", "error.type=bad_timeout"));
    }

    [Fact]
    public async Task Request_GzipCompressedMessage_IsDecompressed()
    {
        // Arrange
        using var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true)) gzip.Write(new EchoRequest { Text = "zipped" }.ToByteArray());
        var request = RawGrpc.Request(_server.Address, InteropMethods.Echo.FullName, RawGrpc.Frame(compressed.ToArray(), compressedFlag: true),
            headers: ("grpc-encoding", "gzip"));

        // Act
        RawResponse response = await RawGrpc.SendAsync(_raw, request);

        // Assert
        Assert.Equal("0", response.GrpcStatus);
        Assert.Equal("zipped", EchoReply.Parser.ParseFrom(response.Body.AsSpan(5)).Text);
    }

    [Theory]
    [InlineData(0, "ended without a message")]
    [InlineData(2, "More than one request message")]
    public async Task Unary_WrongMessageCount_Internal(int messages, string expected)
    {
        byte[] body = Enumerable.Range(0, messages).SelectMany(_ => RawGrpc.Frame(new EchoRequest())).ToArray();

        RawResponse response = await RawGrpc.SendAsync(_raw, RawGrpc.Request(_server.Address, InteropMethods.Echo.FullName, body));

        Assert.Equal("13", response.GrpcStatus);
        Assert.Contains(expected, Uri.UnescapeDataString(response.GrpcMessage ?? ""), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClientStreaming_HandlerSwallowsProtocolError_StatusIsStillTheProtocolError()
    {
        // Arrange: one good message, then a truncated one.
        byte[] body = [.. RawGrpc.Frame(new EchoRequest { Text = "ok" }), 0, 0, 0, 0, 50, 1, 2];

        // Act
        RawResponse response = await RawGrpc.SendAsync(_raw, RawGrpc.Request(_server.Address, FaultyService.SwallowBrokenStream.FullName, body));

        // Assert
        Assert.Equal("13", response.GrpcStatus);
        Assert.Contains("Incomplete", response.GrpcMessage, StringComparison.Ordinal);
    }
}
