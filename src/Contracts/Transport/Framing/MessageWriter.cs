using System.Buffers;

namespace AsyncRL.Contracts.Transport;

/// <summary>Writes length-prefixed messages: the prefix first, then the message serialized in place.</summary>
internal static class MessageWriter
{
    /// <summary>Frames <paramref name="message"/> into <paramref name="writer"/> (no flush).</summary>
    public static void Write<T>(IBufferWriter<byte> writer, T message, Marshaller<T> marshaller, int maxMessageSize, string role)
    {
        int size = marshaller.Measure(message);
        if (size > maxMessageSize)
        {
            throw new RpcException(StatusCode.ResourceExhausted,
                $"Sending {role} message of {size} bytes exceeds the maximum configured message size ({maxMessageSize} bytes).");
        }
        Span<byte> prefix = writer.GetSpan(GrpcFrame.HeaderSize);
        GrpcFrame.WriteHeader(prefix, compressed: false, size);
        writer.Advance(GrpcFrame.HeaderSize);
        marshaller.Serialize(message, writer);
    }
}

/// <summary>
/// A growable buffer over pooled arrays, for framing a message into one contiguous block before a
/// single write to a <see cref="Stream"/> (HttpClient's request stream costs per write, not per byte).
/// </summary>
internal sealed class PooledBufferWriter : IBufferWriter<byte>, IDisposable
{
    private byte[] _buffer;
    private int _written;

    public PooledBufferWriter(int initialCapacity = 4096) =>
        _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(initialCapacity, 256));

    public ReadOnlyMemory<byte> WrittenMemory => _buffer.AsMemory(0, _written);

    public void Reset() => _written = 0;

    public void Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (_written + count > _buffer.Length) throw new InvalidOperationException("Advanced past the buffer.");
        _written += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsMemory(_written);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsSpan(_written);
    }

    public void Dispose()
    {
        byte[] buffer = _buffer;
        _buffer = [];
        _written = 0;
        if (buffer.Length > 0) ArrayPool<byte>.Shared.Return(buffer);
    }

    private void Ensure(int sizeHint)
    {
        int needed = _written + Math.Max(sizeHint, 1);
        if (needed <= _buffer.Length) return;
        byte[] larger = ArrayPool<byte>.Shared.Rent(Math.Max(needed, _buffer.Length * 2));
        _buffer.AsSpan(0, _written).CopyTo(larger);
        if (_buffer.Length > 0) ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = larger;
    }
}
