using System.Diagnostics;
using System.Globalization;
using System.IO.Pipelines;
using System.Net;
using System.Net.Http.Headers;

namespace AsyncRL.Contracts.Transport;

internal sealed partial class ClientCall<TRequest, TResponse>
{
    private void Send(HttpContent content)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, _channel.GetMethodUri(_method.FullName))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = content,
        };
        HttpRequestHeaders headers = request.Headers;
        headers.TryAddWithoutValidation("te", "trailers");
        headers.TryAddWithoutValidation("user-agent", GrpcProtocol.UserAgent);
        headers.TryAddWithoutValidation(GrpcProtocol.AcceptEncodingHeader, GrpcProtocol.SupportedEncodings);
        if (_channel.Options.BearerToken is { } token) headers.TryAddWithoutValidation(GrpcProtocol.AuthorizationHeader, "Bearer " + token);
        bool hasTraceParent = false;
        if (_options.Headers is { } metadata)
        {
            foreach (MetadataEntry entry in metadata)
            {
                headers.TryAddWithoutValidation(entry.Key, MetadataHeaders.ToHeaderValue(entry));
                hasTraceParent |= entry.Key == GrpcProtocol.TraceParentHeader;
            }
        }
        // Continue the caller's trace on the server unless the caller chose a parent explicitly.
        if (!hasTraceParent && (_activity ?? Activity.Current) is { IdFormat: ActivityIdFormat.W3C } parent)
        {
            headers.TryAddWithoutValidation(GrpcProtocol.TraceParentHeader, parent.Id);
            if (parent.TraceStateString is { Length: > 0 } state) headers.TryAddWithoutValidation(GrpcProtocol.TraceStateHeader, state);
        }
        _request = request;

        if (_options.Deadline is { } deadline)
        {
            TimeProvider clock = _channel.Options.TimeProvider;
            TimeSpan remaining = deadline - clock.GetUtcNow();
            if (remaining <= TimeSpan.Zero)
            {
                // Already late: fail without sending, as the server would only answer DEADLINE_EXCEEDED.
                _deadlineExceeded = true;
                _responseTask = Task.FromException<HttpResponseMessage>(
                    Fail(new RpcException(StatusCode.DeadlineExceeded, "Deadline exceeded before the call started.")));
                _streamingContent?.Abort(new RpcException(GetStatus()));
                return;
            }
            headers.TryAddWithoutValidation(GrpcProtocol.TimeoutHeader, GrpcProtocol.FormatTimeout(remaining));
            if (remaining.TotalMilliseconds < uint.MaxValue - 1)
            {
                _deadlineTimer = clock.CreateTimer(static state => ((ClientCall<TRequest, TResponse>)state!).OnDeadline(),
                    this, remaining, Timeout.InfiniteTimeSpan);
            }
        }
        _responseTask = SendAsync(request);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request)
    {
        HttpResponseMessage response;
        try
        {
            response = await _channel.Invoker.SendAsync(request, _token).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Exception failure = Fail(ex);
            _streamingContent?.Abort(failure);
            throw failure;
        }

        _streamingContent?.Accept();
        try
        {
            CheckResponseHeaders(response);
        }
        catch (Exception ex)
        {
            response.Dispose();
            throw Fail(ex);
        }
        return response;
    }

    private void CheckResponseHeaders(HttpResponseMessage response)
    {
        int httpStatus = (int)response.StatusCode;
        if (httpStatus != 200)
        {
            // A non-200 answer comes from something that is not a gRPC handler: map the HTTP status.
            string detail = $"Bad gRPC response. HTTP status code: {httpStatus}.";
            if (TryGetHeader(response.Headers, GrpcProtocol.MessageHeader, out string? message)) detail += " " + PercentEncoding.Decode(message);
            throw new RpcException(new Status(GrpcProtocol.FromHttpStatus(httpStatus), detail));
        }
        if (TryGetHeader(response.Headers, GrpcProtocol.StatusHeader, out _))
        {
            // Trailers-Only: the only header block carries the status.
            Status status = ReadStatus(response.Headers, out Metadata trailers, "headers");
            Finish(status, trailers);
            return;
        }
        TryGetHeader(response.Content.Headers, "content-type", out string? contentType);
        if (!GrpcProtocol.IsGrpcContentType(contentType))
        {
            throw new RpcException(StatusCode.Internal, $"Bad gRPC response. Invalid content-type value: '{contentType}'.");
        }
        if (TryGetHeader(response.Headers, GrpcProtocol.EncodingHeader, out string? encoding) && !MessageCompression.IsSupported(encoding))
        {
            throw new RpcException(StatusCode.Internal, $"The server sent messages in unsupported grpc-encoding '{encoding}'.");
        }
    }

    private MessageReader<TResponse> CreateReader(HttpResponseMessage response)
    {
        Stream stream = response.Content.ReadAsStream(_token);
        // Read in large blocks: a 1 MiB weights chunk then spans a few segments, not hundreds.
        _body = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 256 * 1024, minimumReadSize: 64 * 1024, leaveOpen: true));
        TryGetHeader(response.Headers, GrpcProtocol.EncodingHeader, out string? encoding);
        return new MessageReader<TResponse>(_body, _method.ResponseMarshaller, _channel.Options.MaxReceiveMessageSize,
            MessageCompression.IsIdentity(encoding) ? null : encoding, "response", Timeout.InfiniteTimeSpan, _channel.Options.TimeProvider);
    }

    private async Task<Metadata> ReadResponseHeadersAsync()
    {
        HttpResponseMessage response = await _responseTask!.ConfigureAwait(false);
        var metadata = new Metadata();
        foreach (var header in response.Headers.NonValidated)
        {
            MetadataHeaders.AddHeader(metadata, header.Key, header.Value);
        }
        return metadata;
    }

    /// <summary>grpc-status and grpc-message from trailers (or Trailers-Only headers); the rest becomes metadata.</summary>
    private static Status ReadStatus(HttpHeaders headers, out Metadata trailers, string where)
    {
        trailers = new Metadata();
        foreach (var header in headers.NonValidated)
        {
            MetadataHeaders.AddHeader(trailers, header.Key, header.Value);
        }
        if (!TryGetHeader(headers, GrpcProtocol.StatusHeader, out string? statusText))
        {
            return new Status(StatusCode.Internal, $"No grpc-status found in the response {where}.");
        }
        if (!int.TryParse(statusText, NumberStyles.None, CultureInfo.InvariantCulture, out int code))
        {
            return new Status(StatusCode.Unknown, $"Unparseable grpc-status '{statusText}'.");
        }
        TryGetHeader(headers, GrpcProtocol.MessageHeader, out string? message);
        return new Status((StatusCode)code, message is null ? string.Empty : PercentEncoding.Decode(message));
    }

    private static bool TryGetHeader(HttpHeaders headers, string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? value)
    {
        if (headers.NonValidated.TryGetValues(name, out HeaderStringValues values))
        {
            foreach (string item in values)
            {
                value = item;
                return true;
            }
        }
        value = null;
        return false;
    }

    private Exception Translate(Exception exception)
    {
        if (exception is RpcException rpc) return rpc;
        if (_final is { Status.StatusCode: not StatusCode.OK } known) return new RpcException(known.Status, known.Trailers, exception);
        if (_deadlineExceeded) return new RpcException(new Status(StatusCode.DeadlineExceeded, "Deadline exceeded."), Metadata.Empty, exception);
        if (_options.CancellationToken.IsCancellationRequested)
        {
            return new OperationCanceledException("The call was cancelled.", exception, _options.CancellationToken);
        }
        if (_disposed) return new RpcException(new Status(StatusCode.Cancelled, "The call was disposed."), Metadata.Empty, exception);
        var protocolError = exception as HttpProtocolException ?? exception.InnerException as HttpProtocolException;
        if (protocolError is not null)
        {
            return new RpcException(new Status(FromHttp2ErrorCode(protocolError.ErrorCode),
                $"The HTTP/2 stream was reset (error code {protocolError.ErrorCode}): {protocolError.Message}"), Metadata.Empty, exception);
        }
        if (exception is HttpRequestException or IOException)
        {
            return new RpcException(new Status(StatusCode.Unavailable, $"Error talking to {_channel.Address}: {exception.Message}"), Metadata.Empty, exception);
        }
        if (exception is OperationCanceledException)
        {
            return new RpcException(new Status(StatusCode.Cancelled, "The call was cancelled."), Metadata.Empty, exception);
        }
        return new RpcException(new Status(StatusCode.Internal, $"Error in the call: {exception.Message}"), Metadata.Empty, exception);
    }

    /// <summary>RST_STREAM / GOAWAY codes to gRPC codes, as PROTOCOL-HTTP2 lists them.</summary>
    private static StatusCode FromHttp2ErrorCode(long code) => code switch
    {
        0x7 => StatusCode.Unavailable,       // REFUSED_STREAM: safe to retry
        0x8 => StatusCode.Cancelled,         // CANCEL
        0xb => StatusCode.ResourceExhausted, // ENHANCE_YOUR_CALM
        0xc => StatusCode.PermissionDenied,  // INADEQUATE_SECURITY
        _ => StatusCode.Internal,
    };

    private void Finish(Status status, Metadata trailers)
    {
        if (Interlocked.CompareExchange(ref _final, new FinalState(status, trailers), null) is not null) return;
        _deadlineTimer?.Dispose();
        // The response is complete: end our half of the stream too, if the caller left it open.
        _streamingContent?.Complete();
        if (_activity is not null)
        {
            _activity.SetTag("rpc.grpc.status_code", (int)status.StatusCode);
            if (status.StatusCode != StatusCode.OK) _activity.SetStatus(ActivityStatusCode.Error, status.Detail);
            _activity.Stop();
        }
    }

    private void OnDeadline()
    {
        if (_final is not null) return;
        GrpcClientLog.DeadlineReached(_channel.Logger, _method.FullName);
        _deadlineExceeded = true;
        Cancel();
    }

    private void Cancel()
    {
        try
        {
            _cts.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The call is already disposed; nothing left to reset.
        }
    }

    private sealed record FinalState(Status Status, Metadata Trailers);
}
