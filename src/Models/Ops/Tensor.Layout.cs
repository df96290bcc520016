using System.Numerics.Tensors;

namespace AsyncRL.Models;

public sealed partial class Tensor
{
    /// <summary>Swaps two dimensions (a materialised copy, contiguous like every tensor).</summary>
    public Tensor Transpose(int dim0, int dim1)
    {
        int d0 = NormalizeDim(dim0, Rank, "Transpose"), d1 = NormalizeDim(dim1, Rank, "Transpose");
        Span<int> perm = stackalloc int[Rank];
        for (int d = 0; d < perm.Length; d++) perm[d] = d;
        perm[d0] = d1;
        perm[d1] = d0;
        return PermuteCore(perm, "Transpose");
    }

    /// <summary>Reorders the dimensions: output dimension k is input dimension <paramref name="dims"/>[k] (a copy).</summary>
    public Tensor Permute(params ReadOnlySpan<int> dims)
    {
        if (dims.Length != Rank)
            throw new ArgumentException($"Permute: {dims.Length} dimensions given for a tensor of shape {ShapeString(Shape)}.");
        Span<int> perm = stackalloc int[Rank];
        Span<bool> seen = stackalloc bool[Math.Max(Rank, 1)];
        for (int k = 0; k < dims.Length; k++)
        {
            int d = NormalizeDim(dims[k], Rank, "Permute");
            if (seen[d]) throw new ArgumentException($"Permute: dimension {dims[k]} appears twice in ({string.Join(", ", dims.ToArray())}).");
            seen[d] = true;
            perm[k] = d;
        }
        return PermuteCore(perm, "Permute");
    }

    private Tensor PermuteCore(ReadOnlySpan<int> perm, string name)
    {
        var x = this;
        var outShape = new int[Rank];
        for (int k = 0; k < outShape.Length; k++) outShape[k] = _shape[perm[k]];
        var y = Empty(outShape);
        PermuteInto(x.Data, x.Shape, perm, y.Data, accumulate: false);
        if (Autograd.ShouldRecord(x))
        {
            var inverse = new int[perm.Length];
            for (int k = 0; k < perm.Length; k++) inverse[perm[k]] = k;
            Autograd.Record(name, y, [x], g => PermuteInto(g, outShape, inverse, x.GradAccumulator(), accumulate: true));
        }
        return y;
    }

    // dst[i₀..] (=|+=) src at the index whose dimension perm[k] is iₖ; rank is padded to 4 with leading 1s.
    private static void PermuteInto(ReadOnlySpan<float> src, ReadOnlySpan<int> srcShape, ReadOnlySpan<int> perm, Span<float> dst, bool accumulate)
    {
        int rank = srcShape.Length, pad = MaxRank - rank;
        Span<int> srcStride = stackalloc int[MaxRank];
        for (int d = rank - 1, s = 1; d >= 0; d--)
        {
            srcStride[d] = s;
            s *= srcShape[d];
        }
        Span<int> n = stackalloc int[MaxRank];
        Span<int> stride = stackalloc int[MaxRank]; // step in src per step along each dst dimension
        n.Fill(1);
        stride.Clear();
        for (int k = 0; k < rank; k++)
        {
            n[pad + k] = srcShape[perm[k]];
            stride[pad + k] = srcStride[perm[k]];
        }
        int o = 0, run = n[3];
        for (int i0 = 0; i0 < n[0]; i0++)
            for (int i1 = 0; i1 < n[1]; i1++)
                for (int i2 = 0; i2 < n[2]; i2++, o += run)
                {
                    int b = i0 * stride[0] + i1 * stride[1] + i2 * stride[2];
                    var to = dst.Slice(o, run);
                    if (stride[3] == 1) // the last dimension stays last: whole runs are contiguous
                    {
                        var from = src.Slice(b, run);
                        if (accumulate) TensorPrimitives.Add(to, from, to);
                        else from.CopyTo(to);
                    }
                    else if (accumulate)
                    {
                        for (int i3 = 0; i3 < run; i3++) to[i3] += src[b + i3 * stride[3]];
                    }
                    else
                    {
                        for (int i3 = 0; i3 < run; i3++) to[i3] = src[b + i3 * stride[3]];
                    }
                }
    }

