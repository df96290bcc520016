namespace AsyncRL.Models;

public sealed partial class Tensor
{
    /// <summary>Picks one element per line along <paramref name="dim"/> (Q [B, A] and actions int[B] give Q(s, a) [B]); the dimension is dropped unless <paramref name="keepDim"/>.</summary>
    /// <remarks>y[o, j] = x[o, indices[o·Inner + j], j], with the lines in row-major order of the other dimensions.</remarks>
    public Tensor Gather(ReadOnlySpan<int> indices, int dim = -1, bool keepDim = false)
    {
        int d = NormalizeDim(dim, Rank, "Gather");
        var axis = Axis.Of(_shape, d);
        int count = axis.Outer * axis.Inner;
        if (indices.Length != count)
            throw new ArgumentException($"Gather: {indices.Length} indices given, but shape {ShapeString(Shape)} along dimension {dim} needs one for each of its {count} lines.", nameof(indices));
        for (int k = 0; k < indices.Length; k++)
            if ((uint)indices[k] >= (uint)axis.Size)
                throw new ArgumentOutOfRangeException(nameof(indices), $"Gather: index {indices[k]} at position {k} is out of range for dimension {dim} of size {axis.Size} (shape {ShapeString(Shape)}).");
        var x = this;
        var y = Empty(Axis.ReducedShape(_shape, d, keepDim));
        var xd = x.Data;
        var yd = y.Data;
        for (int o = 0, k = 0; o < axis.Outer; o++)
            for (int j = 0; j < axis.Inner; j++, k++)
                yd[k] = xd[o * axis.SlabLength + indices[k] * axis.Inner + j];
        if (Autograd.ShouldRecord(x))
        {
            var saved = indices.ToArray(); // the caller's span may not outlive this call
            Autograd.Record("Gather", y, [x], g =>
            {
                var gx = x.GradAccumulator();
                for (int o = 0, k = 0; o < axis.Outer; o++)
                    for (int j = 0; j < axis.Inner; j++, k++)
                        gx[o * axis.SlabLength + saved[k] * axis.Inner + j] += g[k];
            });
        }
        return y;
    }
}
