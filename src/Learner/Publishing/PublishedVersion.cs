using System.Runtime.InteropServices;
using AsyncRL.Contracts;
using AsyncRL.Contracts.V1;

namespace AsyncRL.Learner.Publishing;

/// <summary>
/// One published policy version: the parameters packed as float32 once, at publish time (the model moves
/// on right after), and derived as bfloat16 on first request. Chunk lists for the default chunk size are
/// cached per encoding, since every watcher sends the same ones.
/// </summary>
internal sealed class PublishedVersion
{
    private readonly byte[] _f32;
    private readonly ParameterInfo[] _f32Layout;
    private readonly Lazy<(byte[] Blob, ParameterInfo[] Layout)> _bf16;
    private readonly Lazy<IReadOnlyList<WeightsChunk>> _f32Chunks;
    private readonly Lazy<IReadOnlyList<WeightsChunk>> _bf16Chunks;

    public PublishedVersion(long version, long learnerUpdate, byte[] f32Blob, ParameterInfo[] f32Layout, TraceContext? trace = null)
    {
        Version = version;
        LearnerUpdate = learnerUpdate;
        Trace = trace;
        _f32 = f32Blob;
        _f32Layout = f32Layout;
        _bf16 = new(ToBFloat16);
        _f32Chunks = new(() => Split(WeightsEncoding.F32, WeightsChunks.MaxChunkBytes));
        _bf16Chunks = new(() => Split(WeightsEncoding.Bf16, WeightsChunks.MaxChunkBytes));
    }

    public long Version { get; }

    public long LearnerUpdate { get; }

    /// <summary>The publish_weights span's context, sent on the first chunk (null when tracing is off).</summary>
    public TraceContext? Trace { get; }

    /// <summary>The float32 blob (for tests and checks).</summary>
    public ReadOnlyMemory<byte> F32Blob => _f32;

    /// <summary>The chunks of this version in <paramref name="encoding"/> (F32 or BF16), each at most <paramref name="maxChunkBytes"/>.</summary>
    public IReadOnlyList<WeightsChunk> Chunks(WeightsEncoding encoding, int maxChunkBytes)
    {
        if (maxChunkBytes == WeightsChunks.MaxChunkBytes) return encoding == WeightsEncoding.Bf16 ? _bf16Chunks.Value : _f32Chunks.Value;
        return Split(encoding, maxChunkBytes);
    }

    private IReadOnlyList<WeightsChunk> Split(WeightsEncoding encoding, int maxChunkBytes)
    {
        var (blob, layout) = encoding == WeightsEncoding.Bf16 ? _bf16.Value : (_f32, _f32Layout);
        return WeightsChunks.Split(Version, encoding, blob, layout, maxChunkBytes, LearnerUpdate, Trace);
    }

    // ModuleWeights.Pack lays parameters out back to back, so the bf16 blob is the f32 one element for
    // element at half the offsets.
    private (byte[], ParameterInfo[]) ToBFloat16()
    {
        var floats = MemoryMarshal.Cast<byte, float>(_f32.AsSpan());
        var blob = new byte[floats.Length * 2];
        BFloat16.Encode(floats, blob);
        var layout = _f32Layout.Select(p =>
        {
            var info = p.Clone();
            info.Offset = p.Offset / 2;
            info.Dtype = DType.Bfloat16;
            return info;
        }).ToArray();
        return (blob, layout);
    }
}
