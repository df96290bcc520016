using System.Net;
using AsyncRL.Contracts.Tests.Interop;
using AsyncRL.Contracts.Tests.Support;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;

namespace AsyncRL.Contracts.Tests.Wire;

/// <summary>TLS with ALPN h2, the HTTP/2-only listener, and bulk transfer in both directions with the learner's Kestrel settings.</summary>
public sealed class HttpTransportTests
{
    [Fact]
    public async Task Tls_AllFourShapes_WorkOverHttpsWithAlpnH2()
    {
        // Arrange
        await using var server = await GrpcTestServer.StartInteropAsync(new InteropService(), certificate: TestCertificates.Localhost);
        string thumbprint = TestCertificates.Localhost.Thumbprint;
        using var channel = server.CreateChannel(new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler
            {
                UseProxy = false,
                EnableMultipleHttp2Connections = true,
                SslOptions = { RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate?.GetCertHashString() == thumbprint },
            },
        });
        var client = new Interop.Interop.InteropClient(channel);

        // Act
        EchoReply reply = await client.EchoAsync(new EchoRequest { Text = "secure" }).ResponseAsync.Within();
        using var download = client.Download(new DownloadRequest { TotalBytes = 300_000, ChunkSize = 100_000 });
        List<Chunk> chunks = await download.ResponseStream.ReadAllAsync().ToListWithin();
        using var upload = client.Upload();
        await upload.RequestStream.WriteAsync(new Chunk { Data = ByteString.CopyFrom(Pattern.Create(0, 1000)) }).Within();
        await upload.RequestStream.CompleteAsync().Within();
        UploadSummary summary = await upload.ResponseAsync.Within();
        using var chat = client.Chat();
        await chat.RequestStream.WriteAsync(new EchoRequest { Text = "hi" }).Within();
        await chat.RequestStream.CompleteAsync().Within();
        List<EchoReply> replies = await chat.ResponseStream.ReadAllAsync().ToListWithin();

        // Assert
        Assert.Equal("https", server.Address.Scheme);
        Assert.Equal("secure", reply.Text);
        Assert.Equal(3, chunks.Count);
        Assert.True(summary.PatternOk);
        Assert.Equal("hi", Assert.Single(replies).Text);
    }

    [Fact]
    public async Task Tls_UntrustedCertificate_InternalAndNoHandlerRuns()
    {
        // Arrange
        var service = new InteropService();
        await using var server = await GrpcTestServer.StartInteropAsync(service, certificate: TestCertificates.Localhost);
        using var channel = server.CreateChannel();

        // Act
        var ex = await Assert.ThrowsAsync<RpcException>(() =>
            new Interop.Interop.InteropClient(channel).EchoAsync(new EchoRequest()).ResponseAsync.Within());

        // Assert: Grpc.Net.Client reports a failed handshake as INTERNAL (a refused connection is UNAVAILABLE).
        Assert.Equal(StatusCode.Internal, ex.StatusCode);
        Assert.IsType<System.Security.Authentication.AuthenticationException>(ex.Status.DebugException?.InnerException);
        Assert.Equal(0, service.Calls);
    }

    [Fact]
    public async Task Http11Request_ToTheGrpcListener_RefusedBeforeAnyHandler()
    {
        // Arrange
        var service = new InteropService();
        await using var server = await GrpcTestServer.StartInteropAsync(service);
        using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false });
        var request = RawGrpc.Request(server.Address, "/asyncrl.test.v1.Interop/Echo", RawGrpc.Frame(new EchoRequest()), version: HttpVersion.Version11);

        // Act: the prior-knowledge HTTP/2 port never hands HTTP/1.x to a handler; Kestrel answers it directly.
        RawResponse response = await RawGrpc.SendAsync(client, request);

        // Assert: a gRPC client reads 400 as INTERNAL (http-grpc-status-mapping).
        Assert.Equal(400, response.HttpStatus);
        Assert.Null(response.GrpcStatus);
        Assert.Equal(0, service.Calls);
    }

    [Fact]
    public async Task Streaming_64MiBEachWay_InMiBChunks_ArrivesIntact()
    {
        // Arrange
        const long total = 64L * 1024 * 1024;
        const int chunk = 1024 * 1024;
        await using var server = await GrpcTestServer.StartInteropAsync(new InteropService());
        using var channel = server.CreateChannel();
        var client = new Interop.Interop.InteropClient(channel);
        using var expiry = new CancellationTokenSource(TestTimeouts.Default);

        // Act: download
        using var download = client.Download(new DownloadRequest { TotalBytes = total, ChunkSize = chunk });
        long received = 0;
        bool intact = true;
        await foreach (Chunk piece in download.ResponseStream.ReadAllAsync(expiry.Token))
        {
            intact &= piece.Offset == received && Pattern.Check(piece.Data.Span, piece.Offset);
            received += piece.Data.Length;
        }

        // Act: upload
        using var upload = client.Upload();
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
        await using var server = await GrpcTestServer.StartInteropAsync(new InteropService(),
            kestrel: options => options.Limits.MaxRequestBodySize = 100_000);
        using var channel = server.CreateChannel();
        using var upload = new Interop.Interop.InteropClient(channel).Upload();

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
    public async Task Channel_FortyConcurrentDuplexStreams_AllExchangeMessages()
    {
        // Arrange: a handler as the actors' LearnerChannel sets it; every stream stays open until all have
        // exchanged a message, so all 40 are in flight at once.
        await using var server = await GrpcTestServer.StartInteropAsync(new InteropService());
        using var channel = server.CreateChannel(new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler { UseProxy = false, EnableMultipleHttp2Connections = true },
        });
        var client = new Interop.Interop.InteropClient(channel);
        var chats = Enumerable.Range(0, 40).Select(_ => client.Chat()).ToArray();

        // Act
        string?[] first = await Task.WhenAll(chats.Select(async c =>
        {
            await c.RequestStream.WriteAsync(new EchoRequest { Text = "hold" });
            return await c.ResponseStream.MoveNext(CancellationToken.None) ? c.ResponseStream.Current.Text : null;
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
