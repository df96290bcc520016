using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace AsyncRL.Models.Checkpoints;

/// <summary>Writes float32 tensors in the layout the reference <c>safetensors</c> library produces.</summary>
internal static class SafeTensorsWriter
{
    // Names stay readable UTF-8 rather than \u escapes; quotes and control characters are still escaped.
    private static readonly JsonWriterOptions s_options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static void Write(Stream stream, IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata)
    {
        // Sorted names make the bytes a function of the contents alone: equal checkpoints hash equal.
        var names = tensors.Keys.Order(StringComparer.Ordinal).ToArray();
        foreach (var name in names)
        {
            if (name == SafeTensorsHeader.MetadataKey)
                throw new ArgumentException($"A tensor may not be named '{SafeTensorsHeader.MetadataKey}': the format reserves it.", nameof(tensors));
            if (tensors[name] is null)
                throw new ArgumentException($"Tensor '{name}' is null.", nameof(tensors));
        }

        var header = BuildHeader(names, tensors, metadata);
        // Pad with spaces so the data starts 8-byte aligned, as the reference writer does; readers
        // that map the file can then view the floats in place.
        int padding = (8 - header.WrittenCount % 8) % 8;
        Span<byte> prefix = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)(header.WrittenCount + padding));
        stream.Write(prefix);
        stream.Write(header.WrittenSpan);
        for (int i = 0; i < padding; i++) stream.WriteByte((byte)' ');
        foreach (var name in names) WriteData(stream, tensors[name].Data);
    }

    private static ArrayBufferWriter<byte> BuildHeader(string[] names, IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using var json = new Utf8JsonWriter(buffer, s_options);
        json.WriteStartObject();
        if (metadata is { Count: > 0 })
        {
            json.WriteStartObject(SafeTensorsHeader.MetadataKey);
            foreach (var key in metadata.Keys.Order(StringComparer.Ordinal))
            {
                var value = metadata[key] ?? throw new ArgumentException($"Metadata value for '{key}' is null.", nameof(metadata));
                json.WriteString(key, value);
            }
            json.WriteEndObject();
        }
        long offset = 0;
        foreach (var name in names)
        {
            var tensor = tensors[name];
            json.WriteStartObject(name);
            json.WriteString("dtype", "F32");
            json.WriteStartArray("shape");
            foreach (var d in tensor.Shape) json.WriteNumberValue(d);
            json.WriteEndArray();
            json.WriteStartArray("data_offsets");
            json.WriteNumberValue(offset);
            offset += sizeof(float) * (long)tensor.Size;
            json.WriteNumberValue(offset);
            json.WriteEndArray();
            json.WriteEndObject();
        }
        json.WriteEndObject();
        json.Flush();
        return buffer;
    }

    private static void WriteData(Stream stream, ReadOnlySpan<float> values)
    {
        if (BitConverter.IsLittleEndian)
        {
            // Chunks keep each byte span under int.MaxValue for the largest tensors.
            const int chunk = 1 << 24;
            for (int i = 0; i < values.Length; i += chunk)
                stream.Write(MemoryMarshal.AsBytes(values.Slice(i, Math.Min(chunk, values.Length - i))));
            return;
        }
        Span<byte> element = stackalloc byte[4];
        foreach (var v in values)
        {
            BinaryPrimitives.WriteSingleLittleEndian(element, v);
            stream.Write(element);
        }
    }
}
