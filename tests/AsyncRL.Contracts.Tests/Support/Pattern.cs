namespace AsyncRL.Contracts.Tests.Support;

/// <summary>The byte pattern of Download/Upload: byte at stream offset o is o mod 251.</summary>
internal static class Pattern
{
    public static void Fill(Span<byte> destination, long offset)
    {
        int start = (int)(offset % 251);
        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = (byte)start;
            if (++start == 251) start = 0;
        }
    }

    public static byte[] Create(long offset, int length)
    {
        var bytes = new byte[length];
        Fill(bytes, offset);
        return bytes;
    }

    public static bool Check(ReadOnlySpan<byte> data, long offset)
    {
        int expected = (int)(offset % 251);
        foreach (byte b in data)
        {
            if (b != expected) return false;
            if (++expected == 251) expected = 0;
        }
        return true;
    }
}
