using AsyncRL.Contracts.V1;
using Google.Protobuf;

namespace AsyncRL.Contracts;

/// <summary>Cuts an encoded weights blob into <see cref="WeightsChunk"/> messages (without copying it).</summary>
public static class WeightsChunks
{
    /// <summary>The largest data per chunk (DESIGN.md §3: ≤ 1 MiB per message).</summary>
    public const int MaxChunkBytes = 1024 * 1024;

    /// <summary>
    /// The chunks of one version, in order. Their data aliases <paramref name="blob"/>, which must stay
    /// unchanged until they are sent. The layout rides on the first chunk; the CRC-32C on all of them.
    /// </summary>
    public static IReadOnlyList<WeightsChunk> Split(long version, WeightsEncoding encoding, ReadOnlyMemory<byte> blob,
        IEnumerable<ParameterInfo> layout, int maxChunkBytes = MaxChunkBytes, long learnerUpdate = 0, TraceContext? trace = null)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxChunkBytes, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxChunkBytes, MaxChunkBytes);
        uint crc = Crc32C.Compute(blob.Span);
        var chunks = new List<WeightsChunk>(Math.Max(1, (blob.Length + maxChunkBytes - 1) / maxChunkBytes));
        int offset = 0;
        do
        {
            int length = Math.Min(maxChunkBytes, blob.Length - offset);
            var chunk = new WeightsChunk
            {
                Version = version,
                Offset = (ulong)offset,
                TotalSize = (ulong)blob.Length,
                Encoding = encoding,
                Data = UnsafeByteOperations.UnsafeWrap(blob.Slice(offset, length)),
                Crc32C = crc,
                LearnerUpdate = learnerUpdate,
            };
            if (offset == 0)
            {
                chunk.Parameters.AddRange(layout);
                chunk.Trace = trace;
            }
            chunks.Add(chunk);
            offset += length;
        }
        while (offset < blob.Length);
        return chunks;
    }
}
