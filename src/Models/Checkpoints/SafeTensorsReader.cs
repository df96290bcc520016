using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace AsyncRL.Models.Checkpoints;

/// <summary>
/// Reads a safetensors stream. Nothing is allocated from a size the file claims until that size has
/// been checked against the bytes actually present, so a hostile or truncated file costs at most
/// its own length in memory and fails with a <see cref="CheckpointFormatException"/>.
/// </summary>
internal static class SafeTensorsReader
{
    private const int ChunkBytes = 1 << 16;

    public static SafeTensorsFile Read(Stream stream)
    {
        if (!stream.CanSeek)
        {
            // The checks below need the total length; a pipe or network stream is buffered first.
            using var buffered = new MemoryStream();
            stream.CopyTo(buffered);
            buffered.Position = 0;
            return Read(buffered);
        }

        long available = stream.Length - stream.Position;
        if (available < 8)
            throw new CheckpointFormatException($"safetensors file is {available} bytes, too short for its 8-byte header length.");
        Span<byte> prefix = stackalloc byte[8];
        ReadExactly(stream, prefix, null);
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (headerLength > SafeTensors.MaxHeaderBytes)
            throw new CheckpointFormatException($"safetensors header length {headerLength} exceeds the limit of {SafeTensors.MaxHeaderBytes} bytes.");
        if (headerLength > (ulong)(available - 8))
            throw new CheckpointFormatException($"safetensors header length {headerLength} runs past the end of the {available}-byte file (is it truncated?).");

        var headerBytes = new byte[headerLength];
        ReadExactly(stream, headerBytes, null);
        var header = SafeTensorsHeader.Parse(headerBytes);
        long dataLength = available - 8 - (long)headerLength;
        var ordered = SafeTensorsLayout.Validate(header.Entries, dataLength);

        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var integers = new Dictionary<string, IntegerTensor>(StringComparer.Ordinal);
        var dtypes = new Dictionary<string, SafeTensorsDType>(StringComparer.Ordinal);
        // The layout is contiguous, so reading in offset order is one sequential pass with no seeks.
        foreach (var entry in ordered)
        {
            int count = (int)SafeTensorsLayout.ElementCount(entry.Shape)!.Value;
            if (entry.DType.IsFloatingPoint()) tensors.Add(entry.Name, new Tensor(ReadFloats(stream, entry, count), entry.Shape));
            else integers.Add(entry.Name, new IntegerTensor(entry.DType, ReadIntegers(stream, entry, count), entry.Shape));
            dtypes.Add(entry.Name, entry.DType);
        }
        return new SafeTensorsFile(tensors, integers, dtypes, header.Metadata);
    }

    private static float[] ReadFloats(Stream stream, SafeTensorsEntry entry, int count)
    {
        var values = new float[count];
        if (entry.DType == SafeTensorsDType.F32)
        {
            // Straight into the destination; chunks keep each byte span under int.MaxValue.
            const int chunk = 1 << 24;
            for (int i = 0; i < count; i += chunk)
                ReadExactly(stream, MemoryMarshal.AsBytes(values.AsSpan(i, Math.Min(chunk, count - i))), entry.Name);
            if (!BitConverter.IsLittleEndian)
            {
                var bits = MemoryMarshal.Cast<float, uint>(values.AsSpan());
                BinaryPrimitives.ReverseEndianness(bits, bits);
            }
            return values;
        }
        ReadConverted(stream, entry, count, (bytes, start) => DecodeFloats(entry.DType, bytes, values.AsSpan(start)));
        return values;
    }

    private static long[] ReadIntegers(Stream stream, SafeTensorsEntry entry, int count)
    {
        var values = new long[count];
        ReadConverted(stream, entry, count, (bytes, start) => DecodeIntegers(entry, bytes, values.AsSpan(start)));
        return values;
    }

    private delegate void ChunkDecoder(ReadOnlySpan<byte> bytes, int firstElement);

    private static void ReadConverted(Stream stream, SafeTensorsEntry entry, int count, ChunkDecoder decode)
    {
        int size = entry.DType.ElementSize();
        int perChunk = ChunkBytes / size;
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        try
        {
            for (int i = 0; i < count; i += perChunk)
            {
                int n = Math.Min(perChunk, count - i);
                var bytes = buffer.AsSpan(0, n * size);
                ReadExactly(stream, bytes, entry.Name);
                decode(bytes, i);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static void DecodeFloats(SafeTensorsDType dtype, ReadOnlySpan<byte> bytes, Span<float> destination)
    {
        switch (dtype)
        {
            case SafeTensorsDType.F16:
                for (int i = 0, j = 0; j < bytes.Length; i++, j += 2)
                    destination[i] = (float)BitConverter.UInt16BitsToHalf(BinaryPrimitives.ReadUInt16LittleEndian(bytes[j..]));
                break;
            case SafeTensorsDType.BF16:
                // bfloat16 is the top half of a float32, so widening is a shift and always exact.
                for (int i = 0, j = 0; j < bytes.Length; i++, j += 2)
                    destination[i] = BitConverter.UInt32BitsToSingle((uint)BinaryPrimitives.ReadUInt16LittleEndian(bytes[j..]) << 16);
                break;
            case SafeTensorsDType.F64:
                for (int i = 0, j = 0; j < bytes.Length; i++, j += 8)
                    destination[i] = (float)BinaryPrimitives.ReadDoubleLittleEndian(bytes[j..]);
                break;
            default:
                throw new InvalidOperationException($"{dtype} is not a floating-point dtype.");
        }
    }

    private static void DecodeIntegers(SafeTensorsEntry entry, ReadOnlySpan<byte> bytes, Span<long> destination)
    {
        int size = entry.DType.ElementSize();
        for (int i = 0, j = 0; j < bytes.Length; i++, j += size)
        {
            var b = bytes[j..];
            destination[i] = entry.DType switch
            {
                SafeTensorsDType.Bool or SafeTensorsDType.U8 => b[0],
                SafeTensorsDType.I8 => (sbyte)b[0],
                SafeTensorsDType.I16 => BinaryPrimitives.ReadInt16LittleEndian(b),
                SafeTensorsDType.U16 => BinaryPrimitives.ReadUInt16LittleEndian(b),
                SafeTensorsDType.I32 => BinaryPrimitives.ReadInt32LittleEndian(b),
                SafeTensorsDType.U32 => BinaryPrimitives.ReadUInt32LittleEndian(b),
                SafeTensorsDType.I64 => BinaryPrimitives.ReadInt64LittleEndian(b),
                SafeTensorsDType.U64 => ToInt64(BinaryPrimitives.ReadUInt64LittleEndian(b), entry.Name),
                _ => throw new InvalidOperationException($"{entry.DType} is not an integer dtype."),
            };
        }
    }

    private static long ToInt64(ulong value, string name) => value <= long.MaxValue
        ? (long)value
        : throw new CheckpointFormatException(name, $"U64 value {value} does not fit a signed 64-bit integer.");

    private static void ReadExactly(Stream stream, Span<byte> destination, string? tensorName)
    {
        try
        {
            stream.ReadExactly(destination);
        }
        catch (EndOfStreamException e)
        {
            // Lengths were checked up front, so this means the file shrank while we read it.
            throw new CheckpointFormatException(tensorName, "the file ended early while reading it.", e);
        }
    }
}
