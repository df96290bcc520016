using AsyncRL.Contracts.Tests.Interop;
using AsyncRL.Contracts.Tests.Support;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;

namespace AsyncRL.Contracts.Tests.Wire;

/// <summary>The four call shapes over real HTTP/2 on loopback, with the learner's Kestrel settings.</summary>
public sealed class CallShapeTests : IAsyncLifetime
{
    private readonly InteropService _service = new();
    private GrpcTestServer _server = null!;
    private GrpcChannel _channel = null!;
    private Interop.Interop.InteropClient _client = null!;

    public async Task InitializeAsync()
    {
        _server = await GrpcTestServer.StartInteropAsync(_service);
        _channel = _server.CreateChannel();
        _client = new Interop.Interop.InteropClient(_channel);
    }

    public async Task DisposeAsync()
    {
        _channel.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Unary_EchoRequest_ReturnsReplyAndOkStatus()
    {
        // Arrange
        var request = new EchoRequest { Text = "hello", Payload = ByteString.CopyFromUtf8("payload") };

        // Act
        using var call = _client.EchoAsync(request);
        EchoReply reply = await call.ResponseAsync.Within();

        // Assert
        Assert.Equal("hello", reply.Text);
        Assert.Equal("payload", reply.Payload.ToStringUtf8());
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
    }

    [Fact]
    public async Task ServerStreaming_Download_ReturnsAllChunksInOrder()
    {
        // Arrange
        var request = new DownloadRequest { TotalBytes = 1_000_000, ChunkSize = 65536 };

        // Act
        using var call = _client.Download(request);
        List<Chunk> chunks = await call.ResponseStream.ReadAllAsync().ToListWithin();

        // Assert
        Assert.Equal(16, chunks.Count);
        long offset = 0;
        foreach (Chunk chunk in chunks)
        {
            Assert.Equal(offset, chunk.Offset);
            Assert.True(Pattern.Check(chunk.Data.Span, chunk.Offset));
            offset += chunk.Data.Length;
        }
        Assert.Equal(1_000_000, offset);
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
    }

    [Fact]
    public async Task ClientStreaming_Upload_ServerSeesEveryChunk()
    {
        // Arrange
        using var call = _client.Upload();

        // Act
        for (int i = 0; i < 10; i++)
        {
            await call.RequestStream.WriteAsync(new Chunk { Offset = i * 1000L, Data = ByteString.CopyFrom(Pattern.Create(i * 1000L, 1000)) }).Within();
        }
        await call.RequestStream.CompleteAsync().Within();
        UploadSummary summary = await call.ResponseAsync.Within();

        // Assert
        Assert.Equal(10, summary.Chunks);
        Assert.Equal(10_000, summary.TotalBytes);
        Assert.True(summary.PatternOk);
    }

    [Fact]
    public async Task DuplexStreaming_Chat_RepliesToEachMessageBeforeTheNextIsSent()
    {
        // Arrange
        using var call = _client.Chat();

        // Act / Assert: strict ping-pong proves messages are flushed one by one, both ways.
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
}
