using System.Buffers;
using System.Diagnostics;
using AsyncRL.Contracts.V1;

namespace AsyncRL.Contracts;

/// <summary>
/// Puts the chunks of a version back together, checking as it goes: one version and encoding, contiguous
/// offsets, the announced size, and the CRC-32C (computed while copying, so the bytes are touched once).
/// A broken stream is an <see cref="InvalidDataException"/>. After a version completes, the next chunk at
/// offset 0 starts the next version: in a new buffer, so a completed <see cref="Blob"/> stays valid, or, when
/// built with <c>reuseBuffer</c>, in the same one (no fresh large allocation per version).
/// </summary>
public sealed class WeightsAssembler
{
    private readonly long _maxBytes;
    private readonly bool _reuseBuffer;
    private byte[]? _blob;
    private long _received;
    private uint _crc;

    /// <summary>An assembler refusing blobs larger than <paramref name="maxBytes"/>.</summary>
    /// <param name="maxBytes">Largest blob accepted.</param>
    /// <param name="reuseBuffer">
    /// Assemble the next version into the previous version's buffer when the sizes match. Saves allocating
    /// (and the OS zero-filling) a model-sized array per version, but the previous <see cref="Blob"/> is then
    /// only valid until the next version's first chunk arrives.
    /// </param>
    public WeightsAssembler(long maxBytes = 0x7FFFFFC7 /* Array.MaxLength */, bool reuseBuffer = false)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBytes, 0);
        _maxBytes = maxBytes;
        _reuseBuffer = reuseBuffer;
    }

    /// <summary>The version being (or last) assembled.</summary>
    public long Version { get; private set; }

    /// <summary>The blob's encoding.</summary>
    public WeightsEncoding Encoding { get; private set; }

    /// <summary>The layout from the version's first chunk.</summary>
    public IReadOnlyList<ParameterInfo> Parameters { get; private set; } = [];

    /// <summary>Learner update count at which the version was published.</summary>
    public long LearnerUpdate { get; private set; }

    /// <summary>The publishing span the version's first chunk named (default when none).</summary>
    public ActivityContext Trace { get; private set; }

    /// <summary>Whether every byte of the version has arrived and the checksum matched.</summary>
    public bool IsComplete { get; private set; }

    /// <summary>The assembled blob (once complete).</summary>
    public ReadOnlyMemory<byte> Blob => IsComplete ? _blob : throw new InvalidOperationException("The weights are not complete yet.");

    /// <summary>Adds the next chunk; true when it completed its version.</summary>
    public bool Add(WeightsChunk chunk)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        var fields = new WeightsChunkFields(chunk.Version, chunk.Offset, chunk.TotalSize, chunk.Encoding, chunk.Crc32C, chunk.LearnerUpdate);
        return Accept(fields, new ReadOnlySequence<byte>(chunk.Data.Memory), chunk.Parameters, chunk.Trace);
    }

    /// <summary>
    /// Adds a chunk still in its wire form, copying its data straight into the blob: no message object and
    /// no per-chunk buffer (see <see cref="WeightsStreaming"/>).
    /// </summary>
    public WeightsChunkReceipt AddEncoded(in ReadOnlySequence<byte> message)
    {
        var (fields, data, parameters, trace) = WeightsChunkDecoder.Decode(message);
        bool completed = Accept(fields, data, parameters, trace);
        return new WeightsChunkReceipt(fields.Version, (long)fields.Offset, (int)data.Length, completed);
    }

    private bool Accept(in WeightsChunkFields chunk, in ReadOnlySequence<byte> data, IReadOnlyList<ParameterInfo> parameters, TraceContext? trace)
    {
        if (_blob is null || IsComplete)
        {
            if (chunk.Offset != 0) throw new InvalidDataException($"Weights v{chunk.Version} started at offset {chunk.Offset}, not 0.");
            if ((long)chunk.TotalSize > _maxBytes) throw new InvalidDataException($"Weights v{chunk.Version} announce {chunk.TotalSize} bytes, more than the limit of {_maxBytes}.");
            Version = chunk.Version;
            Encoding = chunk.Encoding;
            LearnerUpdate = chunk.LearnerUpdate;
            Parameters = parameters.ToArray();
            Trace = TraceContexts.FromMessage(trace);
            IsComplete = false;
            _received = 0;
            _crc = 0;
            if (!_reuseBuffer || _blob is null || _blob.Length != (long)chunk.TotalSize)
            {
                _blob = GC.AllocateUninitializedArray<byte>((int)chunk.TotalSize);
            }
        }
        else if (chunk.Version != Version || chunk.Encoding != Encoding || (long)chunk.TotalSize != _blob.Length)
        {
            throw new InvalidDataException($"A chunk of weights v{chunk.Version} ({chunk.Encoding}, {chunk.TotalSize} bytes) arrived inside v{Version} ({Encoding}, {_blob.Length} bytes).");
        }
        if ((long)chunk.Offset != _received) throw new InvalidDataException($"Weights v{Version}: expected offset {_received}, got {chunk.Offset}.");
        if (_received + data.Length > _blob.Length) throw new InvalidDataException($"Weights v{Version}: chunk at {chunk.Offset} runs past the announced {_blob.Length} bytes.");

        foreach (ReadOnlyMemory<byte> segment in data)
        {
            segment.Span.CopyTo(_blob.AsSpan((int)_received));
            _crc = Crc32C.Append(_crc, segment.Span);
            _received += segment.Length;
        }
        if (_received < _blob.Length) return false;
        if (_crc != chunk.Crc32C) throw new InvalidDataException($"Weights v{Version}: CRC-32C {_crc:x8} does not match the announced {chunk.Crc32C:x8}.");
        IsComplete = true;
        return true;
    }
}

/// <summary>What one chunk added: its version, where its data went, and whether it completed the version.</summary>
/// <param name="Version">The chunk's policy version.</param>
/// <param name="Offset">Byte offset of its data in the blob.</param>
/// <param name="Length">Bytes of data.</param>
/// <param name="Completed">Whether the version is now complete (read the assembler's Blob before the next chunk).</param>
public sealed record WeightsChunkReceipt(long Version, long Offset, int Length, bool Completed);

/// <summary>The scalar fields of a WeightsChunk.</summary>
internal readonly record struct WeightsChunkFields(long Version, ulong Offset, ulong TotalSize, WeightsEncoding Encoding, uint Crc32C, long LearnerUpdate);
