using AsyncRL.Contracts.Tests.Interop;
using AsyncRL.Contracts.Tests.Support;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace AsyncRL.Contracts.Tests.Wire;

/// <summary>How every kind of failure reaches the client: code, message and trailers; the server goes on serving.</summary>
public sealed class ErrorPathTests : IAsyncLifetime
{
    private const int ServerReceiveLimit = 64 * 1024;
    private readonly InteropService _interop = new();
    private readonly FaultyService _faulty = new();
    private GrpcTestServer _server = null!;
    private GrpcChannel _channel = null!;
    private Interop.Interop.InteropClient _client = null!;
    private Faulty.FaultyClient _faultyClient = null!;

    public async Task InitializeAsync()
    {
        _server = await GrpcTestServer.StartAsync(
            (services, _) => services.AddSingleton(_interop).AddSingleton(_faulty),
            app =>
            {
                app.MapGrpcService<InteropService>();
                app.MapGrpcService<FaultyService>();
            },
            grpc => grpc.MaxReceiveMessageSize = ServerReceiveLimit);
        _channel = _server.CreateChannel();
        _client = new Interop.Interop.InteropClient(_channel);
        _faultyClient = new Faulty.FaultyClient(_channel);
    }

    public async Task DisposeAsync()
    {
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
        var ex = await Assert.ThrowsAsync<RpcException>(() => _client.EchoAsync(request, headers).ResponseAsync.Within());

        // Assert
        Assert.Equal(StatusCode.NotFound, ex.StatusCode);
        Assert.Equal("no such run ✓ (100% sure)", ex.Status.Detail);
        Assert.Equal("t1", ex.Trailers.GetValue("x-tag"));
    }

    [Fact]
    public async Task ServerStreaming_ErrorAfterMessages_ArrivesAfterTheMessages()
    {
        // Arrange
        var request = new DownloadRequest { TotalBytes = 10_000, ChunkSize = 1000, FailAfterChunks = 3, FailCode = (int)StatusCode.DataLoss };
        using var call = _client.Download(request);
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
        Assert.Equal(StatusCode.DataLoss, call.GetStatus().StatusCode);
    }

    [Theory]
    [InlineData("asyncrl.test.v1.Interop", "NoSuchMethod")]
    [InlineData("no.such.Service", "Echo")]
    public async Task Unary_UnmappedMethod_UnimplementedAndServerKeepsServing(string service, string name)
    {
        // Arrange
        var method = new Method<EchoRequest, EchoReply>(MethodType.Unary, service, name,
            Marshallers.Create((EchoRequest m) => m.ToByteArray(), EchoRequest.Parser.ParseFrom),
            Marshallers.Create((EchoReply m) => m.ToByteArray(), EchoReply.Parser.ParseFrom));

        // Act
        var ex = await Assert.ThrowsAsync<RpcException>(() =>
            _channel.CreateCallInvoker().AsyncUnaryCall(method, null, new CallOptions(), new EchoRequest()).ResponseAsync.Within());
        EchoReply after = await _client.EchoAsync(new EchoRequest { Text = "still here" }).ResponseAsync.Within();

        // Assert
        Assert.Equal(StatusCode.Unimplemented, ex.StatusCode);
        Assert.Equal("still here", after.Text);
    }

