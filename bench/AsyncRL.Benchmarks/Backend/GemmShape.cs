namespace AsyncRL.Benchmarks.Backend;

/// <summary>One GEMM shape: C[m×n] = op(A)·op(B) with op(A) m×k, op(B) k×n.</summary>
public sealed record GemmShape(string Label, bool TransA, bool TransB, int M, int N, int K)
{
    /// <summary>The products of an MLP 4→64→64→2 on a batch of 128 (Linear: y = x·Wᵀ, dx = dy·W, dW = dyᵀ·x), and one observation.</summary>
    public static IReadOnlyList<GemmShape> Rl { get; } =
    [
        new("fwd x·Wᵀ 1×64×64", false, true, 1, 64, 64),
        new("fwd x·Wᵀ 128×64×4", false, true, 128, 64, 4),
        new("fwd x·Wᵀ 128×64×64", false, true, 128, 64, 64),
        new("fwd x·Wᵀ 128×4×64", false, true, 128, 4, 64),
        new("fwd x·Wᵀ 128×2×64", false, true, 128, 2, 64),
        new("dx dy·W 128×64×64", false, false, 128, 64, 64),
        new("dx dy·W 128×64×2", false, false, 128, 64, 2),
        new("dW dyᵀ·x 64×64×128", true, false, 64, 64, 128),
        new("dW dyᵀ·x 64×4×128", true, false, 64, 4, 128),
        new("dW dyᵀ·x 2×64×128", true, false, 2, 64, 128),
    ];

    public double Flops => 2.0 * M * N * K;

    /// <summary>The label, so benchmark tables show the shape rather than every field.</summary>
    public override string ToString() => Label;

    /// <summary>Random operands stored as the transposes ask (tight strides).</summary>
    public (float[] A, int Lda, float[] B, int Ldb, float[] C) Operands(int seed)
    {
        var rng = new Random(seed);
        float[] Fill(int size)
        {
            var x = new float[size];
            for (int i = 0; i < size; i++) x[i] = (float)(rng.NextDouble() * 2 - 1);
            return x;
        }
        return (Fill(M * K), TransA ? M : K, Fill(K * N), TransB ? K : N, Fill(M * N));
    }
}
