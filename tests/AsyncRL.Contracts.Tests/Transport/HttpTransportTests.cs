using System.Net;
using System.Net.Security;
using AsyncRL.Contracts.Tests.Interop;
using AsyncRL.Contracts.Tests.Support;
using AsyncRL.Contracts.Transport;
using Google.Protobuf;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace AsyncRL.Contracts.Tests.Transport;

/// <summary>TLS with ALPN h2, HTTP/1.x refusal, and bulk transfer in both directions.</summary>
public sealed class HttpTransportTests
{
    [Fact]
    public async Task Tls_AllFourShapes_WorkOverHttpsWithAlpnH2()
    {
        // Arrange
        var service = new InteropService();
        await using var server = await GrpcTestServer.StartInteropAsync(service, certificate: TestCertificates.Localhost);
        string thumbprint = TestCertificates.Localhost.Thumbprint;
        using var channel = server.CreateChannel(new GrpcChannelOptions
        {
            RemoteCertificateValidation = (_, certificate, _, _) => certificate?.GetCertHashString() == thumbprint,
        });

        // Act
        EchoReply reply = await channel.UnaryAsync(InteropMethods.Echo, new EchoRequest { Text = "secure" }).Within();
        using var download = channel.ServerStreaming(InteropMethods.Download, new DownloadRequest { TotalBytes = 300_000, ChunkSize = 100_000 });
        List<Chunk> chunks = await download.ResponseStream.ToListWithin();
        using var upload = channel.ClientStreaming(InteropMethods.Upload);
        await upload.RequestStream.WriteAsync(new Chunk { Data = ByteString.CopyFrom(Pattern.Create(0, 1000)) }).Within();
        await upload.RequestStream.CompleteAsync().Within();
        UploadSummary summary = await upload.ResponseAsync.Within();
        using var chat = channel.DuplexStreaming(InteropMethods.Chat);
        await chat.RequestStream.WriteAsync(new EchoRequest { Text = "hi" }).Within();
        await chat.RequestStream.CompleteAsync().Within();
        List<EchoReply> replies = await chat.ResponseStream.ToListWithin();

        // Assert
        Assert.Equal("https", server.Address.Scheme);
        Assert.Equal("secure", reply.Text);
        Assert.Equal(3, chunks.Count);
        Assert.True(summary.PatternOk);
        Assert.Equal("hi", Assert.Single(replies).Text);
    }

    [Fact]
    public async Task Tls_UntrustedCertificate_Unavailable()
    {
        await using var server = await GrpcTestServer.StartInteropAsync(new InteropService(), certificate: TestCertificates.Localhost);
        using var channel = server.CreateChannel();

        var ex = await Assert.ThrowsAsync<RpcException>(() => channel.UnaryAsync(InteropMethods.Echo, new EchoRequest()).Within());

        Assert.Equal(StatusCode.Unavailable, ex.StatusCode);
    }

