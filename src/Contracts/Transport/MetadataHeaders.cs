using System.Buffers.Text;

namespace AsyncRL.Contracts.Transport;

/// <summary>Converts metadata to and from HTTP header values (binary values travel as base64).</summary>
internal static class MetadataHeaders
{
    /// <summary>Adds the entries of one header to <paramref name="metadata"/>; values that break the rules are skipped.</summary>
    public static void AddHeader(Metadata metadata, string name, IEnumerable<string?> values)
    {
        if (GrpcProtocol.IsReservedHeader(name)) return;
        bool binary = MetadataEntry.IsBinaryKey(name.ToLowerInvariant());
        foreach (string? value in values)
        {
            if (value is null) continue;
            try
            {
                if (!binary)
                {
                    metadata.Add(name, value);
                    continue;
                }
                // HTTP may join repeated headers with commas; each part is one base64 value.
                foreach (string part in value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
                {
                    metadata.Add(name, DecodeBase64(part));
                }
            }
            catch (ArgumentException)
            {
                // A header that is not valid metadata (bad key or value) is not the handler's business.
            }
            catch (FormatException)
            {
            }
        }
    }

    public static string ToHeaderValue(MetadataEntry entry) =>
        entry.IsBinary ? Convert.ToBase64String(entry.ValueBytes) : entry.Value;

    /// <summary>Decodes base64 with or without padding (the spec lets senders leave it out).</summary>
    private static byte[] DecodeBase64(string value)
    {
        int padding = (4 - value.Length % 4) % 4;
        string padded = padding == 0 ? value : value + new string('=', padding);
        byte[] bytes = new byte[Base64.GetMaxDecodedFromUtf8Length(padded.Length)];
        if (!Convert.TryFromBase64String(padded, bytes, out int written)) throw new FormatException("Invalid base64 in a -bin header.");
        return bytes.AsSpan(0, written).ToArray();
    }
}