    /// <summary>Joins tensors along an existing dimension; all other dimensions must match.</summary>
    public static Tensor Concat(IReadOnlyList<Tensor> tensors, int dim = 0)
    {
        var inputs = CheckList(tensors, "Concat");
        var first = inputs[0];
        if (first.Rank == 0) throw new ArgumentException("Concat: scalars cannot be concatenated; use Stack.");
        int d = NormalizeDim(dim, first.Rank, "Concat");
        var sizes = new int[inputs.Length];
        var outShape = first._shape.ToArray();
        outShape[d] = 0;
        for (int t = 0; t < inputs.Length; t++)
        {
            var s = inputs[t].Shape;
            bool fits = s.Length == first.Rank;
            for (int k = 0; fits && k < s.Length; k++) fits = k == d || s[k] == first._shape[k];
            if (!fits)
                throw new ArgumentException($"Concat: tensor {t} has shape {ShapeString(s)} but tensor 0 has {ShapeString(first.Shape)}; they may differ only in dimension {d}.");
            sizes[t] = s[d];
            outShape[d] += s[d];
        }
        return ConcatCore(inputs, sizes, outShape, d, "Concat");
    }

    /// <summary>Joins equally shaped tensors along a new dimension inserted at <paramref name="dim"/>.</summary>
    public static Tensor Stack(IReadOnlyList<Tensor> tensors, int dim = 0)
    {
        var inputs = CheckList(tensors, "Stack");
        var first = inputs[0];
        int d = NormalizeDim(dim, first.Rank + 1, "Stack");
        for (int t = 1; t < inputs.Length; t++)
            if (!inputs[t].Shape.SequenceEqual(first.Shape))
                throw new ArgumentException($"Stack: tensor {t} has shape {ShapeString(inputs[t].Shape)} but tensor 0 has {ShapeString(first.Shape)}.");
        var outShape = new List<int>(first._shape);
        outShape.Insert(d, inputs.Length);
        var sizes = new int[inputs.Length];
        sizes.AsSpan().Fill(1);
        return ConcatCore(inputs, sizes, CheckShape(outShape.ToArray()), d, "Stack");
    }