    [Fact]
    public async Task Unary_HandlerThrowsOtherException_UnknownWithoutLeakingDetails()
    {
        // Act
        var ex = await Assert.ThrowsAsync<RpcException>(() => _faultyClient.ThrowAsync(new EchoRequest()).ResponseAsync.Within());

        // Assert
        Assert.Equal(StatusCode.Unknown, ex.StatusCode);
        Assert.DoesNotContain("secret", ex.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unary_HandlerSetsStatus_ClientGetsIt()
    {
        // Act
        var ex = await Assert.ThrowsAsync<RpcException>(() => _faultyClient.SetStatusAsync(new EchoRequest()).ResponseAsync.Within());

        // Assert
        Assert.Equal(StatusCode.FailedPrecondition, ex.StatusCode);
        Assert.Equal("set, not thrown", ex.Status.Detail);
    }

    [Fact]
    public async Task Unary_RequestOverServerLimit_ResourceExhaustedHandlerNeverRunsAndServerKeepsServing()
    {
        // Arrange
        var tooBig = new EchoRequest { Payload = ByteString.CopyFrom(new byte[ServerReceiveLimit + 1]) };

        // Act
        var ex = await Assert.ThrowsAsync<RpcException>(() => _client.EchoAsync(tooBig).ResponseAsync.Within());
        int callsAfterRefusal = _interop.Calls;
        EchoReply after = await _client.EchoAsync(new EchoRequest { Text = "still here" }).ResponseAsync.Within();

        // Assert
        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
        Assert.Contains("exceeds the maximum configured message size", ex.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(0, callsAfterRefusal);
        Assert.Equal("still here", after.Text);
    }

    [Fact]
    public async Task ClientStreaming_MessageOverServerLimit_ResourceExhausted()
    {
        // Arrange
        using var call = _client.Upload();
        await call.RequestStream.WriteAsync(new Chunk { Offset = 0, Data = ByteString.CopyFrom(Pattern.Create(0, 1000)) }).Within();

        // Act
        var ex = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            await call.RequestStream.WriteAsync(new Chunk { Offset = 1000, Data = ByteString.CopyFrom(Pattern.Create(1000, ServerReceiveLimit + 1)) });
            await call.RequestStream.CompleteAsync();
            await call.ResponseAsync;
        }).Within();

        // Assert
        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
    }

    [Fact]
    public async Task Unary_ResponseOverClientLimit_ResourceExhausted()
    {
        // Arrange
        using var channel = _server.CreateChannel(new GrpcChannelOptions { MaxReceiveMessageSize = 10_000 });

        // Act
        var ex = await Assert.ThrowsAsync<RpcException>(() =>
            new Interop.Interop.InteropClient(channel).EchoAsync(new EchoRequest { ReplyPayloadSize = 20_000 }).ResponseAsync.Within());

        // Assert
        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
    }

    [Fact]
    public async Task Unary_RequestOverClientSendLimit_FailsBeforeReachingTheHandler()
    {
        // Arrange
        using var channel = _server.CreateChannel(new GrpcChannelOptions { MaxSendMessageSize = 1000 });

        // Act
        var ex = await Assert.ThrowsAsync<RpcException>(() =>
            new Interop.Interop.InteropClient(channel).EchoAsync(new EchoRequest { Payload = ByteString.CopyFrom(new byte[2000]) }).ResponseAsync.Within());

        // Assert
        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
        Assert.Equal(0, _interop.Calls);
    }

    [Theory]
    [InlineData(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF })] // a varint longer than ten bytes
    [InlineData(new byte[] { 0x0A, 0x10, 0x41 })] // field 1 announces 16 bytes, one follows
    [InlineData(new byte[] { 0x0F })] // wire type 7 does not exist
    public async Task Unary_MalformedProtobuf_UnknownHandlerNeverRunsAndServerKeepsServing(byte[] payload)
    {
        // Arrange: the Echo method with a marshaller that sends the bytes as they are.
        var raw = new Method<byte[], EchoReply>(MethodType.Unary, "asyncrl.test.v1.Interop", "Echo",
            Marshallers.Create((byte[] bytes) => bytes, bytes => bytes),
            Marshallers.Create((EchoReply m) => m.ToByteArray(), EchoReply.Parser.ParseFrom));

        // Act
        var ex = await Assert.ThrowsAsync<RpcException>(() =>
            _channel.CreateCallInvoker().AsyncUnaryCall(raw, null, new CallOptions(), payload).ResponseAsync.Within());
        int callsAfterRefusal = _interop.Calls;
        EchoReply after = await _client.EchoAsync(new EchoRequest { Text = "next" }).ResponseAsync.Within();

        // Assert: grpc-dotnet answers a request it cannot parse UNKNOWN ("Exception was thrown by handler."), where
        // our old transport, grpc-go and grpc-java answer INTERNAL; either way the handler never sees it.
        Assert.Equal(StatusCode.Unknown, ex.StatusCode);
        Assert.Equal(0, callsAfterRefusal);
        Assert.Equal("next", after.Text);
    }

    [Fact]
    public async Task Metadata_TextAndBinary_RoundTripAsHeadersAndTrailers()
    {
        // Arrange
        byte[] blob = [0, 1, 2, 250, 255];
        var headers = new Metadata { { "x-text", "hello" }, { "x-blob-bin", blob }, { "x-want-headers", "1" } };

        // Act
        using var call = _client.EchoAsync(new EchoRequest(), headers);
        EchoReply reply = await call.ResponseAsync.Within();
        Metadata responseHeaders = await call.ResponseHeadersAsync.Within();

        // Assert
        Assert.Equal("hello", reply.Metadata["x-text"]);
        Assert.Equal("early", responseHeaders.GetValue("x-server-header"));
        Assert.Equal(blob, call.GetTrailers().GetValueBytes("x-blob-bin"));
        Assert.Equal("hello", call.GetTrailers().GetValue("x-text"));
    }
}
