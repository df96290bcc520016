using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using Google.Protobuf;

namespace AsyncRL.Contracts.Tests.Support;

/// <summary>
/// Hand-made gRPC requests over plain HttpClient, for what Grpc.Net.Client would never send: a grpc-timeout
/// with no client-side timer behind it, HTTP/1.1.
/// </summary>
internal static class RawGrpc
{
    public static HttpClient CreateClient() => new(new SocketsHttpHandler { UseProxy = false })
    {
        DefaultRequestVersion = HttpVersion.Version20,
        DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        Timeout = TimeSpan.FromSeconds(30),
    };

    /// <summary>One length-prefixed message, uncompressed.</summary>
    public static byte[] Frame(IMessage message)
    {
        byte[] payload = message.ToByteArray();
        var frame = new byte[5 + payload.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)payload.Length);
        payload.CopyTo(frame, 5);
        return frame;
    }

    public static HttpRequestMessage Request(Uri server, string path, byte[] body, string contentType = "application/grpc",
        Version? version = null, params (string Name, string Value)[] headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(server, path))
        {
            Version = version ?? HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(body),
        };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        request.Headers.TryAddWithoutValidation("te", "trailers");
        foreach (var (name, value) in headers) request.Headers.TryAddWithoutValidation(name, value);
        return request;
    }

    /// <summary>Sends and reads the whole answer: HTTP status, body, gRPC status and message (headers or trailers).</summary>
    public static async Task<RawResponse> SendAsync(HttpClient client, HttpRequestMessage request)
    {
        using HttpResponseMessage response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).Within();
        byte[] body = await response.Content.ReadAsByteArrayAsync().Within();
        return new RawResponse(
            (int)response.StatusCode,
            body,
            Get(response.Headers, "grpc-status") ?? Get(response.TrailingHeaders, "grpc-status"),
            Get(response.Headers, "grpc-message") ?? Get(response.TrailingHeaders, "grpc-message"));
    }

    private static string? Get(HttpHeaders headers, string name) =>
        headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;
}

internal sealed record RawResponse(int HttpStatus, byte[] Body, string? GrpcStatus, string? GrpcMessage);
