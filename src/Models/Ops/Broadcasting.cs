using System.Buffers;
using System.Numerics.Tensors;

namespace AsyncRL.Models;

/// <summary>NumPy broadcasting: shapes align from the right; a dimension of 1 stretches.</summary>
internal static class Broadcasting
{
    public static int[] ResultShape(ReadOnlySpan<int> a, ReadOnlySpan<int> b, string op)
    {
        int rank = Math.Max(a.Length, b.Length);
        var result = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            int da = i < rank - a.Length ? 1 : a[i - (rank - a.Length)];
            int db = i < rank - b.Length ? 1 : b[i - (rank - b.Length)];
            if (da != db && da != 1 && db != 1)
                throw new ArgumentException($"{op}: shapes {Tensor.ShapeString(a)} and {Tensor.ShapeString(b)} cannot be broadcast together (dimension {i}: {da} vs {db}).");
            result[i] = da == 1 ? db : da;
        }
        return result;
    }

    /// <summary>Copies <paramref name="src"/> (shape <paramref name="inShape"/>) stretched to <paramref name="outShape"/>.</summary>
    public static void Expand(ReadOnlySpan<float> src, ReadOnlySpan<int> inShape, Span<float> dst, ReadOnlySpan<int> outShape)
    {
        if (src.Length == dst.Length) { src.CopyTo(dst); return; }
        if (src.Length == 1) { dst.Fill(src[0]); return; }
        if (IsTrailingRow(inShape, outShape))
        {
            for (int off = 0; off < dst.Length; off += src.Length) src.CopyTo(dst.Slice(off, src.Length));
            return;
        }
        var map = IndexMap(outShape, inShape);
        for (int i = 0; i < dst.Length; i++) dst[i] = src[map[i]];
        ArrayPool<int>.Shared.Return(map);
    }

    /// <summary>Adds <paramref name="g"/> (shape <paramref name="outShape"/>) into <paramref name="dst"/>, summing over stretched dimensions.</summary>
    public static void ReduceAdd(ReadOnlySpan<float> g, ReadOnlySpan<int> outShape, Span<float> dst, ReadOnlySpan<int> inShape)
    {
        if (g.Length == dst.Length) { TensorPrimitives.Add(dst, g, dst); return; }
        if (dst.Length == 1) { dst[0] += TensorPrimitives.Sum(g); return; }
        if (IsTrailingRow(inShape, outShape))
        {
            for (int off = 0; off < g.Length; off += dst.Length) TensorPrimitives.Add(dst, g.Slice(off, dst.Length), dst);
            return;
        }
        var map = IndexMap(outShape, inShape);
        for (int i = 0; i < g.Length; i++) dst[map[i]] += g[i];
        ArrayPool<int>.Shared.Return(map);
    }

    // True when the input is a contiguous block repeated along the leading output dimensions (a bias row).
    private static bool IsTrailingRow(ReadOnlySpan<int> inShape, ReadOnlySpan<int> outShape)
    {
        int lead = 0;
        while (lead < inShape.Length && inShape[lead] == 1) lead++;
        var core = inShape[lead..];
        if (core.Length > outShape.Length) return false;
        return core.SequenceEqual(outShape[(outShape.Length - core.Length)..]);
    }

    /// <summary>For each output element, the flat index of the input element it reads. Rented: return it.</summary>
    public static int[] IndexMap(ReadOnlySpan<int> outShape, ReadOnlySpan<int> inShape)
    {
        int rank = outShape.Length;
        Span<int> outDims = stackalloc int[Tensor.MaxRank];
        Span<int> strides = stackalloc int[Tensor.MaxRank];
        outDims.Fill(1);
        strides.Clear();
        int pad = Tensor.MaxRank - rank;
        for (int i = 0; i < rank; i++) outDims[pad + i] = outShape[i];
        int stride = 1;
        for (int i = inShape.Length - 1; i >= 0; i--)
        {
            int d = Tensor.MaxRank - inShape.Length + i;
            strides[d] = inShape[i] == 1 ? 0 : stride;
            stride *= inShape[i];
        }
        int total = outDims[0] * outDims[1] * outDims[2] * outDims[3];
        var map = ArrayPool<int>.Shared.Rent(Math.Max(total, 1));
        int k = 0;
        for (int i0 = 0; i0 < outDims[0]; i0++)
            for (int i1 = 0; i1 < outDims[1]; i1++)
                for (int i2 = 0; i2 < outDims[2]; i2++)
                {
                    int baseIndex = i0 * strides[0] + i1 * strides[1] + i2 * strides[2];
                    for (int i3 = 0; i3 < outDims[3]; i3++) map[k++] = baseIndex + i3 * strides[3];
                }
        return map;
    }
}