    [Fact]
    public async Task Http11Request_426WithInternalStatus()
    {
        // Arrange: a listener that also speaks HTTP/1.1, so the request reaches the gRPC handler.
        await using var server = await GrpcTestServer.StartAsync(app => app.MapGrpcService(new InteropService().Definition()),
            protocols: HttpProtocols.Http1AndHttp2);
        using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false });
        var request = RawGrpc.Request(server.Address, InteropMethods.Echo.FullName, RawGrpc.Frame(new EchoRequest()), version: HttpVersion.Version11);

        // Act
        RawResponse response = await RawGrpc.SendAsync(client, request);

        // Assert
        Assert.Equal(426, response.HttpStatus);
        Assert.Equal("13", response.GrpcStatus);
        Assert.Equal(1, server.Metrics.Sum("asyncrl.rpc.server.protocol_errors", "error.type=not_http2"));
    }

    [Fact]
    public async Task Http11Request_ToHttp2OnlyPort_Kestrel400MapsToInternal()
    {
        await using var server = await GrpcTestServer.StartInteropAsync(new InteropService());
        using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false });
        var request = RawGrpc.Request(server.Address, InteropMethods.Echo.FullName, RawGrpc.Frame(new EchoRequest()), version: HttpVersion.Version11);

        // Act: the prior-knowledge port never hands HTTP/1.x to a handler; Kestrel answers it directly.
        RawResponse response = await RawGrpc.SendAsync(client, request);

        // Assert: a gRPC client reads 400 as INTERNAL (http-grpc-status-mapping).
        Assert.Equal(400, response.HttpStatus);
        Assert.Null(response.GrpcStatus);
        Assert.Equal(StatusCode.Internal, GrpcProtocol.FromHttpStatus(response.HttpStatus));
    }

    [Fact]
    public async Task Streaming_64MiBEachWay_InMiBChunks_ArrivesIntact()
    {
        // Arrange
        const long total = 64L * 1024 * 1024;
        const int chunk = 1024 * 1024;
        await using var server = await GrpcTestServer.StartInteropAsync(new InteropService());
        using var channel = server.CreateChannel();

        // Act: download
        using var download = channel.ServerStreaming(InteropMethods.Download, new DownloadRequest { TotalBytes = total, ChunkSize = chunk });
        long received = 0;
        bool intact = true;
        await foreach (Chunk piece in download.ResponseStream.WithCancellation(new CancellationTokenSource(TestTimeouts.Default).Token))
        {
            intact &= piece.Offset == received && Pattern.Check(piece.Data.Span, piece.Offset);
            received += piece.Data.Length;
        }

        // Act: upload
        using var upload = channel.ClientStreaming(InteropMethods.Upload);
        byte[] block = new byte[chunk];
        for (long offset = 0; offset < total; offset += chunk)
        {
            Pattern.Fill(block, offset);
            await upload.RequestStream.WriteAsync(new Chunk { Offset = offset, Data = ByteString.CopyFrom(block) }).Within();
        }
        await upload.RequestStream.CompleteAsync().Within();
        UploadSummary summary = await upload.ResponseAsync.Within();

        // Assert
        Assert.Equal(total, received);
        Assert.True(intact);
        Assert.Equal(total, summary.TotalBytes);
        Assert.Equal(64, summary.Chunks);
        Assert.True(summary.PatternOk);
    }

    [Fact]
    public async Task ClientStreaming_BodyBeyondKestrelsRequestBodyLimit_IsNotCut()
    {
        // Arrange: a server-wide body limit of 100 KB; gRPC calls lift it (messages have their own limit).
        await using var server = await GrpcTestServer.StartAsync(app => app.MapGrpcService(new InteropService().Definition()),
            kestrel: options => options.Limits.MaxRequestBodySize = 100_000);
        using var channel = server.CreateChannel();
        using var upload = channel.ClientStreaming(InteropMethods.Upload);

        // Act: 2 MiB in 64 KiB messages
        for (long offset = 0; offset < 2 << 20; offset += 65536)
        {
            await upload.RequestStream.WriteAsync(new Chunk { Offset = offset, Data = ByteString.CopyFrom(Pattern.Create(offset, 65536)) }).Within();
        }
        await upload.RequestStream.CompleteAsync().Within();
        UploadSummary summary = await upload.ResponseAsync.Within();

        // Assert
        Assert.Equal(2 << 20, summary.TotalBytes);
        Assert.True(summary.PatternOk);
    }

    [Fact]
    public async Task Channel_ManyConcurrentStreams_BeyondTheServerLimit_AllComplete()
    {
        // Arrange: the server allows 10 streams per connection; 40 concurrent calls need more connections, and
        // the streams refused in the first burst (sent before the client knew the limit) are retried by
        // HttpClient, so their first message must be replayed on the new stream.
        var service = new InteropService();
        await using var server = await GrpcTestServer.StartAsync(app => app.MapGrpcService(service.Definition()),
            kestrel: options => options.Limits.Http2.MaxStreamsPerConnection = 10);
        using var channel = server.CreateChannel();
        var chats = Enumerable.Range(0, 40).Select(_ => channel.DuplexStreaming(InteropMethods.Chat)).ToArray();

        // Act: every stream holds its slot until all have exchanged a message.
        string?[] first = await Task.WhenAll(chats.Select(async c =>
        {
            await c.RequestStream.WriteAsync(new EchoRequest { Text = "hold" });
            await using var replies = c.ResponseStream.GetAsyncEnumerator();
            return await replies.MoveNextAsync() ? replies.Current.Text : null;
        })).Within();
        foreach (var chat in chats)
        {
            await chat.RequestStream.CompleteAsync().Within();
            chat.Dispose();
        }

        // Assert
        Assert.All(first, text => Assert.Equal("hold", text));
    }
}
