using AsyncRL.Models.Backend;

namespace AsyncRL.Models;

public sealed partial class Tensor
{
    /// <summary>
    /// Matrix product: [m,k]·[k,n] → [m,n]; batched [B,m,k]·[B,k,n] → [B,m,n] (also rank 4, with
    /// matching leading dimensions); [..,m,k]·[k,n] applies one matrix to every batch.
    /// </summary>
    public Tensor MatMul(Tensor other)
    {
        ArgumentNullException.ThrowIfNull(other);
        var a = this;
        var b = other;
        if (a.Rank < 2 || b.Rank < 2)
            throw new ArgumentException($"MatMul: needs rank ≥ 2 operands, got {ShapeString(a.Shape)} and {ShapeString(b.Shape)}.");
        int m = a.Dim(-2), k = a.Dim(-1), n = b.Dim(-1);
        if (b.Dim(-2) != k)
            throw new ArgumentException($"MatMul: inner dimensions differ: {ShapeString(a.Shape)} · {ShapeString(b.Shape)} ({k} vs {b.Dim(-2)}).");
        int batch;
        bool sharedB = b.Rank == 2;
        if (sharedB)
        {
            batch = 1;
            m = a.Size / Math.Max(k, 1);
        }
        else
        {
            if (!a.Shape[..^2].SequenceEqual(b.Shape[..^2]))
                throw new ArgumentException($"MatMul: batch dimensions differ: {ShapeString(a.Shape)} · {ShapeString(b.Shape)}.");
            batch = a.Size / Math.Max(m * k, 1);
        }
        var outShape = a._shape.ToArray();
        outShape[^1] = n;
        var c = Empty(outShape);
        if (k == 0) c.Data.Clear();
        for (int i = 0; i < batch; i++)
            Gemm.Sgemm(false, false, m, n, k, 1f, a.Data.Slice(i * m * k), k, b.Data.Slice(sharedB ? 0 : i * k * n), n, 0f, c.Data.Slice(i * m * n), n);

        if (Autograd.ShouldRecord(a, b))
        {
            Autograd.Record("MatMul", c, [a, b], g =>
            {
                for (int i = 0; i < batch; i++)
                {
                    var gi = g.Slice(i * m * n, m * n);
                    if (a.RequiresGrad) // dA = dC · Bᵀ
                        Gemm.Sgemm(false, true, m, k, n, 1f, gi, n, b.Data.Slice(sharedB ? 0 : i * k * n), n, 1f, a.GradAccumulator().Slice(i * m * k), k);
                    if (b.RequiresGrad) // dB = Aᵀ · dC (summed over the batch when B is shared)
                        Gemm.Sgemm(true, false, k, n, m, 1f, a.Data.Slice(i * m * k), k, gi, n, 1f, b.GradAccumulator().Slice(sharedB ? 0 : i * k * n), n);
                }
            });
        }
        return c;
    }
}
