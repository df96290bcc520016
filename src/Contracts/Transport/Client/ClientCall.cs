using System.Diagnostics;
using System.IO.Pipelines;
using System.Net;
using System.Net.Http.Headers;

namespace AsyncRL.Contracts.Transport;

/// <summary>
/// One call from the client side: sends the HTTP/2 request, validates the response headers, reads framed
/// messages, and turns trailers (or a Trailers-Only header block) into a final status. Failures surface as
/// <see cref="RpcException"/>, except cancellation by the caller's own token, which surfaces as
/// <see cref="OperationCanceledException"/> as everywhere else in .NET.
/// </summary>
internal sealed partial class ClientCall<TRequest, TResponse> : IClientCall
{
    private readonly GrpcChannel _channel;
    private readonly Method<TRequest, TResponse> _method;
    private readonly CallOptions _options;
    private readonly CancellationTokenSource _cts;
    private readonly CancellationToken _token; // kept: the source is disposed with the call
    private readonly Activity? _activity;
    private ITimer? _deadlineTimer;
    private volatile bool _deadlineExceeded;
    private volatile bool _disposed;
    private HttpRequestMessage? _request;
    private Task<HttpResponseMessage>? _responseTask;
    private Task<Metadata>? _headersTask;
    private MessageReader<TResponse>? _reader;
    private PipeReader? _body;
    private StreamingRequestContent? _streamingContent;
    private volatile FinalState? _final; // set once, read from any thread

    public ClientCall(GrpcChannel channel, Method<TRequest, TResponse> method, CallOptions options)
    {
        _channel = channel;
        _method = method;
        _options = options;
        _cts = options.CancellationToken.CanBeCanceled
            ? CancellationTokenSource.CreateLinkedTokenSource(options.CancellationToken)
            : new CancellationTokenSource();
        _token = _cts.Token;
        if (GrpcTelemetry.ActivitySource.HasListeners())
        {
            // Start the client span without leaving it as the caller's current activity.
            Activity? previous = Activity.Current;
            _activity = GrpcTelemetry.ActivitySource.StartActivity(method.FullName.TrimStart('/'), ActivityKind.Client);
            _activity?.SetTag("rpc.system", "grpc");
            _activity?.SetTag("rpc.method", method.FullName);
            Activity.Current = previous;
        }
    }

    public Method<TRequest, TResponse> Method => _method;

    public CancellationToken CallToken => _token;

    public int MaxSendMessageSize => _channel.Options.MaxSendMessageSize;

    /// <summary>Starts a unary or server-streaming call with its one request.</summary>
    public void Start(TRequest request)
    {
        var buffer = new PooledBufferWriter(4096);
        try
        {
            MessageWriter.Write(buffer, request, _method.RequestMarshaller, _channel.Options.MaxSendMessageSize, "request");
        }
        catch
        {
            buffer.Dispose();
            Dispose();
            throw;
        }
        Send(new SingleMessageContent(buffer));
    }

    /// <summary>Starts a client- or bidirectional-streaming call; messages follow through the returned writer.</summary>
    public IClientStreamWriter<TRequest> StartStreaming()
    {
        _streamingContent = new StreamingRequestContent();
        Send(_streamingContent);
        return new ClientStreamWriter<TRequest, TResponse>(this, _streamingContent);
    }

    public Task<Metadata> ResponseHeadersAsync => _headersTask ??= ReadResponseHeadersAsync();

    public bool TryGetStatus(out Status status)
    {
        FinalState? final = _final;
        status = final?.Status ?? default;
        return final is not null;
    }

    public Status GetStatus() => (_final ?? throw new InvalidOperationException("The call has not finished yet.")).Status;

    public Metadata GetTrailers() => (_final ?? throw new InvalidOperationException("The call has not finished yet.")).Trailers;

    /// <summary>Reads the next response message; false once the call has ended with OK.</summary>
    public async ValueTask<(bool HasMessage, TResponse Message)> ReadAsync(CancellationToken cancellationToken)
    {
        HttpResponseMessage response = await _responseTask!.ConfigureAwait(false);
        if (_final is { } finished)
        {
            if (finished.Status.StatusCode == StatusCode.OK) return (false, default!);
            throw new RpcException(finished.Status, finished.Trailers);
        }
        CancellationTokenSource? linked = cancellationToken.CanBeCanceled
            ? CancellationTokenSource.CreateLinkedTokenSource(_token, cancellationToken)
            : null;
        try
        {
            _reader ??= CreateReader(response);
            var (hasMessage, message) = await _reader.ReadAsync(linked?.Token ?? _token).ConfigureAwait(false);
            if (hasMessage) return (true, message);
            Status status = ReadStatus(response.TrailingHeaders, out Metadata trailers, "trailers");
            Finish(status, trailers);
            if (status.StatusCode != StatusCode.OK) throw new RpcException(status, trailers);
            return (false, default!);
        }
        catch (RpcException ex) when (_final is null)
        {
            throw Fail(ex); // a local refusal (too large, undeserializable): reset the stream
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested && !_token.IsCancellationRequested)
        {
            throw; // only this read was cancelled, not the call
        }
        catch (Exception ex) when (ex is not RpcException)
        {
            throw Fail(ex);
        }
        finally
        {
            linked?.Dispose();
        }
    }

    /// <summary>Reads the single response of a unary or client-streaming call and the status after it.</summary>
    public async Task<TResponse> ReadSingleAsync()
    {
        var (hasMessage, message) = await ReadAsync(CancellationToken.None).ConfigureAwait(false);
        if (!hasMessage) throw Fail(new RpcException(StatusCode.Internal, "The server ended the call with OK but sent no response message."));
        var (hasSecond, _) = await ReadAsync(CancellationToken.None).ConfigureAwait(false);
        if (hasSecond) throw Fail(new RpcException(StatusCode.Internal, "The server sent more than one response message for a single-response method."));
        return message;
    }

    /// <summary>Translates a failure, records it as the call's status, and resets the HTTP/2 stream.</summary>
    public Exception Fail(Exception exception)
    {
        Exception translated = Translate(exception);
        if (translated is RpcException rpc)
        {
            GrpcClientLog.CallFailed(_channel.Logger, _method.FullName, rpc.StatusCode, rpc.Status.Detail, exception);
            Finish(rpc.Status, rpc.Trailers);
        }
        else
        {
            Finish(new Status(StatusCode.Cancelled, "The call was cancelled."), Metadata.Empty);
        }
        Cancel();
        return translated;
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        if (_final is null) Finish(new Status(StatusCode.Cancelled, "The call was disposed before it finished."), Metadata.Empty);
        Cancel();
        _reader?.Dispose();
        _body?.Complete();
        if (_responseTask is { IsCompletedSuccessfully: true }) _responseTask.Result.Dispose();
        _request?.Dispose();
        _cts.Dispose();
    }
}
