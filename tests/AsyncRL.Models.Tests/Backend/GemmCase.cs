namespace AsyncRL.Models.Tests.Backend;

/// <summary>
/// One GEMM problem with seeded operands stored as its transposes ask, row strides padded past the
/// row length (the padding holds NaN in A and B, so reading it poisons the result), and a double
/// precision reference.
/// </summary>
internal sealed class GemmCase
{
    public GemmCase(bool transA, bool transB, int m, int n, int k, float alpha, float beta, int pad = 3, int seed = 7)
    {
        (TransA, TransB, M, N, K, Alpha, Beta) = (transA, transB, m, n, k, alpha, beta);
        var rng = new Random(seed);
        (int aRows, int aCols) = transA ? (k, m) : (m, k);
        (int bRows, int bCols) = transB ? (n, k) : (k, n);
        Lda = aCols + pad;
        Ldb = bCols + pad;
        Ldc = n + pad;
        A = Matrix(rng, aRows, aCols, Lda, float.NaN);
        B = Matrix(rng, bRows, bCols, Ldb, float.NaN);
        C = Matrix(rng, m, n, Ldc, CPadding);
    }

    /// <summary>What C's padding holds; no kernel may write it.</summary>
    public const float CPadding = -12345f;

    public bool TransA { get; }
    public bool TransB { get; }
    public int M { get; }
    public int N { get; }
    public int K { get; }
    public float Alpha { get; }
    public float Beta { get; }
    public int Lda { get; }
    public int Ldb { get; }
    public int Ldc { get; }
    public float[] A { get; }
    public float[] B { get; }
    public float[] C { get; }

    public float OpA(int i, int p) => TransA ? A[p * Lda + i] : A[i * Lda + p];

    public float OpB(int p, int j) => TransB ? B[j * Ldb + p] : B[p * Ldb + j];

    /// <summary>alpha·op(A)·op(B) + beta·C in double, from the C this case started with (beta = 0 ignores it).</summary>
    public double[] Reference()
    {
        var want = new double[M * N];
        for (int i = 0; i < M; i++)
        {
            for (int j = 0; j < N; j++)
            {
                double sum = 0;
                for (int p = 0; p < K; p++) sum += (double)OpA(i, p) * OpB(p, j);
                want[i * N + j] = Alpha * sum + (Beta == 0 ? 0 : Beta * (double)C[i * Ldc + j]);
            }
        }
        return want;
    }

    /// <summary>Fills C's logical part with NaN (for beta = 0, which must ignore it).</summary>
    public GemmCase WithNaNInC()
    {
        for (int i = 0; i < M; i++) Array.Fill(C, float.NaN, i * Ldc, N);
        return this;
    }

    /// <summary>
    /// Asserts |got − want| ≤ tolerance·max(1, |want|) over C's logical part (operands are O(1), so the
    /// floor keeps near-zero entries from demanding more than float32 can give) and that the padding is untouched.
    /// </summary>
    public void AssertMatches(float[] got, double[] want, double tolerance = 1e-4)
    {
        for (int i = 0; i < M; i++)
        {
            for (int j = 0; j < N; j++)
            {
                double g = got[i * Ldc + j], w = want[i * N + j];
                Assert.True(Math.Abs(g - w) <= tolerance * Math.Max(1, Math.Abs(w)),
                    $"{this}: C[{i},{j}] = {g}, expected {w}");
            }
            for (int j = N; j < Ldc && i * Ldc + j < got.Length; j++)
                Assert.True(got[i * Ldc + j] == CPadding, $"{this}: padding C[{i},{j}] was overwritten with {got[i * Ldc + j]}");
        }
    }

    public override string ToString() =>
        $"{(TransA ? "T" : "N")}{(TransB ? "T" : "N")} m={M} n={N} k={K} alpha={Alpha} beta={Beta}";

    private static float[] Matrix(Random rng, int rows, int cols, int ld, float padding)
    {
        // The last row is not padded: spans end exactly where BLAS says the matrix does.
        var x = new float[Math.Max(0, (rows - 1) * ld + cols)];
        Array.Fill(x, padding);
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < cols; c++) x[r * ld + c] = (float)(rng.NextDouble() * 2 - 1);
        }
        return x;
    }
}
