using System.Net;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace AsyncRL.Contracts.Wire;

/// <summary>Kestrel settings for the learner's gRPC: HTTP/2-only listeners and limits sized for bulk transfer.</summary>
public static class GrpcKestrel
{
    /// <summary>HTTP/2 connection receive window: several streams of bulk uploads in flight at once.</summary>
    public const int ConnectionWindowSize = 32 * 1024 * 1024;

    /// <summary>
    /// HTTP/2 stream receive window: a few 1 MiB sample batches in flight per stream (more would only queue
    /// unread data in server memory; credits, not the window, pace the actors).
    /// </summary>
    public const int StreamWindowSize = 8 * 1024 * 1024;

    /// <summary>
    /// Large HTTP/2 flow-control windows and frames (Kestrel's defaults, 1 MiB / 768 KiB, throttle a single bulk
    /// stream), keep-alive pings to find dead peers, a response buffer that holds a whole 1 MiB message, and no
    /// whole-body size or minimum-rate limits (streams are long-lived; gRPC bounds messages).
    /// </summary>
    public static KestrelServerOptions ConfigureGrpcDefaults(this KestrelServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var limits = options.Limits;
        limits.Http2.InitialConnectionWindowSize = ConnectionWindowSize;
        limits.Http2.InitialStreamWindowSize = StreamWindowSize;
        limits.Http2.MaxFrameSize = 1024 * 1024 - 1; // the largest DATA frame we accept: fewer frames per message
        limits.Http2.MaxStreamsPerConnection = 1000;
        limits.Http2.KeepAlivePingDelay = TimeSpan.FromSeconds(30);
        limits.Http2.KeepAlivePingTimeout = TimeSpan.FromSeconds(20);
        limits.MaxRequestBodySize = null;
        limits.MinRequestBodyDataRate = null;
        limits.MinResponseDataRate = null;
        // How much response data one stream may have queued before a write waits: with Kestrel's 64 KiB, a
        // 1 MiB message makes the handler and the frame writer take turns 16 times.
        limits.MaxResponseBufferSize = 2 * 1024 * 1024;
        options.AddServerHeader = false;
        return options;
    }

    /// <summary>
    /// Listens on <paramref name="endPoint"/>: HTTP/2 only, cleartext with prior knowledge, or TLS (ALPN h2,
    /// TLS 1.2+) when a certificate is given. Port 0 picks a free port.
    /// </summary>
    public static KestrelServerOptions ListenGrpc(this KestrelServerOptions options, IPEndPoint endPoint, X509Certificate2? certificate = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(endPoint);
        options.Listen(endPoint, listen =>
        {
            listen.Protocols = HttpProtocols.Http2;
            if (certificate is not null)
            {
                listen.UseHttps(https =>
                {
                    https.ServerCertificate = certificate;
                    https.SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13;
                });
            }
        });
        return options;
    }
}