    private static Tensor[] CheckList(IReadOnlyList<Tensor> tensors, string op)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        if (tensors.Count == 0) throw new ArgumentException($"{op}: needs at least one tensor.", nameof(tensors));
        var inputs = new Tensor[tensors.Count];
        for (int t = 0; t < inputs.Length; t++)
            inputs[t] = tensors[t] ?? throw new ArgumentException($"{op}: tensor {t} is null.", nameof(tensors));
        return inputs;
    }

    // Input t fills sizes[t] consecutive positions along dimension dim of the output.
    private static Tensor ConcatCore(Tensor[] inputs, int[] sizes, int[] outShape, int dim, string name)
    {
        var axis = Axis.Of(outShape, dim);
        var y = Empty(outShape);
        var yd = y.Data;
        for (int o = 0, at = 0; o < axis.Outer; o++)
            for (int t = 0; t < inputs.Length; t++)
            {
                int chunk = sizes[t] * axis.Inner;
                inputs[t].Data.Slice(o * chunk, chunk).CopyTo(yd.Slice(at, chunk));
                at += chunk;
            }
        if (Autograd.ShouldRecord(inputs))
        {
            Autograd.Record(name, y, inputs, g =>
            {
                for (int o = 0, at = 0; o < axis.Outer; o++)
                    for (int t = 0; t < inputs.Length; t++)
                    {
                        int chunk = sizes[t] * axis.Inner;
                        if (inputs[t].RequiresGrad)
                        {
                            var gx = inputs[t].GradAccumulator().Slice(o * chunk, chunk);
                            TensorPrimitives.Add(gx, g.Slice(at, chunk), gx);
                        }
                        at += chunk;
                    }
            });
        }
        return y;
    }

    /// <summary>Positions [start, start + length) of dimension <paramref name="dim"/> (PyTorch's narrow); a negative start counts from the end.</summary>
    /// <remarks>Shares storage when the slice is contiguous (dimension 0, or only size-1 dimensions before it), else copies.</remarks>
    public Tensor Slice(int dim, int start, int length)
    {
        int d = NormalizeDim(dim, Rank, "Slice");
        if (Rank == 0) throw new ArgumentException("Slice: a scalar has no dimension to slice.");
        int size = _shape[d];
        int first = start < 0 ? start + size : start;
        if (length < 0 || first < 0 || first > size - length)
            throw new ArgumentOutOfRangeException(nameof(start), $"Slice: positions [{start}, {start} + {length}) are out of range for dimension {dim} of shape {ShapeString(Shape)}.");
        var x = this;
        var axis = Axis.Of(_shape, d);
        var outShape = _shape.ToArray();
        outShape[d] = length;
        int runIn = axis.SlabLength, run = length * axis.Inner, skip = first * axis.Inner;
        Tensor y;
        if (axis.Outer == 1)
        {
            y = new Tensor(x, outShape, skip, run);
        }
        else
        {
            y = Empty(outShape);
            for (int o = 0; o < axis.Outer; o++) x.Data.Slice(o * runIn + skip, run).CopyTo(y.Data.Slice(o * run, run));
        }
        if (Autograd.ShouldRecord(x))
        {
            Autograd.Record("Slice", y, [x], g =>
            {
                var gx = x.GradAccumulator();
                for (int o = 0; o < axis.Outer; o++)
                {
                    var to = gx.Slice(o * runIn + skip, run);
                    TensorPrimitives.Add(to, g.Slice(o * run, run), to);
                }
            });
        }
        return y;
    }

    /// <summary>PyTorch's name for <see cref="Slice"/>.</summary>
    public Tensor Narrow(int dim, int start, int length) => Slice(dim, start, length);

    /// <summary>A view with a new dimension of size 1 at <paramref name="dim"/> (−1 appends).</summary>
    public Tensor Unsqueeze(int dim)
    {
        int d = NormalizeDim(dim, Rank + 1, "Unsqueeze");
        var shape = new List<int>(_shape);
        shape.Insert(d, 1);
        return Reshape(shape.ToArray());
    }

    /// <summary>A view without dimension <paramref name="dim"/> if its size is 1; otherwise the same shape (as PyTorch).</summary>
    public Tensor Squeeze(int dim)
    {
        int d = NormalizeDim(dim, Rank, "Squeeze");
        if (Rank == 0 || _shape[d] != 1) return Reshape(_shape);
        var shape = new List<int>(_shape);
        shape.RemoveAt(d);
        return Reshape(shape.ToArray());
    }

    /// <summary>A view without any dimension of size 1.</summary>
    public Tensor Squeeze() => Reshape(Array.FindAll(_shape, s => s != 1));

    /// <summary>A copy stretched to <paramref name="shape"/> by broadcasting (−1 keeps a dimension); gradients sum back.</summary>
    public Tensor Expand(params ReadOnlySpan<int> shape)
    {
        var target = CheckExpand(shape);
        var x = this;
        var y = Empty(target);
        Broadcasting.Expand(x.Data, x.Shape, y.Data, target);
        if (Autograd.ShouldRecord(x))
            Autograd.Record("Expand", y, [x], g => Broadcasting.ReduceAdd(g, target, x.GradAccumulator(), x.Shape));
        return y;
    }

    private int[] CheckExpand(ReadOnlySpan<int> shape)
    {
        var target = shape.ToArray();
        bool ok = target.Length >= Rank && target.Length <= MaxRank;
        for (int k = 0; ok && k < target.Length; k++)
        {
            int own = k - (target.Length - Rank);
            if (target[k] == -1 && own >= 0) target[k] = _shape[own];
            ok = target[k] >= 0 && (own < 0 || _shape[own] == 1 || _shape[own] == target[k]);
        }
        if (!ok)
            throw new ArgumentException($"Expand: cannot expand shape {ShapeString(Shape)} to {ShapeString(shape)}.");
        return target;
    }
}
