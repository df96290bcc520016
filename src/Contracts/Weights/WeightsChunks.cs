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
        IEnumerable<ParameterInfo> layout, int maxChunkBytes = MaxChunkBytes, long learnerUpdate = 0)
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
            if (offset == 0) chunk.Parameters.AddRange(layout);
            chunks.Add(chunk);
            offset += length;
        }
        while (offset < blob.Length);
        return chunks;
    }
}

/// <summary>
/// Puts the chunks of one version back together, checking as it goes: one version and encoding, contiguous
/// offsets, the announced size, and finally the CRC-32C. A broken stream is an <see cref="InvalidDataException"/>.
/// </summary>
public sealed class WeightsAssembler
{
    private readonly long _maxBytes;
    private byte[]? _blob;
    private long _received;

    /// <summary>An assembler refusing blobs larger than <paramref name="maxBytes"/>.</summary>
    public WeightsAssembler(long maxBytes = 0x7FFFFFC7) // Array.MaxLength
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBytes, 0);
        _maxBytes = maxBytes;
    }

    /// <summary>The version being assembled (valid after the first chunk).</summary>
    public long Version { get; private set; }

    /// <summary>The blob's encoding.</summary>
    public WeightsEncoding Encoding { get; private set; }

    /// <summary>The layout from the first chunk.</summary>
    public IReadOnlyList<ParameterInfo> Parameters { get; private set; } = [];

    /// <summary>Whether every byte has arrived and the checksum matched.</summary>
    public bool IsComplete { get; private set; }

    /// <summary>The assembled blob (once complete).</summary>
    public ReadOnlyMemory<byte> Blob => IsComplete ? _blob : throw new InvalidOperationException("The weights are not complete yet.");

    /// <summary>Adds the next chunk; true when it completed the version.</summary>
    public bool Add(WeightsChunk chunk)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        if (IsComplete) throw new InvalidOperationException("This version is already complete; use a new assembler.");
        if (_blob is null)
        {
            if (chunk.Offset != 0) throw new InvalidDataException($"Weights v{chunk.Version} started at offset {chunk.Offset}, not 0.");
            if ((long)chunk.TotalSize > _maxBytes) throw new InvalidDataException($"Weights v{chunk.Version} announce {chunk.TotalSize} bytes, more than the limit of {_maxBytes}.");
            Version = chunk.Version;
            Encoding = chunk.Encoding;
            Parameters = chunk.Parameters.ToArray();
            _blob = GC.AllocateUninitializedArray<byte>((int)chunk.TotalSize);
        }
        else if (chunk.Version != Version || chunk.Encoding != Encoding || (long)chunk.TotalSize != _blob.Length)
        {
            throw new InvalidDataException($"A chunk of weights v{chunk.Version} ({chunk.Encoding}, {chunk.TotalSize} bytes) arrived inside v{Version} ({Encoding}, {_blob.Length} bytes).");
        }
        if ((long)chunk.Offset != _received) throw new InvalidDataException($"Weights v{Version}: expected offset {_received}, got {chunk.Offset}.");
        if (_received + chunk.Data.Length > _blob.Length) throw new InvalidDataException($"Weights v{Version}: chunk at {chunk.Offset} runs past the announced {_blob.Length} bytes.");
        chunk.Data.Span.CopyTo(_blob.AsSpan((int)_received));
        _received += chunk.Data.Length;
        if (_received < _blob.Length) return false;

        uint crc = Crc32C.Compute(_blob);
        if (crc != chunk.Crc32C) throw new InvalidDataException($"Weights v{Version}: CRC-32C {crc:x8} does not match the announced {chunk.Crc32C:x8}.");
        IsComplete = true;
        return true;
    }
}
