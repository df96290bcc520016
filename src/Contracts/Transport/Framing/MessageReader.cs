using System.Buffers;
using System.IO.Pipelines;

namespace AsyncRL.Contracts.Transport;

/// <summary>Why a received stream of messages was refused (a low-cardinality tag for counters).</summary>
internal enum ProtocolError
{
    None,
    NotHttp2,
    BadContentType,
    BadTimeout,
    UnsupportedEncoding,
    MessageTooLarge,
    InvalidFlags,
    CompressedWithoutEncoding,
    IncompleteMessage,
    Undeserializable,
    Stalled,
    Decompression,
    MissingMessage,
    TooManyMessages,
}

/// <summary>
/// Reads length-prefixed messages from a pipe: the request body on the server, the response body on the
/// client. Deserializes straight from the pipe's buffers (a message spanning segments is parsed as a
/// multi-segment sequence, never gathered into one array). Violations throw <see cref="RpcException"/>
/// with the status to answer, and leave their kind in <see cref="Error"/> for counters.
/// </summary>
internal sealed class MessageReader<T> : IDisposable
{
    private readonly PipeReader _reader;
    private readonly Marshaller<T> _marshaller;
    private readonly int _maxMessageSize;
    private readonly string? _encoding;
    private readonly string _role;
    private readonly TimeSpan _stallTimeout;
    private readonly TimeProvider _timeProvider;
    private ITimer? _stallTimer;
    private long _lastProgress;
    private long _pendingLength; // bytes of an incomplete message seen at the last read

    /// <param name="reader">The body.</param>
    /// <param name="marshaller">Deserializer.</param>
    /// <param name="maxMessageSize">Receive limit in bytes.</param>
    /// <param name="encoding">grpc-encoding of the stream (null or identity: uncompressed).</param>
    /// <param name="role">"request" or "response", for messages.</param>
    /// <param name="stallTimeout">How long a partly received message may see no new bytes (infinite: no limit).</param>
    /// <param name="timeProvider">Clock for the stall timeout.</param>
    public MessageReader(PipeReader reader, Marshaller<T> marshaller, int maxMessageSize, string? encoding, string role,
        TimeSpan stallTimeout, TimeProvider timeProvider)
    {
        _reader = reader;
        _marshaller = marshaller;
        _maxMessageSize = maxMessageSize;
        _encoding = encoding;
        _role = role;
        _stallTimeout = stallTimeout;
        _timeProvider = timeProvider;
    }

    /// <summary>The protocol violation behind the last exception, if any.</summary>
    public ProtocolError Error { get; private set; }

    /// <summary>Reads the next message; false at the end of the stream.</summary>
    public async ValueTask<(bool HasMessage, T Message)> ReadAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            ReadResult result = await _reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            ReadOnlySequence<byte> buffer = result.Buffer;
            FrameReadStatus status = GrpcFrame.TryRead(buffer, _maxMessageSize, out FrameHeader header, out ReadOnlySequence<byte> payload);
            switch (status)
            {
                case FrameReadStatus.Message:
                    _pendingLength = 0;
                    DisarmStallTimer();
                    try
                    {
                        return (true, Decode(header, payload));
                    }
                    finally
                    {
                        _reader.AdvanceTo(payload.End);
                    }
                case FrameReadStatus.MessageTooLarge:
                    _reader.AdvanceTo(buffer.Start, buffer.End);
                    throw Violation(ProtocolError.MessageTooLarge, StatusCode.ResourceExhausted,
                        $"Received {_role} message of {header.Length} bytes exceeds the maximum configured message size ({_maxMessageSize} bytes).");
                case FrameReadStatus.InvalidFlags:
                    _reader.AdvanceTo(buffer.Start, buffer.End);
                    throw Violation(ProtocolError.InvalidFlags, StatusCode.Internal,
                        $"Invalid compressed-flag byte in a {_role} message prefix (expected 0 or 1).");
                default:
                    long buffered = buffer.Length;
                    _reader.AdvanceTo(buffer.Start, buffer.End);
                    if (result.IsCompleted)
                    {
                        if (buffered == 0) return (false, default!);
                        throw Violation(ProtocolError.IncompleteMessage, StatusCode.Internal,
                            buffered >= GrpcFrame.HeaderSize
                                ? $"Incomplete {_role} message: the stream ended after {buffered - GrpcFrame.HeaderSize} of {header.Length} bytes."
                                : $"Incomplete {_role} message: the stream ended inside the 5-byte prefix.");
                    }
                    if (buffered == 0) break;
                    if (buffered != _pendingLength)
                    {
                        _pendingLength = buffered;
                        ArmStallTimer();
                    }
                    else if (result.IsCanceled && StallExpired())
                    {
                        throw Violation(ProtocolError.Stalled, StatusCode.DeadlineExceeded,
                            $"No data for {_stallTimeout.TotalSeconds:0.###} s in the middle of a {_role} message.");
                    }
                    break;
            }
        }
    }

    private T Decode(FrameHeader header, in ReadOnlySequence<byte> payload)
    {
        ReadOnlySequence<byte> bytes = payload;
        if (header.Compressed)
        {
            if (MessageCompression.IsIdentity(_encoding))
            {
                throw Violation(ProtocolError.CompressedWithoutEncoding, StatusCode.Internal,
                    $"A {_role} message has the compressed flag set, but no grpc-encoding was negotiated.");
            }
            try
            {
                bytes = new ReadOnlySequence<byte>(MessageCompression.Decompress(_encoding!, payload, _maxMessageSize, _role));
            }
            catch (RpcException ex)
            {
                Error = ex.StatusCode == StatusCode.ResourceExhausted ? ProtocolError.MessageTooLarge : ProtocolError.Decompression;
                throw;
            }
        }
        try
        {
            return _marshaller.Deserialize(bytes);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Error = ProtocolError.Undeserializable;
            throw new RpcException(new Status(StatusCode.Internal, $"Failed to deserialize the {_role} message."), Metadata.Empty, ex);
        }
    }

    private RpcException Violation(ProtocolError error, StatusCode code, string detail)
    {
        Error = error;
        return new RpcException(code, detail);
    }

    private void ArmStallTimer()
    {
        if (_stallTimeout == Timeout.InfiniteTimeSpan) return;
        _lastProgress = _timeProvider.GetTimestamp();
        // The timer wakes the pending read; StallExpired then tells a real stall from a stale wake-up.
        _stallTimer ??= _timeProvider.CreateTimer(static state => ((PipeReader)state!).CancelPendingRead(),
            _reader, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _stallTimer.Change(_stallTimeout, Timeout.InfiniteTimeSpan);
    }

    private void DisarmStallTimer() => _stallTimer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);

    private bool StallExpired()
    {
        if (_stallTimeout == Timeout.InfiniteTimeSpan) return false;
        TimeSpan remaining = _stallTimeout - _timeProvider.GetElapsedTime(_lastProgress);
        if (remaining <= TimeSpan.Zero) return true;
        _stallTimer!.Change(remaining, Timeout.InfiniteTimeSpan); // woken early by a stale timer
        return false;
    }

    public void Dispose() => _stallTimer?.Dispose();
}
