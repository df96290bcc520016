using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using AsyncRL.Contracts.Tests.Interop;
using AsyncRL.Contracts.Tests.Support;
using AsyncRL.Contracts.Transport;
using Google.Protobuf;

namespace AsyncRL.Contracts.Tests.Transport;

/// <summary>Malformed input gets the right status and a counter, and the server goes on serving.</summary>
public sealed class RobustnessTests : IAsyncLifetime
{
    private const int ReceiveLimit = 64 * 1024;
    private const string ProtocolErrors = "asyncrl.rpc.server.protocol_errors";
    private readonly InteropService _interop = new();
    private GrpcTestServer _server = null!;
    private GrpcChannel _channel = null!;
    private HttpClient _raw = null!;

    public async Task InitializeAsync()
    {
        _server = await GrpcTestServer.StartAsync(app => app.MapGrpcService(_interop.Definition()), options =>
        {
            options.MaxReceiveMessageSize = ReceiveLimit;
            options.MessageStallTimeout = TimeSpan.FromMilliseconds(300);
        });
        _channel = _server.CreateChannel();
        _raw = RawGrpc.CreateClient();
    }

    public async Task DisposeAsync()
    {
        _raw.Dispose();
        _channel.Dispose();
        await _server.DisposeAsync();
    }

    public static TheoryData<string, byte[], string, string> MalformedBodies()
    {
        byte[] valid = RawGrpc.Frame(new EchoRequest { Text = "a perfectly fine request" });
        byte[] lying = (byte[])valid.Clone();
        BinaryPrimitives.WriteUInt32BigEndian(lying.AsSpan(1), 1000);
        byte[] oversized = (byte[])valid.Clone();
        BinaryPrimitives.WriteUInt32BigEndian(oversized.AsSpan(1), 10_000_000);
        var noise = new byte[37];
        new Random(11).NextBytes(noise);
        noise[0] = 0xAB;
        return new TheoryData<string, byte[], string, string>
        {
            { "random bytes", noise, "13", "invalid_flags" },
            { "truncated frame", valid[..^3], "13", "incomplete_message" },
            { "truncated prefix", valid[..3], "13", "incomplete_message" },
            { "lying length prefix", lying, "13", "incomplete_message" },
            { "length over the limit", oversized, "8", "message_too_large" },
            { "compressed flag without grpc-encoding", RawGrpc.Frame(new EchoRequest { Text = "x" }, compressedFlag: true), "13", "compressed_without_encoding" },
            { "garbage protobuf", RawGrpc.Frame([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]), "13", "undeserializable" },
        };
    }

    [Theory]
    [MemberData(nameof(MalformedBodies))]
    public async Task Unary_MalformedBody_RightStatusCountedAndServerKeepsServing(string what, byte[] body, string status, string counter)
    {
        // Arrange
        long before = _server.Metrics.Sum(ProtocolErrors, "error.type=" + counter);

        // Act
        RawResponse response = await RawGrpc.SendAsync(_raw, RawGrpc.Request(_server.Address, InteropMethods.Echo.FullName, body));
        EchoReply after = await _channel.UnaryAsync(InteropMethods.Echo, new EchoRequest { Text = "next" }).Within();

        // Assert
        Assert.True(status == response.GrpcStatus, $"{what}: grpc-status {response.GrpcStatus} ({response.GrpcMessage})");
        Assert.Equal(200, response.HttpStatus);
        Assert.Equal(before + 1, _server.Metrics.Sum(ProtocolErrors, "error.type=" + counter));
        Assert.Equal("next", after.Text);
    }

    [Fact]
    public async Task ClientStreaming_ClientStallsMidMessage_DeadlineExceededWhileOthersAreServed()
    {
        // Arrange: a prefix announcing 100 bytes, then 10 of them, then silence with the stream still open.
        byte[] partial = [0, 0, 0, 0, 100, .. new byte[10]];
        using var hold = new CancellationTokenSource();
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_server.Address, InteropMethods.Upload.FullName))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new StallingContent(partial, hold.Token),
        };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/grpc");
        request.Headers.TryAddWithoutValidation("te", "trailers");
        long before = _server.Metrics.Sum(ProtocolErrors, "error.type=stalled");

        // Act
        Task<RawResponse> stalled = RawGrpc.SendAsync(_raw, request);
        EchoReply meanwhile = await _channel.UnaryAsync(InteropMethods.Echo, new EchoRequest { Text = "served" }).Within();
        RawResponse response = await stalled.Within();
        await hold.CancelAsync();

        // Assert
        Assert.Equal("served", meanwhile.Text);
        Assert.Equal("4", response.GrpcStatus);
        Assert.Contains("middle of a request message", response.GrpcMessage, StringComparison.Ordinal);
        Assert.Equal(before + 1, _server.Metrics.Sum(ProtocolErrors, "error.type=stalled"));
    }

    [Fact]
    public async Task AnyMethod_HundredsOfRandomBodies_AlwaysAGrpcStatusNeverAHang()
    {
        // Arrange
        var random = new Random(2024);
        string[] paths = [InteropMethods.Echo.FullName, InteropMethods.Upload.FullName, InteropMethods.Chat.FullName, InteropMethods.Download.FullName];

        for (int i = 0; i < 300; i++)
        {
            byte[] body = RandomBody(random);
            string path = paths[i % paths.Length];

            // Act
            RawResponse response = await RawGrpc.SendAsync(_raw, RawGrpc.Request(_server.Address, path, body));

            // Assert: a well-formed answer with a legal status for what was sent.
            Assert.True(response.HttpStatus == 200, $"case {i}: HTTP {response.HttpStatus}");
            Assert.True(response.GrpcStatus is "0" or "8" or "13", $"case {i} ({path}): grpc-status {response.GrpcStatus} {response.GrpcMessage}");
        }
        EchoReply after = await _channel.UnaryAsync(InteropMethods.Echo, new EchoRequest { Text = "alive" }).Within();
        Assert.Equal("alive", after.Text);
    }

    private static byte[] RandomBody(Random random)
    {
        switch (random.Next(4))
        {
            case 0:
                var noise = new byte[random.Next(0, 200)];
                random.NextBytes(noise);
                return noise;
            case 1:
                // A plausible prefix over random payload: protobuf garbage or a valid message by chance.
                var payload = new byte[random.Next(0, 100)];
                random.NextBytes(payload);
                return RawGrpc.Frame(payload);
            case 2:
                byte[] frame = RawGrpc.Frame(new EchoRequest { Text = "t", Payload = ByteString.CopyFrom(new byte[random.Next(0, 300)]) });
                return frame[..random.Next(0, frame.Length + 1)];
            default:
                byte[] lying = RawGrpc.Frame(new Chunk { Offset = 0, Data = ByteString.CopyFrom(new byte[random.Next(0, 50)]) });
                BinaryPrimitives.WriteUInt32BigEndian(lying.AsSpan(1), (uint)random.Next(0, 2 * ReceiveLimit));
                return lying;
        }
    }

    /// <summary>Sends some bytes, then keeps the request body open without sending more.</summary>
    private sealed class StallingContent(byte[] bytes, CancellationToken hold) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await stream.WriteAsync(bytes);
            await stream.FlushAsync();
            try
            {
                await Task.Delay(Timeout.Infinite, hold);
            }
            catch (OperationCanceledException)
            {
                // The test is over; end the body.
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = -1;
            return false;
        }
    }
}
