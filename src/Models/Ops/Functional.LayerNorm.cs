using System.Numerics.Tensors;

namespace AsyncRL.Models;

public static partial class Functional
{
    /// <summary>
    /// Layer normalisation over the last dimension: y = (x − μ)/√(σ² + ε)·γ + β, with the biased
    /// variance as PyTorch. Fused forward and backward.
    /// </summary>
    public static Tensor LayerNorm(Tensor x, Tensor gamma, Tensor beta, float eps = 1e-5f)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(gamma);
        ArgumentNullException.ThrowIfNull(beta);
        int d = x.Rank == 0 ? 0 : x.Dim(-1);
        if (d == 0 || gamma.Rank != 1 || gamma.Dim(0) != d || !beta.Shape.SequenceEqual(gamma.Shape))
            throw new ArgumentException($"LayerNorm: input {Tensor.ShapeString(x.Shape)} needs weight and bias of shape [{d}], got {Tensor.ShapeString(gamma.Shape)} and {Tensor.ShapeString(beta.Shape)}.");
        int rows = x.Size / d;
        var y = Tensor.Empty(x.Shape);
        var stats = Tensor.Empty([rows, 2]); // μ, 1/σ per row, kept for backward
        var xs = x.Data;
        var ys = y.Data;
        var st = stats.Data;
        var g = gamma.Data;
        var b = beta.Data;
        for (int r = 0; r < rows; r++)
        {
            var xr = xs.Slice(r * d, d);
            var yr = ys.Slice(r * d, d);
            float mean = TensorPrimitives.Sum(xr) / d;
            TensorPrimitives.Subtract(xr, mean, yr);
            float rstd = 1f / MathF.Sqrt(TensorPrimitives.SumOfSquares(yr) / d + eps);
            st[2 * r] = mean;
            st[2 * r + 1] = rstd;
            TensorPrimitives.Multiply(yr, rstd, yr);
            TensorPrimitives.FusedMultiplyAdd(yr, g, b, yr);
        }

        if (Autograd.ShouldRecord([x, gamma, beta]))
        {
            Autograd.Record("LayerNorm", y, [x, gamma, beta], gy =>
            {
                using var scratch = new PooledBuffer(2 * d);
                var xhat = scratch.Span[..d];
                var dxhat = scratch.Span[d..];
                for (int r = 0; r < rows; r++)
                {
                    var xr = x.Data.Slice(r * d, d);
                    var gr = gy.Slice(r * d, d);
                    float mean = stats.Data[2 * r], rstd = stats.Data[2 * r + 1];
                    TensorPrimitives.Subtract(xr, mean, xhat);
                    TensorPrimitives.Multiply(xhat, rstd, xhat);
                    if (gamma.RequiresGrad) TensorPrimitives.FusedMultiplyAdd(gr, xhat, gamma.GradAccumulator(), gamma.GradAccumulator());
                    if (beta.RequiresGrad) TensorPrimitives.Add(beta.GradAccumulator(), gr, beta.GradAccumulator());
                    if (!x.RequiresGrad) continue;
                    // dx = rstd·(dx̂ − mean(dx̂) − x̂·mean(dx̂ ⊙ x̂))
                    TensorPrimitives.Multiply(gr, gamma.Data, dxhat);
                    float meanD = TensorPrimitives.Sum(dxhat) / d;
                    float meanDX = TensorPrimitives.Dot(dxhat, xhat) / d;
                    var gx = x.GradAccumulator().Slice(r * d, d);
                    for (int i = 0; i < d; i++) gx[i] += rstd * (dxhat[i] - meanD - xhat[i] * meanDX);
                }
            });
        }
        return y;
    }

    /// <summary>Rows of <paramref name="weight"/> [V, D] picked by token ids; the result has shape indicesShape + [D].</summary>
    public static Tensor Embedding(Tensor weight, ReadOnlySpan<int> indices, ReadOnlySpan<int> indicesShape)
    {
        ArgumentNullException.ThrowIfNull(weight);
        if (weight.Rank != 2) throw new ArgumentException($"Embedding: weight must be [vocab, dim], got {Tensor.ShapeString(weight.Shape)}.");
        if (Tensor.ElementCount(indicesShape) != indices.Length)
            throw new ArgumentException($"Embedding: {indices.Length} indices do not fill shape {Tensor.ShapeString(indicesShape)}.");
        int vocab = weight.Dim(0), d = weight.Dim(1);
        var outShape = new int[indicesShape.Length + 1];
        indicesShape.CopyTo(outShape);
        outShape[^1] = d;
        var y = Tensor.Empty(outShape);
        var ids = indices.ToArray();
        for (int i = 0; i < ids.Length; i++)
        {
            if ((uint)ids[i] >= (uint)vocab)
                throw new ArgumentOutOfRangeException(nameof(indices), $"Embedding: index {ids[i]} at position {i} is outside the vocabulary [0, {vocab}).");
            weight.Data.Slice(ids[i] * d, d).CopyTo(y.Data.Slice(i * d, d));
        }
        if (Autograd.ShouldRecord(weight))
        {
            Autograd.Record("Embedding", y, [weight], g =>
            {
                var gw = weight.GradAccumulator();
                for (int i = 0; i < ids.Length; i++)
                    TensorPrimitives.Add(gw.Slice(ids[i] * d, d), g.Slice(i * d, d), gw.Slice(ids[i] * d, d));
            });
        }
        return y;
    }
}
