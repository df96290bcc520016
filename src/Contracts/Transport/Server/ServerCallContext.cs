using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace AsyncRL.Contracts.Transport;

/// <summary>What a server handler knows about its call, and how it shapes the answer beyond messages.</summary>
public sealed class ServerCallContext : IDisposable
{
    private readonly GrpcServerOptions _options;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private Metadata? _requestHeaders;
    private Metadata? _responseTrailers;
    private CancellationTokenSource? _deadlineSource;
    private CancellationTokenSource? _callSource;
    private bool _headersSent;
    private bool _messageWritten;
    private bool _finished;

    internal ServerCallContext(HttpContext httpContext, string method, GrpcServerOptions options)
    {
        HttpContext = httpContext;
        Method = method;
        _options = options;
        CancellationToken = httpContext.RequestAborted;
        StringValues traceParent = httpContext.Request.Headers[GrpcProtocol.TraceParentHeader];
        if (traceParent.Count == 1)
        {
            string? traceState = httpContext.Request.Headers[GrpcProtocol.TraceStateHeader];
            if (ActivityContext.TryParse(traceParent[0], traceState, isRemote: true, out ActivityContext parent)) TraceParent = parent;
        }
    }

    /// <summary>The ASP.NET Core context of the call (connection, features, services).</summary>
    public HttpContext HttpContext { get; }

    /// <summary>The method's path, e.g. <c>/asyncrl.v1.Learner/Register</c>.</summary>
    public string Method { get; }

    /// <summary>The client's address in gRPC form (<c>ipv4:127.0.0.1:50123</c>, <c>ipv6:[::1]:50123</c>).</summary>
    public string Peer
    {
        get
        {
            var connection = HttpContext.Connection;
            if (connection.RemoteIpAddress is not { } ip) return "unknown";
            string port = connection.RemotePort.ToString(CultureInfo.InvariantCulture);
            return ip.AddressFamily == AddressFamily.InterNetworkV6 ? $"ipv6:[{ip}]:{port}" : $"ipv4:{ip}:{port}";
        }
    }

    /// <summary>When the client stops waiting (from <c>grpc-timeout</c>); null when it set no deadline.</summary>
    public DateTimeOffset? Deadline { get; private set; }

    /// <summary>Cancelled when the client goes away or the deadline passes.</summary>
    public CancellationToken CancellationToken { get; private set; }

    /// <summary>The client's metadata (custom headers; protocol headers left out).</summary>
    public Metadata RequestHeaders => _requestHeaders ??= ReadRequestHeaders();

    /// <summary>Metadata sent with the status at the end of the call.</summary>
    public Metadata ResponseTrailers => _responseTrailers ??= [];

    /// <summary>
    /// The status the call ends with when the handler returns normally. A handler may set an error here
    /// instead of throwing <see cref="RpcException"/>.
    /// </summary>
    public Status Status { get; set; } = Status.DefaultSuccess;

    /// <summary>The caller's span context from <c>traceparent</c>/<c>tracestate</c> (default when absent or malformed).</summary>
    public ActivityContext TraceParent { get; }

