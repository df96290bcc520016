using AsyncRL.Models.Backend;

namespace AsyncRL.Models.Tests.Backend;

/// <summary>Tests that change the process-wide backend or thread count run alone, and restore them.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class GemmGlobalStateCollection
{
    public const string Name = "Gemm global state";
}

[Collection(GemmGlobalStateCollection.Name)]
public sealed class GemmTests : IDisposable
{
    private readonly GemmBackend _savedBackend = Gemm.Backend;
    private readonly int _savedThreads = Gemm.Threads;

    public void Dispose()
    {
        Gemm.UseBackend(_savedBackend);
        Gemm.SetThreads(_savedThreads);
    }

    [Theory]
    [InlineData(GemmBackend.Managed)]
    [InlineData(GemmBackend.Auto)]
    public void Sgemm_EachBackendOnOddShapes_MatchesDoubleReference(GemmBackend backend)
    {
        Gemm.UseBackend(backend);
        foreach (var (transA, transB) in new[] { (false, false), (false, true), (true, false), (true, true) })
        {
            foreach (var (m, n, k) in new[] { (1, 1, 1), (3, 7, 5), (129, 65, 257), (128, 64, 64) })
            {
                var gemm = new GemmCase(transA, transB, m, n, k, alpha: 0.5f, beta: 2f);
                var want = gemm.Reference();

                Gemm.Sgemm(transA, transB, m, n, k, gemm.Alpha, gemm.A, gemm.Lda, gemm.B, gemm.Ldb, gemm.Beta, gemm.C, gemm.Ldc);

                gemm.AssertMatches(gemm.C, want);
            }
        }
    }

    [RequiresOpenBlasFact]
    public void Sgemm_OpenBlasBackend_MatchesDoubleReferenceAndHandlesKZero()
    {
        Gemm.UseBackend(GemmBackend.OpenBlas);
        var gemm = new GemmCase(true, false, 129, 65, 257, alpha: -1f, beta: 0.25f);
        var want = gemm.Reference();
        var empty = new GemmCase(false, false, 4, 3, 0, alpha: 1f, beta: 0f).WithNaNInC();

        Gemm.Sgemm(true, false, 129, 65, 257, gemm.Alpha, gemm.A, gemm.Lda, gemm.B, gemm.Ldb, gemm.Beta, gemm.C, gemm.Ldc);
        Gemm.Sgemm(false, false, 4, 3, 0, 1f, empty.A, empty.Lda, empty.B, empty.Ldb, 0f, empty.C, empty.Ldc);

        gemm.AssertMatches(gemm.C, want);
        empty.AssertMatches(empty.C, empty.Reference());
    }

    [RequiresOpenBlasFact]
    public void UseBackend_OpenBlas_NamesIt()
    {
        Gemm.UseBackend(GemmBackend.OpenBlas);

        Assert.Equal(GemmBackend.OpenBlas, Gemm.Backend);
        Assert.Equal("openblas", Gemm.BackendName);
    }

    [Fact]
    public void UseBackend_Managed_NamesKernel()
    {
        Gemm.UseBackend(GemmBackend.Managed);

        Assert.StartsWith("managed-", Gemm.BackendName, StringComparison.Ordinal);
    }

    [Fact]
    public void UseBackend_OpenBlasWhenMissing_Throws()
    {
        if (Gemm.IsOpenBlasAvailable) return; // only meaningful where the library is absent

        Assert.Throws<InvalidOperationException>(() => Gemm.UseBackend(GemmBackend.OpenBlas));
    }

    [Fact]
    public void SetThreads_One_AppliesToBothBackends()
    {
        Gemm.SetThreads(1);

        Assert.Equal(1, Gemm.Threads);
        if (Gemm.IsOpenBlasAvailable) Assert.Equal(1, OpenBlasGemm.Threads);
    }

    [Fact]
    public void SetThreads_Zero_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Gemm.SetThreads(0));
    }
}
