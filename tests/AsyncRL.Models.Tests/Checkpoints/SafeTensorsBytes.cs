using System.Buffers.Binary;
using System.Text;
using AsyncRL.Models.Checkpoints;

namespace AsyncRL.Models.Tests.Checkpoints;

/// <summary>Builds safetensors byte images by hand, so tests control every byte a reader sees.</summary>
internal static class SafeTensorsBytes
{
    /// <summary>The 8-byte length, the header text exactly as given, then the data.</summary>
    public static byte[] Build(string headerJson, params byte[] data) => Build(Encoding.UTF8.GetBytes(headerJson), data);

    public static byte[] Build(byte[] header, byte[] data)
    {
        var bytes = new byte[8 + header.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)header.Length);
        header.CopyTo(bytes, 8);
        data.CopyTo(bytes, 8 + header.Length);
        return bytes;
    }

    /// <summary>One header entry's JSON, e.g. <c>"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}</c>.</summary>
    public static string Entry(string name, string dtype, int[] shape, long begin, long end) =>
        $"\"{name}\":{{\"dtype\":\"{dtype}\",\"shape\":[{string.Join(',', shape)}],\"data_offsets\":[{begin},{end}]}}";

    public static byte[] Floats(params float[] values)
    {
        var bytes = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), values[i]);
        return bytes;
    }

    public static byte[] UInt16s(params ushort[] values)
    {
        var bytes = new byte[values.Length * 2];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(i * 2), values[i]);
        return bytes;
    }

    public static byte[] Save(IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        using var stream = new MemoryStream();
        SafeTensors.Save(stream, tensors, metadata);
        return stream.ToArray();
    }

    public static SafeTensorsFile Load(byte[] bytes) => SafeTensors.Load(new MemoryStream(bytes, writable: false));
}
