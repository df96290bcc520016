using System.Buffers;
using Google.Protobuf;

namespace AsyncRL.Contracts.Transport;

/// <summary>
/// Turns messages into bytes and back. <see cref="Measure"/> lets the framing write the 5-byte length
/// prefix first and then serialize straight into the transport's buffers, with no intermediate copy.
/// </summary>
/// <typeparam name="T">The message type.</typeparam>
public sealed class Marshaller<T>
{
    /// <summary>Creates a marshaller from its three functions.</summary>
    /// <param name="measure">Serialized size of a message in bytes.</param>
    /// <param name="serialize">Writes exactly <paramref name="measure"/> bytes of a message to a buffer writer.</param>
    /// <param name="deserialize">Parses a message from a (possibly multi-segment) byte sequence.</param>
    public Marshaller(Func<T, int> measure, Action<T, IBufferWriter<byte>> serialize, Func<ReadOnlySequence<byte>, T> deserialize)
    {
        ArgumentNullException.ThrowIfNull(measure);
        ArgumentNullException.ThrowIfNull(serialize);
        ArgumentNullException.ThrowIfNull(deserialize);
        Measure = measure;
        Serialize = serialize;
        Deserialize = deserialize;
    }

    /// <summary>Serialized size of a message in bytes.</summary>
    public Func<T, int> Measure { get; }

    /// <summary>Writes a message to a buffer writer.</summary>
    public Action<T, IBufferWriter<byte>> Serialize { get; }

    /// <summary>Parses a message.</summary>
    public Func<ReadOnlySequence<byte>, T> Deserialize { get; }
}

/// <summary>Ready-made marshallers.</summary>
public static class Marshallers
{
    /// <summary>Raw bytes, unchanged (for tests, proxies and pre-serialized payloads).</summary>
    public static Marshaller<ReadOnlyMemory<byte>> Bytes { get; } = new(
        static m => m.Length,
        static (m, writer) => writer.Write(m.Span),
        static sequence => sequence.ToArray());

    /// <summary>A Google.Protobuf message type (one shared instance per type).</summary>
    public static Marshaller<T> Protobuf<T>()
        where T : IMessage<T>, new() => ProtobufCache<T>.Instance;

    /// <summary>A Google.Protobuf message type, described by its parser.</summary>
    public static Marshaller<T> Protobuf<T>(MessageParser<T> parser)
        where T : IMessage<T>
    {
        ArgumentNullException.ThrowIfNull(parser);
        return new Marshaller<T>(
            static m => m.CalculateSize(),
            static (m, writer) => m.WriteTo(writer),
            parser.ParseFrom);
    }

    private static class ProtobufCache<T>
        where T : IMessage<T>, new()
    {
        public static readonly Marshaller<T> Instance = Protobuf(new MessageParser<T>(static () => new T()));
    }
}
