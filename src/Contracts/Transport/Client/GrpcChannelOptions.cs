using System.Net.Security;
using Microsoft.Extensions.Logging;

namespace AsyncRL.Contracts.Transport;

/// <summary>How a <see cref="GrpcChannel"/> connects and what it accepts.</summary>
public sealed class GrpcChannelOptions
{
    /// <summary>Largest response message accepted (default 4 MiB); larger ones fail the call with RESOURCE_EXHAUSTED.</summary>
    public int MaxReceiveMessageSize { get; set; } = GrpcServerOptions.DefaultMaxReceiveMessageSize;

    /// <summary>Largest request message sent; larger ones fail with RESOURCE_EXHAUSTED before sending.</summary>
    public int MaxSendMessageSize { get; set; } = int.MaxValue;

    /// <summary>Sent as <c>authorization: Bearer …</c> on every call, when set.</summary>
    public string? BearerToken { get; set; }

    /// <summary>Idle time on a connection before a keep-alive PING (finds dead peers on long streams).</summary>
    public TimeSpan KeepAlivePingDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long to wait for a PING's answer before dropping the connection.</summary>
    public TimeSpan KeepAlivePingTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>How long to wait for a connection (TCP and TLS) before the call fails with UNAVAILABLE.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// HTTP/2 receive window per stream. Large windows let one stream (weights) fill a fast link; the
    /// default of HttpClient (64 KiB, grown by RTT estimates) starts slowly.
    /// </summary>
    public int InitialStreamWindowSize { get; set; } = 8 * 1024 * 1024;

    /// <summary>Validates the server's certificate for https:// addresses (default: the system's trust store).</summary>
    public RemoteCertificateValidationCallback? RemoteCertificateValidation { get; set; }

    /// <summary>
    /// A handler to send requests through instead of the channel's own <see cref="System.Net.Http.SocketsHttpHandler"/>
    /// (tests, proxies). The channel does not dispose it.
    /// </summary>
    public HttpMessageHandler? HttpHandler { get; set; }

    /// <summary>Clock for deadlines.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Where the client logs (nothing when null).</summary>
    public ILoggerFactory? LoggerFactory { get; set; }
}

/// <summary>Per-call settings.</summary>
/// <param name="Headers">Metadata to send with the call.</param>
/// <param name="Deadline">When the caller stops waiting; sent as <c>grpc-timeout</c>. Null: no deadline.</param>
/// <param name="CancellationToken">Cancels the call (the server sees the stream reset).</param>
public readonly record struct CallOptions(
    Metadata? Headers = null,
    DateTimeOffset? Deadline = null,
    CancellationToken CancellationToken = default);
