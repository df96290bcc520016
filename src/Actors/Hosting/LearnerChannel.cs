using System.Net.Http;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging;

namespace AsyncRL.Actors.Hosting;

/// <summary>The node's one connection to the learner: a <see cref="GrpcChannel"/> tuned for long-lived streams.</summary>
internal static class LearnerChannel
{
    /// <summary>
    /// HTTP/2 stream receive window: a 1 MiB weights chunk and the next in flight, so a weights stream is not
    /// paced by window updates (the handler's default is 64 KiB, grown only as the connection measures itself).
    /// </summary>
    public const int StreamWindowSize = 8 * 1024 * 1024;

    public static GrpcChannel Create(Uri address, ActorNodeOptions options, ILoggerFactory loggerFactory)
    {
        var handler = new SocketsHttpHandler
        {
            // Pings find a learner that vanished without closing the connection (a killed pod, a cut link).
            KeepAlivePingDelay = TimeSpan.FromSeconds(30),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(20),
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.Always,
            // One actor slot's stream per HTTP/2 stream; past the learner's stream limit, a second connection.
            EnableMultipleHttp2Connections = true,
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
            ConnectTimeout = options.CallTimeout,
            InitialHttp2StreamWindowSize = StreamWindowSize,
        };
        if (options.RemoteCertificateValidation is { } validate) handler.SslOptions.RemoteCertificateValidationCallback = validate;
        return GrpcChannel.ForAddress(address, new GrpcChannelOptions
        {
            HttpHandler = handler,
            DisposeHttpClient = true,
            LoggerFactory = loggerFactory,
            // Not ThrowOperationCanceledOnCancellation: it turns an expired deadline into OperationCanceledException too,
            // which would end a GetWeights retry loop instead of retrying; RunEnd.IsCancellation reads CANCELLED instead.
            // Sends are bounded by the learner's limit, which answers RESOURCE_EXHAUSTED; receives are 1 MiB chunks.
            MaxSendMessageSize = null,
        });
    }

    /// <summary>Calls through <paramref name="channel"/>, each with <c>authorization: Bearer TOKEN</c> when a token is set.</summary>
    public static CallInvoker Invoker(GrpcChannel channel, string? token)
    {
        ArgumentNullException.ThrowIfNull(channel);
        if (string.IsNullOrEmpty(token)) return channel.CreateCallInvoker();
        string header = "Bearer " + token;
        return channel.Intercept(metadata =>
        {
            metadata.Add("authorization", header);
            return metadata;
        });
    }
}
