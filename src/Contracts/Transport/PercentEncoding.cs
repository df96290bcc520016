using System.Buffers;
using System.Text;

namespace AsyncRL.Contracts.Transport;

/// <summary>
/// The grpc-message encoding: UTF-8 bytes, with every byte outside printable ASCII (and '%' itself)
/// written as %XX. Decoding is lenient: a malformed escape is kept as it stands.
/// </summary>
internal static class PercentEncoding
{
    public static string Encode(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        int i = 0;
        while (i < value.Length && value[i] is >= ' ' and <= '~' and not '%') i++;
        if (i == value.Length) return value;

        byte[] rented = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(value.Length));
        try
        {
            int n = Encoding.UTF8.GetBytes(value, rented);
            var sb = new StringBuilder(n + 16);
            foreach (byte b in rented.AsSpan(0, n))
            {
                if (b is >= 0x20 and <= 0x7E and not (byte)'%') sb.Append((char)b);
                else sb.Append('%').Append(HexUpper(b >> 4)).Append(HexUpper(b & 0xF));
            }
            return sb.ToString();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    public static string Decode(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!value.Contains('%', StringComparison.Ordinal)) return value;
        byte[] rented = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(value.Length));
        try
        {
            int n = 0;
            for (int i = 0; i < value.Length; i++)
            {
                char c = value[i];
                if (c == '%' && i + 2 < value.Length && HexValue(value[i + 1]) is int hi and >= 0 && HexValue(value[i + 2]) is int lo and >= 0)
                {
                    rented[n++] = (byte)(hi << 4 | lo);
                    i += 2;
                }
                else
                {
                    // Header values should be ASCII; keep anything else intact, surrogate pairs whole.
                    int length = char.IsHighSurrogate(c) && i + 1 < value.Length ? 2 : 1;
                    n += Encoding.UTF8.GetBytes(value.AsSpan(i, length), rented.AsSpan(n));
                    i += length - 1;
                }
            }
            return Encoding.UTF8.GetString(rented, 0, n);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static char HexUpper(int nibble) => (char)(nibble < 10 ? '0' + nibble : 'A' + nibble - 10);

    private static int HexValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'A' and <= 'F' => c - 'A' + 10,
        >= 'a' and <= 'f' => c - 'a' + 10,
        _ => -1,
    };
}
