namespace AsyncRL.Contracts.Transport;

/// <summary>How mapped gRPC services receive and answer calls. Set through <c>AddGrpcTransport</c>.</summary>
public sealed class GrpcServerOptions
{
    /// <summary>The default receive limit: 4 MiB, as in other gRPC implementations.</summary>
    public const int DefaultMaxReceiveMessageSize = 4 * 1024 * 1024;

    /// <summary>Largest request message accepted; larger ones end the call with RESOURCE_EXHAUSTED.</summary>
    public int MaxReceiveMessageSize { get; set; } = DefaultMaxReceiveMessageSize;

    /// <summary>Largest response message sent; larger ones end the call with RESOURCE_EXHAUSTED.</summary>
    public int MaxSendMessageSize { get; set; } = int.MaxValue;

    /// <summary>
    /// How long a partly received request message may go without new bytes before the call ends with
    /// DEADLINE_EXCEEDED. Streams may idle between messages for as long as they like; this only bounds a
    /// client that stalls inside one (it holds a buffer). <see cref="Timeout.InfiniteTimeSpan"/>: no limit.
    /// </summary>
    public TimeSpan MessageStallTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Checks each call before its handler runs (e.g. <see cref="BearerTokenAuthenticator"/>); services
    /// built with <see cref="ServiceDefinitionBuilder.AllowAnonymous"/> skip it. Null: no check.
    /// </summary>
    public IGrpcCallAuthenticator? Authenticator { get; set; }

    /// <summary>Whether an unexpected handler exception's message goes to the client (off: it may leak internals).</summary>
    public bool IncludeExceptionDetails { get; set; }

    /// <summary>Clock for deadlines and the stall timeout.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}

/// <summary>Decides whether a call may proceed, before its handler runs.</summary>
public interface IGrpcCallAuthenticator
{
    /// <summary>OK to let the call through; any other status ends it (typically UNAUTHENTICATED).</summary>
    ValueTask<Status> AuthenticateAsync(ServerCallContext context);
}
