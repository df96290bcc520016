namespace AsyncRL.Models;

public static partial class Functional
{
    /// <summary>
    /// softmax(Q·Kᵀ/√d + mask)·V for Q [.., Tq, d], K and V [.., Tk, d] with equal leading
    /// dimensions (e.g. [B, H, T, d]). With <paramref name="causal"/>, query i attends to keys
    /// j ≤ i + (Tk − Tq), so cached keys before the queries are visible.
    /// </summary>
    public static Tensor ScaledDotProductAttention(Tensor q, Tensor k, Tensor v, bool causal)
    {
        ArgumentNullException.ThrowIfNull(q);
        ArgumentNullException.ThrowIfNull(k);
        ArgumentNullException.ThrowIfNull(v);
        if (q.Rank < 2 || k.Rank != q.Rank || v.Rank != q.Rank || !q.Shape[..^2].SequenceEqual(k.Shape[..^2]) || !k.Shape.SequenceEqual(v.Shape) || q.Dim(-1) != k.Dim(-1))
            throw new ArgumentException($"ScaledDotProductAttention: incompatible shapes q {Tensor.ShapeString(q.Shape)}, k {Tensor.ShapeString(k.Shape)}, v {Tensor.ShapeString(v.Shape)}.");
        int tq = q.Dim(-2), tk = k.Dim(-2), dh = q.Dim(-1);
        if (causal && tq > tk) throw new ArgumentException($"ScaledDotProductAttention: causal attention needs Tq ≤ Tk, got {tq} > {tk}.");
        int heads = q.Size / Math.Max(tq * dh, 1);
        float scale = 1f / MathF.Sqrt(dh);
        int offset = causal ? tk - tq : -1;
        var o = Tensor.Empty(q.Shape);
        var probs = Tensor.Empty([heads, tq, tk]);
        for (int h = 0; h < heads; h++)
            AttentionKernel.Forward(q.Data[(h * tq * dh)..], dh, k.Data[(h * tk * dh)..], dh, v.Data[(h * tk * dh)..], dh,
                o.Data[(h * tq * dh)..], dh, probs.Data.Slice(h * tq * tk, tq * tk), tq, tk, dh, scale, offset);
        if (Autograd.ShouldRecord([q, k, v]))
        {
            Autograd.Record("ScaledDotProductAttention", o, [q, k, v], g =>
            {
                for (int h = 0; h < heads; h++)
                    AttentionKernel.Backward(q.Data[(h * tq * dh)..], dh, k.Data[(h * tk * dh)..], dh, v.Data[(h * tk * dh)..], dh,
                        g[(h * tq * dh)..], dh, probs.Data.Slice(h * tq * tk, tq * tk),
                        q.RequiresGrad ? q.GradAccumulator()[(h * tq * dh)..] : default,
                        k.RequiresGrad ? k.GradAccumulator()[(h * tk * dh)..] : default,
                        v.RequiresGrad ? v.GradAccumulator()[(h * tk * dh)..] : default, tq, tk, dh, scale);
            });
        }
        return o;
    }

    /// <summary>
    /// Fused causal multi-head self-attention over a packed projection <paramref name="qkv"/>
    /// [B, T, 3D] (Q, K, V side by side, heads contiguous inside each) → [B, T, D]. No head-splitting copies.
    /// </summary>
    public static Tensor CausalSelfAttention(Tensor qkv, int heads)
    {
        ArgumentNullException.ThrowIfNull(qkv);
        var (b, t, d) = CheckPacked(qkv, heads);
        int dh = d / heads, stride = 3 * d;
        float scale = 1f / MathF.Sqrt(dh);
        var o = Tensor.Empty([b, t, d]);
        var probs = Tensor.Empty([b * heads, t, t]);
        for (int bi = 0; bi < b; bi++)
            for (int h = 0; h < heads; h++)
            {
                var src = qkv.Data[(bi * t * stride + h * dh)..];
                AttentionKernel.Forward(src, stride, src[d..], stride, src[(2 * d)..], stride,
                    o.Data[(bi * t * d + h * dh)..], d, probs.Data.Slice((bi * heads + h) * t * t, t * t), t, t, dh, scale, 0);
            }
        if (Autograd.ShouldRecord(qkv))
        {
            Autograd.Record("CausalSelfAttention", o, [qkv], g =>
            {
                var gq = qkv.GradAccumulator();
                for (int bi = 0; bi < b; bi++)
                    for (int h = 0; h < heads; h++)
                    {
                        int off = bi * t * stride + h * dh;
                        var src = qkv.Data[off..];
                        var gsrc = gq[off..];
                        AttentionKernel.Backward(src, stride, src[d..], stride, src[(2 * d)..], stride,
                            g[(bi * t * d + h * dh)..], d, probs.Data.Slice((bi * heads + h) * t * t, t * t),
                            gsrc, gsrc[d..], gsrc[(2 * d)..], t, t, dh, scale);
                    }
            });
        }
        return o;
    }

    /// <summary>
    /// Incremental decoding step: appends the new keys and values of <paramref name="qkv"/> [B, Tn, 3D]
    /// to <paramref name="cache"/> and attends from the new queries to every cached position.
    /// Inference only (no gradient).
    /// </summary>
    public static Tensor CausalSelfAttention(Tensor qkv, int heads, Nn.LayerKvCache cache)
    {
        ArgumentNullException.ThrowIfNull(qkv);
        ArgumentNullException.ThrowIfNull(cache);
        if (Autograd.ShouldRecord(qkv))
            throw new InvalidOperationException("CausalSelfAttention with a KV cache is inference-only; run it under Autograd.NoGrad().");
        var (b, tn, d) = CheckPacked(qkv, heads);
        if (b != cache.Batch || d != cache.Dim)
            throw new ArgumentException($"CausalSelfAttention: input {Tensor.ShapeString(qkv.Shape)} does not match the cache (batch {cache.Batch}, dim {cache.Dim}).");
        int start = cache.Append(qkv.Data, tn);
        int tk = start + tn, dh = d / heads, stride = 3 * d;
        float scale = 1f / MathF.Sqrt(dh);
        var o = Tensor.Empty([b, tn, d]);
        using var probs = new PooledBuffer(tn * tk);
        for (int bi = 0; bi < b; bi++)
            for (int h = 0; h < heads; h++)
            {
                int cacheOff = bi * cache.Capacity * d + h * dh;
                AttentionKernel.Forward(qkv.Data[(bi * tn * stride + h * dh)..], stride, cache.Keys.AsSpan(cacheOff), d, cache.Values.AsSpan(cacheOff), d,
                    o.Data[(bi * tn * d + h * dh)..], d, probs.Span, tn, tk, dh, scale, start);
            }
        return o;
    }

    private static (int B, int T, int D) CheckPacked(Tensor qkv, int heads)
    {
        if (qkv.Rank != 3 || qkv.Dim(2) % 3 != 0)
            throw new ArgumentException($"CausalSelfAttention: expected packed [B, T, 3D], got {Tensor.ShapeString(qkv.Shape)}.");
        int d = qkv.Dim(2) / 3;
        if (heads <= 0 || d % heads != 0)
            throw new ArgumentException($"CausalSelfAttention: model dimension {d} is not divisible by {heads} heads.");
        return (qkv.Dim(0), qkv.Dim(1), d);
    }
}
