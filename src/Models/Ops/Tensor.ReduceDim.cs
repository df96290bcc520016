using System.Buffers;
using System.Numerics.Tensors;

namespace AsyncRL.Models;

public sealed partial class Tensor
{
    /// <summary>Sum along <paramref name="dim"/>; the dimension is kept with size 1 when <paramref name="keepDim"/>.</summary>
    public Tensor Sum(int dim, bool keepDim = false) => SumAlong(dim, keepDim, mean: false);

    /// <summary>Mean along <paramref name="dim"/> (NaN over an empty dimension, as PyTorch).</summary>
    public Tensor Mean(int dim, bool keepDim = false) => SumAlong(dim, keepDim, mean: true);

    private Tensor SumAlong(int dim, bool keepDim, bool mean)
    {
        string name = mean ? "MeanDim" : "SumDim";
        int d = NormalizeDim(dim, Rank, name);
        var x = this;
        var axis = Axis.Of(_shape, d);
        float scale = mean ? 1f / axis.Size : 1f;
        var y = Empty(Axis.ReducedShape(_shape, d, keepDim));
        var xd = x.Data;
        var yd = y.Data;
        for (int o = 0; o < axis.Outer; o++)
        {
            var slab = xd.Slice(o * axis.SlabLength, axis.SlabLength);
            if (axis.Inner == 1)
            {
                yd[o] = TensorPrimitives.Sum(slab) * scale;
                continue;
            }
            var row = yd.Slice(o * axis.Inner, axis.Inner);
            row.Clear();
            for (int i = 0; i < axis.Size; i++) TensorPrimitives.Add(row, slab.Slice(i * axis.Inner, axis.Inner), row);
            if (mean) TensorPrimitives.Multiply(row, scale, row);
        }
        if (Autograd.ShouldRecord(x))
        {
            Autograd.Record(name, y, [x], g =>
            {
                var gx = x.GradAccumulator();
                for (int o = 0; o < axis.Outer; o++)
                {
                    var slab = gx.Slice(o * axis.SlabLength, axis.SlabLength);
                    if (axis.Inner == 1)
                    {
                        TensorPrimitives.Add(slab, g[o] * scale, slab);
                        continue;
                    }
                    var gRow = g.Slice(o * axis.Inner, axis.Inner);
                    for (int i = 0; i < axis.Size; i++)
                    {
                        var to = slab.Slice(i * axis.Inner, axis.Inner);
                        TensorPrimitives.MultiplyAdd(gRow, scale, to, to);
                    }
                }
            });
        }
        return y;
    }

    /// <summary>Largest value along <paramref name="dim"/>; the gradient goes to the first maximal element. NaN wins, as in PyTorch.</summary>
    public Tensor Max(int dim, bool keepDim = false) => ExtremeAlong(dim, keepDim, max: true);

    /// <summary>Smallest value along <paramref name="dim"/>; the gradient goes to the first minimal element. NaN wins, as in PyTorch.</summary>
    public Tensor Min(int dim, bool keepDim = false) => ExtremeAlong(dim, keepDim, max: false);

    /// <summary>Index of the first largest value along <paramref name="dim"/>, for each position of the other dimensions (row-major).</summary>
    public int[] ArgMax(int dim = -1)
    {
        var index = new int[ArgExtremeCount(dim, "ArgMax")];
        ArgMax(dim, index);
        return index;
    }

    /// <summary>Writes <see cref="ArgMax(int)"/> into <paramref name="destination"/> without allocating (for acting loops).</summary>
    public void ArgMax(int dim, Span<int> destination) => ArgExtremeInto(dim, destination, max: true, "ArgMax");

    /// <summary>Index of the first smallest value along <paramref name="dim"/>, for each position of the other dimensions (row-major).</summary>
    public int[] ArgMin(int dim = -1)
    {
        var index = new int[ArgExtremeCount(dim, "ArgMin")];
        ArgExtremeInto(dim, index, max: false, "ArgMin");
        return index;
    }

    private int ArgExtremeCount(int dim, string op)
    {
        var axis = Axis.Of(_shape, NormalizeDim(dim, Rank, op));
        return axis.Outer * axis.Inner;
    }

    private void ArgExtremeInto(int dim, Span<int> destination, bool max, string op)
    {
        int d = NormalizeDim(dim, Rank, op);
        var axis = CheckNonEmptyAxis(d, op);
        if (destination.Length != axis.Outer * axis.Inner)
            throw new ArgumentException($"{op}: destination holds {destination.Length} indices, shape {ShapeString(Shape)} along dimension {dim} gives {axis.Outer * axis.Inner}.", nameof(destination));
        using var values = new PooledBuffer(axis.Inner);
        for (int o = 0; o < axis.Outer; o++)
            ArgExtremeSlab(Data.Slice(o * axis.SlabLength, axis.SlabLength), axis, max, destination.Slice(o * axis.Inner, axis.Inner), values.Span);
    }

