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
/// headers are out; we keep it open and write each message as the caller produces it, and end the body
/// when the caller completes the request stream.
/// </summary>
internal sealed class StreamingRequestContent : HttpContent
{
    private readonly TaskCompletionSource<Stream> _stream = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _completed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public StreamingRequestContent() => Headers.TryAddWithoutValidation("content-type", GrpcProtocol.ContentType);

    /// <summary>The request stream, once HttpClient has started the body.</summary>
    public Task<Stream> Stream => _stream.Task;

    /// <summary>Ends the body (END_STREAM).</summary>
    public void Complete()
    {
        _stream.TrySetCanceled();
        _completed.TrySetResult();
    }

    /// <summary>Fails the body (the stream is reset) and any writer waiting for it.</summary>
    public void Abort(Exception reason)
    {
        _stream.TrySetException(reason);
        _completed.TrySetException(reason);
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        _stream.TrySetResult(stream);
        return _completed.Task;
    }

    protected override bool TryComputeLength(out long length)
    {
        length = -1;
        return false;
    }
}
