using AsyncRL.Models.Backend;

namespace AsyncRL.Models.Tests.Backend;

public sealed class OpenBlasGemmTests
{
    public static TheoryData<bool, bool, int, int, int> Shapes()
    {
        var data = new TheoryData<bool, bool, int, int, int>();
        foreach (var (m, n, k) in new[] { (1, 1, 1), (3, 7, 5), (129, 65, 257), (128, 64, 64), (1, 64, 64), (128, 2, 64), (64, 4, 128) })
        {
            foreach (bool transA in new[] { false, true })
            {
                foreach (bool transB in new[] { false, true }) data.Add(transA, transB, m, n, k);
            }
        }
        return data;
    }

    [RequiresOpenBlasTheory]
    [MemberData(nameof(Shapes))]
    public void Sgemm_SameProblem_AgreesWithManaged(bool transA, bool transB, int m, int n, int k)
    {
        var viaOpenBlas = new GemmCase(transA, transB, m, n, k, alpha: 0.75f, beta: -0.5f);
        var viaManaged = new GemmCase(transA, transB, m, n, k, alpha: 0.75f, beta: -0.5f);

        OpenBlasGemm.Sgemm(transA, transB, m, n, k, 0.75f, viaOpenBlas.A, viaOpenBlas.Lda, viaOpenBlas.B, viaOpenBlas.Ldb,
            -0.5f, viaOpenBlas.C, viaOpenBlas.Ldc);
        ManagedGemm.Sgemm(transA, transB, m, n, k, 0.75f, viaManaged.A, viaManaged.Lda, viaManaged.B, viaManaged.Ldb,
            -0.5f, viaManaged.C, viaManaged.Ldc, maxThreads: 2);

        var managed = new double[m * n];
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++) managed[i * n + j] = viaManaged.C[i * viaManaged.Ldc + j];
        }
        viaOpenBlas.AssertMatches(viaOpenBlas.C, managed);
    }

    [RequiresOpenBlasTheory]
    [MemberData(nameof(Shapes))]
    public void Sgemm_BetaZeroOverNaN_MatchesDoubleReference(bool transA, bool transB, int m, int n, int k)
    {
        var gemm = new GemmCase(transA, transB, m, n, k, alpha: 1.5f, beta: 0f).WithNaNInC();
        var want = gemm.Reference();

        OpenBlasGemm.Sgemm(transA, transB, m, n, k, gemm.Alpha, gemm.A, gemm.Lda, gemm.B, gemm.Ldb, gemm.Beta, gemm.C, gemm.Ldc);

        gemm.AssertMatches(gemm.C, want);
    }
}
