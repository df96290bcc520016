using System.Buffers.Binary;

namespace AsyncRL.Contracts;

/// <summary>
/// float32 ⇄ bfloat16 (the upper half of a float32), for halving weights on the wire. Encoding rounds to
/// nearest, ties to even, and keeps NaN a NaN; decoding is exact.
/// </summary>
public static class BFloat16
{
    /// <summary>Encodes <paramref name="source"/> as little-endian bfloat16 into <paramref name="destination"/> (2 bytes per value).</summary>
    public static void Encode(ReadOnlySpan<float> source, Span<byte> destination)
    {
        if (destination.Length < source.Length * 2) throw new ArgumentException("Destination is shorter than 2 bytes per value.", nameof(destination));
        for (int i = 0; i < source.Length; i++)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(destination[(2 * i)..], FromSingle(source[i]));
        }
    }

    /// <summary>Decodes little-endian bfloat16 bytes into float32 values.</summary>
    public static void Decode(ReadOnlySpan<byte> source, Span<float> destination)
    {
        if (source.Length % 2 != 0) throw new ArgumentException("bfloat16 data has an odd number of bytes.", nameof(source));
        if (destination.Length < source.Length / 2) throw new ArgumentException("Destination is shorter than the values.", nameof(destination));
        for (int i = 0; i < source.Length / 2; i++)
        {
            destination[i] = ToSingle(BinaryPrimitives.ReadUInt16LittleEndian(source[(2 * i)..]));
        }
    }

    /// <summary>One float32 to bfloat16 bits.</summary>
    public static ushort FromSingle(float value)
    {
        uint bits = BitConverter.SingleToUInt32Bits(value);
        if (float.IsNaN(value)) return (ushort)((bits >> 16) | 0x0040); // stay a (quiet) NaN after truncation
        uint roundingBias = 0x7FFF + ((bits >> 16) & 1);
        return (ushort)((bits + roundingBias) >> 16);
    }

    /// <summary>bfloat16 bits to float32 (exact).</summary>
    public static float ToSingle(ushort bits) => BitConverter.UInt32BitsToSingle((uint)bits << 16);
}
