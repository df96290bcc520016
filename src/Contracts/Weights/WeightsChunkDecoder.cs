using System.Buffers;
using System.Buffers.Binary;
using AsyncRL.Contracts.V1;

namespace AsyncRL.Contracts;

/// <summary>
/// Reads a serialized <see cref="WeightsChunk"/> without materialising it: the scalar fields, the layout,
/// and the <c>data</c> field as a slice of the input (so it can be copied once, to its final place).
/// Follows the protobuf wire format: fields in any order, last value wins, unknown fields skipped.
/// </summary>
internal static class WeightsChunkDecoder
{
    private const int WireVarint = 0;
    private const int WireFixed64 = 1;
    private const int WireLengthDelimited = 2;
    private const int WireFixed32 = 5;

    public static (WeightsChunkFields Fields, ReadOnlySequence<byte> Data, IReadOnlyList<ParameterInfo> Parameters, TraceContext? Trace) Decode(in ReadOnlySequence<byte> message)
    {
        var reader = new SequenceReader<byte>(message);
        long version = 0, learnerUpdate = 0;
        ulong offset = 0, totalSize = 0;
        var encoding = WeightsEncoding.Unspecified;
        uint crc = 0;
        ReadOnlySequence<byte> data = ReadOnlySequence<byte>.Empty;
        List<ParameterInfo>? parameters = null;
        TraceContext? trace = null;

        while (!reader.End)
        {
            ulong tag = ReadVarint(ref reader);
            int field = (int)(tag >> 3);
            int wireType = (int)(tag & 7);
            switch (field, wireType)
            {
                case (WeightsChunk.VersionFieldNumber, WireVarint): version = (long)ReadVarint(ref reader); break;
                case (WeightsChunk.OffsetFieldNumber, WireVarint): offset = ReadVarint(ref reader); break;
                case (WeightsChunk.TotalSizeFieldNumber, WireVarint): totalSize = ReadVarint(ref reader); break;
                case (WeightsChunk.EncodingFieldNumber, WireVarint): encoding = (WeightsEncoding)(int)ReadVarint(ref reader); break;
                case (WeightsChunk.DataFieldNumber, WireLengthDelimited): data = ReadLengthDelimited(ref reader); break;
                case (WeightsChunk.Crc32CFieldNumber, WireFixed32): crc = ReadFixed32(ref reader); break;
                case (WeightsChunk.ParametersFieldNumber, WireLengthDelimited):
                    (parameters ??= []).Add(ParameterInfo.Parser.ParseFrom(ReadLengthDelimited(ref reader)));
                    break;
                case (WeightsChunk.LearnerUpdateFieldNumber, WireVarint): learnerUpdate = (long)ReadVarint(ref reader); break;
                case (WeightsChunk.TraceFieldNumber, WireLengthDelimited): trace = TraceContext.Parser.ParseFrom(ReadLengthDelimited(ref reader)); break;
                default: Skip(ref reader, wireType, field); break;
            }
        }
        return (new WeightsChunkFields(version, offset, totalSize, encoding, crc, learnerUpdate), data, (IReadOnlyList<ParameterInfo>?)parameters ?? [], trace);
    }

    private static ulong ReadVarint(ref SequenceReader<byte> reader)
    {
        ulong value = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            if (!reader.TryRead(out byte b)) throw Truncated();
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80) return value;
        }
        throw new InvalidDataException("Malformed WeightsChunk: a varint is longer than 10 bytes.");
    }

    private static uint ReadFixed32(ref SequenceReader<byte> reader)
    {
        Span<byte> bytes = stackalloc byte[4];
        if (!reader.TryCopyTo(bytes)) throw Truncated();
        reader.Advance(4);
        return BinaryPrimitives.ReadUInt32LittleEndian(bytes);
    }

    private static ReadOnlySequence<byte> ReadLengthDelimited(ref SequenceReader<byte> reader)
    {
        ulong length = ReadVarint(ref reader);
        if (length > (ulong)reader.Remaining) throw Truncated();
        ReadOnlySequence<byte> slice = reader.UnreadSequence.Slice(0, (long)length);
        reader.Advance((long)length);
        return slice;
    }

    private static void Skip(ref SequenceReader<byte> reader, int wireType, int field)
    {
        switch (wireType)
        {
            case WireVarint: ReadVarint(ref reader); break;
            case WireFixed64: if (!reader.TryAdvance(8)) throw Truncated(); break;
            case WireLengthDelimited: ReadLengthDelimited(ref reader); break;
            case WireFixed32: if (!reader.TryAdvance(4)) throw Truncated(); break;
            default: throw new InvalidDataException($"Malformed WeightsChunk: field {field} has wire type {wireType}.");
        }
    }

    private static bool TryAdvance(this ref SequenceReader<byte> reader, long count)
    {
        if (reader.Remaining < count) return false;
        reader.Advance(count);
        return true;
    }

    private static InvalidDataException Truncated() => new("Malformed WeightsChunk: the message ends inside a field.");
}
