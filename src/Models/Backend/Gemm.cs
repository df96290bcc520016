namespace AsyncRL.Models.Backend;

/// <summary>
/// Single-precision GEMM on row-major matrices: C = alpha·op(A)·op(B) + beta·C, where op(X) is X
/// or its transpose. op(A) is m×k, op(B) is k×n, C is m×n; lda/ldb/ldc are row strides as stored.
/// </summary>
public static class Gemm
{
    /// <summary>Runs one GEMM through the selected backend.</summary>
    public static void Sgemm(bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
    {
        if (m == 0 || n == 0) return;
        ManagedGemm.Sgemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    }
}
