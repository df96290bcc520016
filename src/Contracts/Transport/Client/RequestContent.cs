using System.Net;

namespace AsyncRL.Contracts.Transport;

/// <summary>
/// The body of a single-request call: the framed message, serialized before the call starts (so size and
/// serialization errors surface at the call site) into a pooled buffer that lives as long as the request.
/// </summary>
internal sealed class SingleMessageContent : HttpContent
{
    private readonly PooledBufferWriter _buffer;

    public SingleMessageContent(PooledBufferWriter buffer)
    {
        _buffer = buffer;
        Headers.TryAddWithoutValidation("content-type", GrpcProtocol.ContentType);
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken) =>
        stream.WriteAsync(_buffer.WrittenMemory, cancellationToken).AsTask();

    // No content-length: gRPC peers expect a body delimited by END_STREAM alone.
    protected override bool TryComputeLength(out long length)
    {
        length = -1;
        return false;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _buffer.Dispose();
        base.Dispose(disposing);
    }
}

/// <summary>
/// The body of a client- or bidirectional-streaming call. HttpClient hands us its request stream when the
/// headers are out; we keep it open, write each message as the caller produces it, and end the body when
/// the caller completes the request stream.
/// </summary>
/// <remarks>
/// HttpClient retries a request on a new stream when the server refuses it unprocessed (REFUSED_STREAM
/// after a burst beyond the server's stream limit, GOAWAY during shutdown) and then asks for the body
/// again. Until the server has answered with headers we therefore keep copies of the messages sent (up
/// to <see cref="MaxReplayBytes"/>) and replay them on the new stream.
/// </remarks>
internal sealed class StreamingRequestContent : HttpContent
{
    public const int MaxReplayBytes = 1024 * 1024;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _completed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Stream? _stream;
    private List<byte[]>? _replay = [];
    private int _replayBytes;
    private volatile bool _accepted;

    public StreamingRequestContent() => Headers.TryAddWithoutValidation("content-type", GrpcProtocol.ContentType);

    /// <summary>Writes and flushes one framed message (one writer at a time).</summary>
    public async ValueTask WriteAsync(ReadOnlyMemory<byte> frame, CancellationToken cancellationToken)
    {
        await _started.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            bool replayable = Remember(frame);
            try
            {
                await _stream!.WriteAsync(frame, cancellationToken).ConfigureAwait(false);
                // HttpClient buffers request DATA; flushing makes each message leave now, as streams expect.
                await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception) when (replayable && !cancellationToken.IsCancellationRequested)
            {
                // The stream was reset before the server answered: either HttpClient retries the request
                // and the replay re-sends this message, or the call fails and its response says why.
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The server has answered with headers: its handler has the stream, no retry can follow.</summary>
    public void Accept()
    {
        _accepted = true;
        _replay = null;
    }

    /// <summary>Ends the body (END_STREAM).</summary>
    public void Complete() => _completed.TrySetResult();

    /// <summary>Fails the body (the stream is reset) and any writer waiting for it.</summary>
    public void Abort(Exception reason)
    {
        _started.TrySetException(reason);
        _completed.TrySetException(reason);
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_stream is not null)
            {
                List<byte[]> replay = _replay ?? throw new HttpRequestException(
                    $"The server refused the stream after more than {MaxReplayBytes} bytes of request messages were sent; they cannot be replayed.");
                foreach (byte[] frame in replay) await stream.WriteAsync(frame, cancellationToken).ConfigureAwait(false);
                await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
            _stream = stream;
            _started.TrySetResult();
        }
        finally
        {
            _gate.Release();
        }
        // Not cancellable on purpose: when the server refuses the stream, HttpClient cancels this token and
        // retries only if the body is still pending (a failed body would fail the whole request). The call
        // completes or aborts this task when it ends, so an abandoned attempt does not linger past the call.
        await _completed.Task.ConfigureAwait(false);
    }

    protected override bool TryComputeLength(out long length)
    {
        length = -1;
        return false;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _gate.Dispose();
        base.Dispose(disposing);
    }

    private bool Remember(ReadOnlyMemory<byte> frame)
    {
        if (_accepted || _replay is null) return false;
        if (_replayBytes + frame.Length > MaxReplayBytes)
        {
            _replay = null;
            return false;
        }
        _replay.Add(frame.ToArray());
        _replayBytes += frame.Length;
        return true;
    }
}
