using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using AsyncRL.Contracts;
using AsyncRL.Contracts.V1;
using Google.Protobuf;
using Grpc.Core;

namespace AsyncRL.IntegrationTests.BadInput;

/// <summary>
/// gRPC requests built by hand over HttpClient (HTTP/2 with prior knowledge, as Grpc.Net.Client speaks it), for what
/// a well-behaved client never sends: cut frames, wrong flags, wrong content types, a message that stops half way.
/// </summary>
internal static class RawCall
{
    public static HttpClient CreateClient() => new(new SocketsHttpHandler { UseProxy = false, EnableMultipleHttp2Connections = true })
    {
        DefaultRequestVersion = HttpVersion.Version20,
        DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        Timeout = Timeout.InfiniteTimeSpan,
    };

    /// <summary><c>PushSamples</c> with requests sent as the bytes given: for messages the generated code would never write.</summary>
    public static Method<byte[], PushAck> PushSamplesBytes { get; } = new(MethodType.DuplexStreaming, LearnerMethods.ServiceName, "PushSamples",
        Marshallers.Create((byte[] b) => b, b => b), Marshallers.Create((PushAck a) => a.ToByteArray(), PushAck.Parser.ParseFrom));

    /// <summary>The 5-byte gRPC message prefix (compressed flag, big-endian length) and the payload.</summary>
    public static byte[] Frame(ReadOnlySpan<byte> payload, bool compressed = false, uint? announcedLength = null)
    {
        var frame = new byte[5 + payload.Length];
        frame[0] = compressed ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), announcedLength ?? (uint)payload.Length);
        payload.CopyTo(frame.AsSpan(5));
        return frame;
    }

    /// <summary>A POST of <paramref name="content"/> to <c>/asyncrl.v1.Learner/{method}</c> with the learner's token.</summary>
    public static HttpRequestMessage Request(Uri learner, string method, HttpContent content, string contentType = "application/grpc",
        Version? version = null, params (string Name, string Value)[] headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(learner, "/asyncrl.v1.Learner/" + method))
        {
            Version = version ?? HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = content,
        };
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        request.Headers.TryAddWithoutValidation("te", "trailers");
        request.Headers.TryAddWithoutValidation("authorization", "Bearer " + BadInputLearner.Token);
        foreach (var (name, value) in headers) request.Headers.TryAddWithoutValidation(name, value);
        return request;
    }

    /// <summary>Sends and reads the whole answer: HTTP status, and the gRPC status and message from the headers or trailers.</summary>
    public static async Task<RawAnswer> SendAsync(HttpClient client, HttpRequestMessage request)
    {
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).WaitAsync(Eventually.Wait);
        await response.Content.ReadAsByteArrayAsync().WaitAsync(Eventually.Wait);
        string? Get(string name) =>
            response.Headers.TryGetValues(name, out var values) || response.TrailingHeaders.TryGetValues(name, out values) ? values.First() : null;
        string? message = Get("grpc-message");
        return new RawAnswer((int)response.StatusCode, Get("grpc-status"), message is null ? null : Uri.UnescapeDataString(message));
    }
}

/// <summary>What came back for a hand-made request.</summary>
internal sealed record RawAnswer(int HttpStatus, string? GrpcStatus, string? GrpcMessage);

/// <summary>A request body that sends its first bytes, then nothing more until the request is torn down: a stalled client.</summary>
internal sealed class StallingContent(byte[] head) : HttpContent
{
    private readonly TaskCompletionSource _sent = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes once the first bytes are on their way.</summary>
    public Task Sent => _sent.Task;

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        await stream.WriteAsync(head, cancellationToken);
        await stream.FlushAsync(cancellationToken);
        _sent.TrySetResult();
        try
        {
            // The request body stays open with nothing more to say; the learner must end the call.
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // the call ended: the learner cut it off, or the test gave up
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }
}
