namespace AsyncRL.Models.Nn;

/// <summary>Weight initialisers (in place, seeded).</summary>
public static class Init
{
    /// <summary>
    /// PyTorch's default for Linear: Kaiming-uniform with a = √5, which reduces to
    /// U(−1/√fan_in, 1/√fan_in).
    /// </summary>
    public static void KaimingUniform(Tensor weight, Generator rng)
    {
        ArgumentNullException.ThrowIfNull(weight);
        ArgumentNullException.ThrowIfNull(rng);
        int fanIn = weight.Rank >= 2 ? weight.Size / weight.Dim(0) : weight.Size;
        Uniform(weight, rng, 1f / MathF.Sqrt(Math.Max(fanIn, 1)));
    }

    /// <summary>U(−bound, bound).</summary>
    public static void Uniform(Tensor t, Generator rng, float bound)
    {
        ArgumentNullException.ThrowIfNull(t);
        ArgumentNullException.ThrowIfNull(rng);
        var d = t.Data;
        for (int i = 0; i < d.Length; i++) d[i] = rng.NextUniform(-bound, bound);
    }

    /// <summary>N(0, std²).</summary>
    public static void Normal(Tensor t, Generator rng, float std)
    {
        ArgumentNullException.ThrowIfNull(t);
        ArgumentNullException.ThrowIfNull(rng);
        var d = t.Data;
        for (int i = 0; i < d.Length; i++) d[i] = std * rng.NextNormal();
    }

    /// <summary>
    /// A (semi-)orthogonal matrix scaled by <paramref name="gain"/> (Saxe et al.), as
    /// <c>torch.nn.init.orthogonal_</c>: QR of a Gaussian matrix with the signs of R's diagonal folded in.
    /// </summary>
    public static void Orthogonal(Tensor weight, Generator rng, float gain = 1f)
    {
        ArgumentNullException.ThrowIfNull(weight);
        ArgumentNullException.ThrowIfNull(rng);
        if (weight.Rank < 2) throw new ArgumentException($"Orthogonal: needs rank ≥ 2, got {Tensor.ShapeString(weight.Shape)}.");
        int rows = weight.Dim(0), cols = weight.Size / rows;
        // Orthonormalise the columns of a tall Gaussian matrix (modified Gram–Schmidt in double).
        int tall = Math.Max(rows, cols), wide = Math.Min(rows, cols);
        var q = new double[tall, wide];
        for (int i = 0; i < tall; i++)
            for (int j = 0; j < wide; j++) q[i, j] = rng.NextNormal();
        for (int j = 0; j < wide; j++)
        {
            for (int p = 0; p < j; p++)
            {
                double dot = 0;
                for (int i = 0; i < tall; i++) dot += q[i, p] * q[i, j];
                for (int i = 0; i < tall; i++) q[i, j] -= dot * q[i, p];
            }
            double norm = 0;
            for (int i = 0; i < tall; i++) norm += q[i, j] * q[i, j];
            norm = Math.Sqrt(norm);
            for (int i = 0; i < tall; i++) q[i, j] /= norm;
        }
        var d = weight.Data;
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++)
                d[r * cols + c] = (float)(gain * (rows >= cols ? q[r, c] : q[c, r]));
    }
}
