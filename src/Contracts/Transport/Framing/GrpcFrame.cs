using System.Buffers;
using System.Buffers.Binary;

namespace AsyncRL.Contracts.Transport;

/// <summary>What <see cref="GrpcFrame.TryRead"/> found at the front of a buffer.</summary>
internal enum FrameReadStatus
{
    /// <summary>Not a whole message yet (the header, if complete, is reported).</summary>
    NeedMoreData,
    /// <summary>A whole message; its payload is reported.</summary>
    Message,
    /// <summary>The length prefix exceeds the receive limit (known before the payload arrives).</summary>
    MessageTooLarge,
    /// <summary>The flags byte is neither 0 nor 1.</summary>
    InvalidFlags,
}

/// <summary>The 5-byte prefix of a gRPC message: a compressed flag and a big-endian length.</summary>
internal readonly record struct FrameHeader(bool Compressed, uint Length);

/// <summary>
/// The gRPC length-prefixed message format: <c>Compressed-Flag (1 byte) Message-Length (4 bytes,
/// big-endian) Message</c>. A pure function over a byte sequence, so it can be fuzzed on its own.
/// </summary>
internal static class GrpcFrame
{
    public const int HeaderSize = 5;

    /// <summary>Looks for one message at the front of <paramref name="buffer"/>.</summary>
    /// <param name="buffer">Bytes received so far.</param>
    /// <param name="maxMessageSize">Largest payload accepted.</param>
    /// <param name="header">The prefix, when at least 5 bytes are present.</param>
    /// <param name="payload">The message bytes, for <see cref="FrameReadStatus.Message"/>.</param>
    public static FrameReadStatus TryRead(in ReadOnlySequence<byte> buffer, int maxMessageSize,
        out FrameHeader header, out ReadOnlySequence<byte> payload)
    {
        payload = default;
        header = default;
        if (buffer.Length < HeaderSize) return FrameReadStatus.NeedMoreData;

        Span<byte> copy = stackalloc byte[HeaderSize];
        scoped ReadOnlySpan<byte> prefix = buffer.FirstSpan;
        if (prefix.Length < HeaderSize)
        {
            buffer.Slice(0, HeaderSize).CopyTo(copy);
            prefix = copy;
        }

        byte flags = prefix[0];
        uint length = BinaryPrimitives.ReadUInt32BigEndian(prefix[1..]);
        header = new FrameHeader(flags == 1, length);
        if (flags > 1) return FrameReadStatus.InvalidFlags;
        if (length > (uint)maxMessageSize) return FrameReadStatus.MessageTooLarge;
        if (buffer.Length - HeaderSize < length) return FrameReadStatus.NeedMoreData;

        payload = buffer.Slice(HeaderSize, length);
        return FrameReadStatus.Message;
    }

    /// <summary>Writes a prefix for a payload of <paramref name="length"/> bytes.</summary>
    public static void WriteHeader(Span<byte> destination, bool compressed, int length)
    {
        destination[0] = compressed ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteUInt32BigEndian(destination[1..], (uint)length);
    }
}
