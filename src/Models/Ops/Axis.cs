namespace AsyncRL.Models;

/// <summary>
/// A row-major tensor seen as [<see cref="Outer"/>, <see cref="Size"/>, <see cref="Inner"/>] around
/// one dimension: element (o, i, j) lives at (o·Size + i)·Inner + j. Every along-a-dimension kernel
/// walks this layout; when Inner is 1 the dimension is contiguous and kernels take whole rows.
/// </summary>
internal readonly record struct Axis(int Outer, int Size, int Inner)
{
    /// <summary>Splits <paramref name="shape"/> around <paramref name="dim"/> (already normalised).</summary>
    public static Axis Of(ReadOnlySpan<int> shape, int dim)
    {
        if (shape.Length == 0) return new Axis(1, 1, 1); // a scalar behaves as a [1] tensor
        int outer = 1, inner = 1;
        for (int d = 0; d < dim; d++) outer *= shape[d];
        for (int d = dim + 1; d < shape.Length; d++) inner *= shape[d];
        return new Axis(outer, shape[dim], inner);
    }

    /// <summary>Elements in one [Size, Inner] slab.</summary>
    public int SlabLength => Size * Inner;

    /// <summary>The shape after reducing <paramref name="dim"/>: kept with size 1, or removed.</summary>
    public static int[] ReducedShape(ReadOnlySpan<int> shape, int dim, bool keepDim)
    {
        if (shape.Length == 0) return [];
        if (keepDim)
        {
            var kept = shape.ToArray();
            kept[dim] = 1;
            return kept;
        }
        var removed = new int[shape.Length - 1];
        for (int d = 0, k = 0; d < shape.Length; d++)
            if (d != dim) removed[k++] = shape[d];
        return removed;
    }
}
