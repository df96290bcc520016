namespace AsyncRL.Models.Backend;

/// <summary>
/// Checks a GEMM's dimensions and strides against its buffers before any kernel runs: OpenBLAS and
/// the managed kernels read through raw pointers, so a short span must fail here, not corrupt memory.
/// </summary>
internal static class GemmArguments
{
    public static void Validate(bool transA, bool transB, int m, int n, int k, float alpha,
        int aLength, int lda, int bLength, int ldb, int cLength, int ldc)
    {
        if (m < 0 || n < 0 || k < 0)
            throw new ArgumentException($"GEMM dimensions must be non-negative, got m={m}, n={n}, k={k}.");
        if (m == 0 || n == 0) return;
        CheckMatrix("C", m, n, cLength, ldc);
        // With k = 0 or alpha = 0, A and B are not referenced (as in reference BLAS).
        if (k == 0 || alpha == 0) return;
        if (transA) CheckMatrix("A", k, m, aLength, lda);
        else CheckMatrix("A", m, k, aLength, lda);
        if (transB) CheckMatrix("B", n, k, bLength, ldb);
        else CheckMatrix("B", k, n, bLength, ldb);
    }

    /// <summary>A stored rows×cols row-major with row stride ld must fit in length floats.</summary>
    private static void CheckMatrix(string name, int rows, int cols, int length, int ld)
    {
        if (ld < cols)
            throw new ArgumentException($"GEMM: ld{name.ToLowerInvariant()}={ld} is less than the {cols} columns of {name} as stored ({rows}×{cols}).");
        long needed = (long)(rows - 1) * ld + cols;
        if (length < needed)
            throw new ArgumentException($"GEMM: {name} ({rows}×{cols}, stride {ld}) needs {needed} floats, the span has {length}.");
    }
}
