using System.Buffers.Binary;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace AsyncRL.Contracts;

/// <summary>
/// CRC-32C (Castagnoli, as in iSCSI and Google's storage formats), the checksum of weights blobs. Uses the
/// CPU's CRC32 instruction where present, on three interleaved lanes that are then combined (the
/// instruction's latency, not its throughput, bounds a single lane: three lanes run about 2.5x faster);
/// a table otherwise.
/// </summary>
public static class Crc32C
{
    private const uint Polynomial = 0x82F63B78; // 0x1EDC6F41, bit-reversed
    private const int MinLaneBytes = 256;       // below this, combining costs more than it saves
    private static readonly uint[] Table = CreateTable();
    private static readonly uint[] PowersOfX = CreatePowers();

    /// <summary>The CRC-32C of <paramref name="data"/>.</summary>
    public static uint Compute(ReadOnlySpan<byte> data) => Append(0, data);

    /// <summary>Extends <paramref name="crc"/> (of earlier bytes) over <paramref name="data"/>.</summary>
    public static uint Append(uint crc, ReadOnlySpan<byte> data)
    {
        if (!Sse42.X64.IsSupported)
        {
            return ~Update(~crc, data);
        }
        int lane = data.Length / 3 & ~7;
        if (lane < MinLaneBytes)
        {
            return ~Update(~crc, data);
        }
        // Three independent lanes over consecutive thirds, then stitched: crc(AB) = crc(A)·x^(8|B|) ⊕ crc(B).
        ulong a = ~crc, b = uint.MaxValue, c = uint.MaxValue;
        ReadOnlySpan<byte> first = data[..lane], second = data.Slice(lane, lane), third = data.Slice(2 * lane, lane);
        for (int i = 0; i < lane; i += 8)
        {
            a = Sse42.X64.Crc32(a, BinaryPrimitives.ReadUInt64LittleEndian(first[i..]));
            b = Sse42.X64.Crc32(b, BinaryPrimitives.ReadUInt64LittleEndian(second[i..]));
            c = Sse42.X64.Crc32(c, BinaryPrimitives.ReadUInt64LittleEndian(third[i..]));
        }
        uint shift = PowerOfX(8L * lane);
        uint combined = Combine(Combine(~(uint)a, ~(uint)b, shift), ~(uint)c, shift);
        return ~Update(~combined, data[(3 * lane)..]);
    }

    /// <summary>The running (pre-inverted) CRC state over <paramref name="data"/>, one lane.</summary>
    private static uint Update(uint state, ReadOnlySpan<byte> data)
    {
        if (Sse42.X64.IsSupported)
        {
            ulong wide = state;
            while (data.Length >= 8)
            {
                wide = Sse42.X64.Crc32(wide, BinaryPrimitives.ReadUInt64LittleEndian(data));
                data = data[8..];
            }
            state = (uint)wide;
            foreach (byte b in data) state = Sse42.Crc32(state, b);
        }
        else if (Crc32.Arm64.IsSupported)
        {
            while (data.Length >= 8)
            {
                state = Crc32.Arm64.ComputeCrc32C(state, BinaryPrimitives.ReadUInt64LittleEndian(data));
                data = data[8..];
            }
            foreach (byte b in data) state = Crc32.ComputeCrc32C(state, b);
        }
        else
        {
            foreach (byte b in data) state = Table[(state ^ b) & 0xFF] ^ (state >> 8);
        }
        return state;
    }

    /// <summary>crc(A ‖ B) from crc(A), crc(B) and x^(8·|B|) mod P.</summary>
    private static uint Combine(uint crcA, uint crcB, uint shiftByLengthOfB) => Multiply(shiftByLengthOfB, crcA) ^ crcB;

    /// <summary>a·b mod P in the bit-reflected representation (the top bit is x^0).</summary>
    private static uint Multiply(uint a, uint b)
    {
        uint product = 0;
        for (uint mask = 1u << 31; mask != 0; mask >>= 1)
        {
            if ((a & mask) != 0) product ^= b;
            b = (b & 1) != 0 ? (b >> 1) ^ Polynomial : b >> 1; // b·x
        }
        return product;
    }

    /// <summary>x^n mod P, by multiplying the precomputed x^(2^k) for the set bits of n.</summary>
    private static uint PowerOfX(long n)
    {
        uint result = 1u << 31; // x^0
        for (int k = 0; n != 0; k++, n >>= 1)
        {
            if ((n & 1) != 0) result = Multiply(result, PowersOfX[k]);
        }
        return result;
    }

    private static uint[] CreatePowers()
    {
        // x^(2^k) mod P for every bit of a long length.
        var powers = new uint[64];
        uint p = 1u << 30; // x^1
        for (int k = 0; k < powers.Length; k++)
        {
            powers[k] = p;
            p = Multiply(p, p);
        }
        return powers;
    }

    private static uint[] CreateTable()
    {
        var table = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            uint entry = i;
            for (int bit = 0; bit < 8; bit++) entry = (entry & 1) != 0 ? (entry >> 1) ^ Polynomial : entry >> 1;
            table[i] = entry;
        }
        return table;
    }
}
