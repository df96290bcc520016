using System.Numerics.Tensors;

namespace AsyncRL.Models;

public sealed partial class Tensor
{
    /// <summary>Element-wise maximum with broadcasting; ties split the gradient evenly (as PyTorch).</summary>
    public Tensor Maximum(Tensor other) => Extremum(this, other, max: true);

    /// <summary>Element-wise minimum with broadcasting; ties split the gradient evenly (as PyTorch).</summary>
    public Tensor Minimum(Tensor other) => Extremum(this, other, max: false);

    /// <summary>Picks <paramref name="x"/> where <paramref name="condition"/> is nonzero, else <paramref name="y"/>; all three broadcast together.</summary>
    public static Tensor Where(Tensor condition, Tensor x, Tensor y)
    {
        ArgumentNullException.ThrowIfNull(condition);
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        var outShape = BroadcastShape(condition.Shape, x.Shape, y.Shape, "Where");
        var result = Empty(outShape);
        using (var cb = ExpandTo(condition, outShape))
        using (var xb = ExpandTo(x, outShape))
        using (var yb = ExpandTo(y, outShape))
        {
            var c = Expanded(condition, cb, outShape);
            var xv = Expanded(x, xb, outShape);
            var yv = Expanded(y, yb, outShape);
            var z = result.Data;
            for (int i = 0; i < z.Length; i++) z[i] = c[i] != 0f ? xv[i] : yv[i];
        }
        if (Autograd.ShouldRecord(x, y))
        {
            Autograd.Record("Where", result, [x, y], g =>
            {
                var shape = result.Shape;
                using var cb = ExpandTo(condition, shape);
                var c = Expanded(condition, cb, shape);
                using var tmp = new PooledBuffer(g.Length);
                var t = tmp.Span;
                if (x.RequiresGrad)
                {
                    for (int i = 0; i < t.Length; i++) t[i] = c[i] != 0f ? g[i] : 0f;
                    Broadcasting.ReduceAdd(t, shape, x.GradAccumulator(), x.Shape);
                }
                if (y.RequiresGrad)
                {
                    for (int i = 0; i < t.Length; i++) t[i] = c[i] != 0f ? 0f : g[i];
                    Broadcasting.ReduceAdd(t, shape, y.GradAccumulator(), y.Shape);
                }
            });
        }
        return result;
    }

    /// <summary>A copy with <paramref name="value"/> where <paramref name="mask"/> (broadcast to this shape) is nonzero.</summary>
    public Tensor MaskedFill(Tensor mask, float value)
    {
        ArgumentNullException.ThrowIfNull(mask);
        var x = this;
        if (!Broadcasting.ResultShape(mask.Shape, x.Shape, "MaskedFill").AsSpan().SequenceEqual(x.Shape))
            throw new ArgumentException($"MaskedFill: mask {ShapeString(mask.Shape)} does not broadcast to the tensor's shape {ShapeString(x.Shape)}.");
        var result = Empty(x._shape);
        using (var mb = ExpandTo(mask, x.Shape))
        {
            var m = Expanded(mask, mb, x.Shape);
            var xd = x.Data;
            var z = result.Data;
            for (int i = 0; i < z.Length; i++) z[i] = m[i] != 0f ? value : xd[i];
        }
        if (Autograd.ShouldRecord(x))
        {
            Autograd.Record("MaskedFill", result, [x], g =>
            {
                using var mb = ExpandTo(mask, x.Shape);
                var m = Expanded(mask, mb, x.Shape);
                var gx = x.GradAccumulator();
                for (int i = 0; i < gx.Length; i++) if (m[i] == 0f) gx[i] += g[i];
            });
        }
        return result;
    }

    private static Tensor Extremum(Tensor a, Tensor b, bool max)
    {
        ArgumentNullException.ThrowIfNull(b);
        string name = max ? "Maximum" : "Minimum";
        var outShape = a.Shape.SequenceEqual(b.Shape) ? a._shape : Broadcasting.ResultShape(a.Shape, b.Shape, name);
        var result = Empty(outShape);
        using (var ab = ExpandTo(a, outShape))
        using (var bb = ExpandTo(b, outShape))
        {
            // TensorPrimitives.Max/Min propagate NaN, as torch.maximum/minimum do.
            if (max) TensorPrimitives.Max(Expanded(a, ab, outShape), Expanded(b, bb, outShape), result.Data);
            else TensorPrimitives.Min(Expanded(a, ab, outShape), Expanded(b, bb, outShape), result.Data);
        }
        if (Autograd.ShouldRecord(a, b))
        {
            Autograd.Record(name, result, [a, b], g =>
            {
                var shape = result.Shape;
                using var ab = ExpandTo(a, shape);
                using var bb = ExpandTo(b, shape);
                var av = Expanded(a, ab, shape);
                var bv = Expanded(b, bb, shape);
                using var tmp = new PooledBuffer(g.Length);
                var t = tmp.Span;
                // The winner takes the gradient, a tie halves it; the loser gets none.
                if (a.RequiresGrad)
                {
                    for (int i = 0; i < t.Length; i++)
                        t[i] = av[i] == bv[i] ? 0.5f * g[i] : (max ? av[i] < bv[i] : av[i] > bv[i]) ? 0f : g[i];
                    Broadcasting.ReduceAdd(t, shape, a.GradAccumulator(), a.Shape);
                }
                if (b.RequiresGrad)
                {
                    for (int i = 0; i < t.Length; i++)
                        t[i] = av[i] == bv[i] ? 0.5f * g[i] : (max ? av[i] > bv[i] : av[i] < bv[i]) ? 0f : g[i];
                    Broadcasting.ReduceAdd(t, shape, b.GradAccumulator(), b.Shape);
                }
            });
        }
        return result;
    }

    // A buffer holding t stretched to outShape, or an empty one when t already has that shape.
    private static PooledBuffer ExpandTo(Tensor t, ReadOnlySpan<int> outShape) => Materialize(t, outShape, t.Shape.SequenceEqual(outShape));

    private static ReadOnlySpan<float> Expanded(Tensor t, PooledBuffer buffer, ReadOnlySpan<int> outShape) =>
        t.Shape.SequenceEqual(outShape) ? t.Data : buffer.Span;

    private static int[] BroadcastShape(ReadOnlySpan<int> a, ReadOnlySpan<int> b, ReadOnlySpan<int> c, string op)
    {
        int rank = Math.Max(a.Length, Math.Max(b.Length, c.Length));
        var result = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            int da = DimFromRight(a, rank - i), db = DimFromRight(b, rank - i), dc = DimFromRight(c, rank - i);
            int d = Math.Max(da, Math.Max(db, dc));
            if (da == 0 || db == 0 || dc == 0) d = 0;
            if ((da != 1 && da != d) || (db != 1 && db != d) || (dc != 1 && dc != d))
                throw new ArgumentException($"{op}: shapes {ShapeString(a)}, {ShapeString(b)} and {ShapeString(c)} cannot be broadcast together (dimension {i}: {da}, {db}, {dc}).");
            result[i] = d;
        }
        return result;
    }

    // The size of the dimension fromRight places from the end, or 1 past the shape's rank.
    private static int DimFromRight(ReadOnlySpan<int> shape, int fromRight) => fromRight <= shape.Length ? shape[^fromRight] : 1;
}