    private Tensor ExtremeAlong(int dim, bool keepDim, bool max)
    {
        string name = max ? "MaxDim" : "MinDim";
        int d = NormalizeDim(dim, Rank, name);
        var axis = CheckNonEmptyAxis(d, name);
        var x = this;
        var y = Empty(Axis.ReducedShape(_shape, d, keepDim));
        bool record = Autograd.ShouldRecord(x);
        int count = axis.Outer * axis.Inner;
        // Indices survive into the backward closure only when recording; otherwise they are scratch.
        var index = record ? new int[count] : ArrayPool<int>.Shared.Rent(count);
        var xd = x.Data;
        var yd = y.Data;
        for (int o = 0; o < axis.Outer; o++)
            ArgExtremeSlab(xd.Slice(o * axis.SlabLength, axis.SlabLength), axis, max, index.AsSpan(o * axis.Inner, axis.Inner), yd.Slice(o * axis.Inner, axis.Inner));
        if (!record)
        {
            ArrayPool<int>.Shared.Return(index);
            return y;
        }
        Autograd.Record(name, y, [x], g =>
        {
            var gx = x.GradAccumulator();
            for (int o = 0; o < axis.Outer; o++)
                for (int j = 0; j < axis.Inner; j++)
                {
                    int k = o * axis.Inner + j;
                    gx[o * axis.SlabLength + index[k] * axis.Inner + j] += g[k];
                }
        });
        return y;
    }

    private Axis CheckNonEmptyAxis(int d, string op)
    {
        var axis = Axis.Of(_shape, d);
        if (axis.Size == 0)
            throw new ArgumentException($"{op}: dimension {d} of shape {ShapeString(Shape)} is empty; there is no extreme value.");
        return axis;
    }

    // For one [Size, Inner] slab: the index and value of the extreme element of each of the Inner lanes.
    private static void ArgExtremeSlab(ReadOnlySpan<float> slab, Axis axis, bool max, Span<int> index, Span<float> best)
    {
        if (axis.Inner == 1)
        {
            // IndexOf{Max,Min} return the first extreme element, and the first NaN if there is one.
            int i = max ? TensorPrimitives.IndexOfMax(slab) : TensorPrimitives.IndexOfMin(slab);
            index[0] = i;
            best[0] = slab[i];
            return;
        }
        slab[..axis.Inner].CopyTo(best);
        index.Clear();
        for (int i = 1; i < axis.Size; i++)
        {
            var lane = slab.Slice(i * axis.Inner, axis.Inner);
            for (int j = 0; j < lane.Length; j++)
            {
                float v = lane[j], b = best[j];
                bool better = (max ? v > b : v < b) || (float.IsNaN(v) && !float.IsNaN(b));
                if (better)
                {
                    best[j] = v;
                    index[j] = i;
                }
            }
        }
    }

    /// <summary>Variance along <paramref name="dim"/>, divided by n − 1 when <paramref name="unbiased"/> (PyTorch's default) else by n.</summary>
    public Tensor Var(int dim, bool keepDim = false, bool unbiased = true)
    {
        int d = NormalizeDim(dim, Rank, "Var");
        var x = this;
        var axis = Axis.Of(_shape, d);
        int denominator = axis.Size - (unbiased ? 1 : 0);
        float inverseDenominator = 1f / denominator;
        var y = Empty(Axis.ReducedShape(_shape, d, keepDim));
        var mean = Empty(y.Shape); // μ, saved for the backward pass
        var xd = x.Data;
        for (int o = 0; o < axis.Outer; o++)
            for (int j = 0; j < axis.Inner; j++)
            {
                int baseIndex = o * axis.SlabLength + j;
                double sum = 0;
                for (int i = 0; i < axis.Size; i++) sum += xd[baseIndex + i * axis.Inner];
                double mu = sum / axis.Size, squares = 0;
                for (int i = 0; i < axis.Size; i++)
                {
                    double dev = xd[baseIndex + i * axis.Inner] - mu;
                    squares += dev * dev;
                }
                mean.Data[o * axis.Inner + j] = (float)mu;
                y.Data[o * axis.Inner + j] = (float)(squares / denominator);
            }
        if (Autograd.ShouldRecord(x))
        {
            Autograd.Record("Var", y, [x], g =>
            {
                // ∂/∂xᵢ Σₖ(xₖ − μ)² = 2(xᵢ − μ), since Σₖ(xₖ − μ) = 0 cancels μ's own dependence on xᵢ.
                var gx = x.GradAccumulator();
                var xv = x.Data;
                var mu = mean.Data;
                for (int o = 0; o < axis.Outer; o++)
                    for (int i = 0; i < axis.Size; i++)
                        for (int j = 0; j < axis.Inner; j++)
                        {
                            int k = o * axis.Inner + j, at = o * axis.SlabLength + i * axis.Inner + j;
                            gx[at] += g[k] * 2f * (xv[at] - mu[k]) * inverseDenominator;
                        }
            });
        }
        return y;
    }

    /// <summary>Standard deviation along <paramref name="dim"/>: √<see cref="Var"/>.</summary>
    public Tensor Std(int dim, bool keepDim = false, bool unbiased = true) => Var(dim, keepDim, unbiased).Sqrt();
}