    /// <summary>Sends response headers now (at most once, before the first message).</summary>
    public async ValueTask WriteResponseHeadersAsync(Metadata headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        await _writeLock.WaitAsync(CancellationToken).ConfigureAwait(false);
        try
        {
            if (_finished) throw new InvalidOperationException("The call has already finished.");
            if (_headersSent || _messageWritten) throw new InvalidOperationException("Response headers have already been sent.");
            foreach (MetadataEntry entry in headers)
            {
                HttpContext.Response.Headers.Append(entry.Key, MetadataHeaders.ToHeaderValue(entry));
            }
            _headersSent = true;
            await HttpContext.Response.StartAsync(CancellationToken).ConfigureAwait(false);
            await HttpContext.Response.BodyWriter.FlushAsync(CancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _callSource?.Dispose();
        _deadlineSource?.Dispose();
        _writeLock.Dispose();
    }

    internal bool DeadlineExceeded => _deadlineSource?.IsCancellationRequested == true;

    /// <summary>Completes when the deadline passes; null without a deadline.</summary>
    internal Task? DeadlineTask { get; private set; }

    /// <summary>The first protocol violation found in the request stream, if any.</summary>
    internal ProtocolError ProtocolError { get; set; }

    internal Status? ProtocolErrorStatus { get; set; }

    /// <summary>grpc-encoding of the request messages (null: identity).</summary>
    internal string? RequestEncoding { get; private set; }

    internal GrpcServerOptions Options => _options;

    /// <summary>
    /// Reads the protocol headers; returns a status when the call must end before its handler runs, with
    /// the protocol error behind it (None when the refusal is not a protocol violation).
    /// </summary>
    internal Status? Start(out ProtocolError error)
    {
        error = ProtocolError.None;
        var headers = HttpContext.Request.Headers;
        string? encoding = headers[GrpcProtocol.EncodingHeader];
        if (!MessageCompression.IsSupported(encoding))
        {
            HttpContext.Response.Headers[GrpcProtocol.AcceptEncodingHeader] = GrpcProtocol.SupportedEncodings;
            error = ProtocolError.UnsupportedEncoding;
            return new Status(StatusCode.Unimplemented, $"Unsupported grpc-encoding '{encoding}'; supported: {GrpcProtocol.SupportedEncodings}.");
        }
        RequestEncoding = MessageCompression.IsIdentity(encoding) ? null : encoding;

        string? timeoutValue = headers[GrpcProtocol.TimeoutHeader];
        if (timeoutValue is null) return null;
        if (!GrpcProtocol.TryParseTimeout(timeoutValue, out TimeSpan timeout))
        {
            error = ProtocolError.BadTimeout;
            return new Status(StatusCode.Internal, $"Malformed grpc-timeout '{timeoutValue}'.");
        }
        // Timers take at most ~49 days; a longer deadline is no deadline in practice.
        if (timeout.TotalMilliseconds >= uint.MaxValue - 1) return null;
        Deadline = _options.TimeProvider.GetUtcNow() + timeout;
        if (timeout <= TimeSpan.Zero) return new Status(StatusCode.DeadlineExceeded, "Deadline exceeded before the call started.");

        _deadlineSource = new CancellationTokenSource(timeout, _options.TimeProvider);
        _callSource = CancellationTokenSource.CreateLinkedTokenSource(HttpContext.RequestAborted, _deadlineSource.Token);
        CancellationToken = _callSource.Token;
        DeadlineTask = Task.Delay(Timeout.Infinite, _deadlineSource.Token);
        return null;
    }

    /// <summary>Frames and writes one response message; flushes when asked (streams flush every message).</summary>
    internal async ValueTask WriteMessageAsync<T>(T message, Marshaller<T> marshaller, bool flush, CancellationToken cancellationToken)
    {
        CancellationToken token = CancellationToken;
        CancellationTokenSource? linked = null;
        if (cancellationToken.CanBeCanceled && cancellationToken != token)
        {
            linked = CancellationTokenSource.CreateLinkedTokenSource(token, cancellationToken);
            token = linked.Token;
        }
        try
        {
            await _writeLock.WaitAsync(token).ConfigureAwait(false);
            try
            {
                if (_finished) throw new InvalidOperationException("The call has already finished; no more messages can be written.");
                var writer = HttpContext.Response.BodyWriter;
                MessageWriter.Write(writer, message, marshaller, _options.MaxSendMessageSize, "response");
                _messageWritten = true;
                if (!flush) return;
                var result = await writer.FlushAsync(token).ConfigureAwait(false);
                if (result.IsCanceled || result.IsCompleted)
                {
                    token.ThrowIfCancellationRequested();
                    throw new OperationCanceledException("The client is no longer reading the response.", CancellationToken);
                }
            }
            finally
            {
                _writeLock.Release();
            }
        }
        finally
        {
            linked?.Dispose();
        }
    }

    /// <summary>
    /// Ends the call with <paramref name="status"/>: in trailers after messages, or Trailers-Only (status in
    /// the one header block) when nothing was sent. Later calls do nothing.
    /// </summary>
    internal async ValueTask FinishAsync(Status status, bool completeResponse)
    {
        await _writeLock.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            if (_finished) return;
            _finished = true;
            if (HttpContext.RequestAborted.IsCancellationRequested) return; // nobody left to tell
            var response = HttpContext.Response;
            if (!_headersSent && !_messageWritten && !response.HasStarted)
            {
                var headers = response.Headers;
                headers[GrpcProtocol.StatusHeader] = GrpcProtocol.StatusString(status.StatusCode);
                if (status.Detail.Length > 0) headers[GrpcProtocol.MessageHeader] = PercentEncoding.Encode(status.Detail);
                if (_responseTrailers is not null)
                {
                    foreach (MetadataEntry entry in _responseTrailers) headers.Append(entry.Key, MetadataHeaders.ToHeaderValue(entry));
                }
            }
            else
            {
                response.AppendTrailer(GrpcProtocol.StatusHeader, GrpcProtocol.StatusString(status.StatusCode));
                if (status.Detail.Length > 0) response.AppendTrailer(GrpcProtocol.MessageHeader, PercentEncoding.Encode(status.Detail));
                if (_responseTrailers is not null)
                {
                    foreach (MetadataEntry entry in _responseTrailers) response.AppendTrailer(entry.Key, MetadataHeaders.ToHeaderValue(entry));
                }
            }
            if (completeResponse) await response.CompleteAsync().ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private Metadata ReadRequestHeaders()
    {
        var metadata = new Metadata();
        foreach (var header in HttpContext.Request.Headers)
        {
            MetadataHeaders.AddHeader(metadata, header.Key, header.Value);
        }
        return metadata;
    }
}
