using AsyncRL.Models.Backend;

namespace AsyncRL.Models;

/// <summary>
/// Scaled-dot-product attention for one (batch, head) pair over strided rows, so Q, K and V can be
/// read straight out of a fused [B, T, 3D] projection and the output written into [B, T, D]
/// without any head-splitting copies. Row t of Q is q[t·qStride .. +dh].
/// </summary>
internal static class AttentionKernel
{
    /// <summary>O = softmax(scale·QKᵀ + mask)·V; <paramref name="p"/> [tq, tk] receives the probabilities.</summary>
    /// <param name="causalOffset">Query i sees keys j ≤ causalOffset + i; −1 disables masking.</param>
    public static void Forward(ReadOnlySpan<float> q, int qStride, ReadOnlySpan<float> k, int kStride, ReadOnlySpan<float> v, int vStride,
        Span<float> o, int oStride, Span<float> p, int tq, int tk, int dh, float scale, int causalOffset)
    {
        Gemm.Sgemm(false, true, tq, tk, dh, scale, q, qStride, k, kStride, 0f, p, tk);
        for (int i = 0; i < tq; i++)
        {
            var row = p.Slice(i * tk, tk);
            int valid = causalOffset < 0 ? tk : Math.Min(tk, causalOffset + i + 1);
            SoftmaxInPlace(row[..valid]);
            row[valid..].Clear();
        }
        Gemm.Sgemm(false, false, tq, dh, tk, 1f, p, tk, v, vStride, 0f, o, oStride);
    }

    /// <summary>Accumulates dQ, dK, dV from dO and the saved probabilities (any gradient span may be empty to skip it).</summary>
    public static void Backward(ReadOnlySpan<float> q, int qStride, ReadOnlySpan<float> k, int kStride, ReadOnlySpan<float> v, int vStride,
        ReadOnlySpan<float> dO, int oStride, ReadOnlySpan<float> p, Span<float> dQ, Span<float> dK, Span<float> dV, int tq, int tk, int dh, float scale)
    {
        if (!dV.IsEmpty) Gemm.Sgemm(true, false, tk, dh, tq, 1f, p, tk, dO, oStride, 1f, dV, vStride);
        if (dQ.IsEmpty && dK.IsEmpty) return;
        using var scratch = new PooledBuffer(tq * tk);
        var ds = scratch.Span;
        Gemm.Sgemm(false, true, tq, tk, dh, 1f, dO, oStride, v, vStride, 0f, ds, tk); // dP = dO·Vᵀ
        for (int i = 0; i < tq; i++)
        {
            var pr = p.Slice(i * tk, tk);
            var dr = ds.Slice(i * tk, tk);
            float dot = System.Numerics.Tensors.TensorPrimitives.Dot(pr, dr);
            for (int j = 0; j < tk; j++) dr[j] = pr[j] * (dr[j] - dot); // dS = P ⊙ (dP − Σ P·dP)
        }
        if (!dQ.IsEmpty) Gemm.Sgemm(false, false, tq, dh, tk, scale, ds, tk, k, kStride, 1f, dQ, qStride);
        if (!dK.IsEmpty) Gemm.Sgemm(true, false, tk, dh, tq, scale, ds, tk, q, qStride, 1f, dK, kStride);
    }

    private static void SoftmaxInPlace(Span<float> row)
    {
        float max = System.Numerics.Tensors.TensorPrimitives.Max(row);
        System.Numerics.Tensors.TensorPrimitives.Subtract(row, max, row);
        System.Numerics.Tensors.TensorPrimitives.Exp(row, row);
        float sum = System.Numerics.Tensors.TensorPrimitives.Sum(row);
        System.Numerics.Tensors.TensorPrimitives.Multiply(row, 1f / sum, row);
    }
}
