using AsyncRL.Models.Backend;

namespace AsyncRL.Models.Tests.Backend;

public sealed class ManagedGemmTests
{
    /// <summary>Odd shapes, the RL shapes, and shapes that reach every path: dot products, transposed C, blocking in m, n and k (MC = 128, NC = 1024, KC = 256).</summary>
    public static TheoryData<bool, bool, int, int, int> Shapes()
    {
        var data = new TheoryData<bool, bool, int, int, int>();
        (int M, int N, int K)[] shapes =
        [
            (1, 1, 1), (3, 7, 5), (129, 65, 257), (128, 64, 64),
            (1, 64, 64), (128, 2, 64), (128, 4, 64), (64, 4, 128), (2, 64, 128), (128, 64, 4), (128, 64, 2),
            (17, 33, 19), (9, 15, 300), (9, 1030, 260), (140, 40, 300),
        ];
        foreach (var (m, n, k) in shapes)
        {
            foreach (bool transA in new[] { false, true })
            {
                foreach (bool transB in new[] { false, true }) data.Add(transA, transB, m, n, k);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Sgemm_AlphaBetaPaddedStrides_MatchesDoubleReference(bool transA, bool transB, int m, int n, int k)
    {
        var gemm = new GemmCase(transA, transB, m, n, k, alpha: 0.75f, beta: -0.5f);
        var want = gemm.Reference();

        Run(gemm);

        gemm.AssertMatches(gemm.C, want);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Sgemm_PortableVectorKernels_MatchDoubleReference(bool transA, bool transB, int m, int n, int k)
    {
        var gemm = new GemmCase(transA, transB, m, n, k, alpha: 1.25f, beta: 0.5f);
        var want = gemm.Reference();

        Run(gemm, portable: true);

        gemm.AssertMatches(gemm.C, want);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Sgemm_TwoThreads_MatchesDoubleReference(bool transA, bool transB, int m, int n, int k)
    {
        var gemm = new GemmCase(transA, transB, m, n, k, alpha: 1f, beta: 1f);
        var want = gemm.Reference();

        Run(gemm, maxThreads: 2);

        gemm.AssertMatches(gemm.C, want);
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public void Sgemm_BetaZeroOverNaN_IgnoresC(bool transA, bool transB)
    {
        foreach (var (m, n, k) in new[] { (3, 7, 5), (128, 2, 64), (64, 4, 128), (129, 65, 257) })
        {
            var gemm = new GemmCase(transA, transB, m, n, k, alpha: 1f, beta: 0f).WithNaNInC();
            var want = gemm.Reference();

            Run(gemm);

            gemm.AssertMatches(gemm.C, want);
        }
    }

    [Theory]
    [InlineData(0.5f)]
    [InlineData(0f)]
    public void Sgemm_KZero_ScalesCByBeta(float beta)
    {
        var gemm = new GemmCase(false, false, 5, 6, 0, alpha: 1f, beta: beta);
        if (beta == 0) gemm.WithNaNInC();
        var want = gemm.Reference();

        Run(gemm);

        gemm.AssertMatches(gemm.C, want);
    }

    [Fact]
    public void Sgemm_AlphaZero_IgnoresNaNInOperands()
    {
        var gemm = new GemmCase(false, true, 4, 5, 6, alpha: 0f, beta: 2f);
        Array.Fill(gemm.A, float.NaN);
        var want = gemm.Reference().Select(x => double.IsNaN(x) ? 0 : x).ToArray();
        for (int i = 0; i < gemm.M; i++)
        {
            for (int j = 0; j < gemm.N; j++) want[i * gemm.N + j] = 2.0 * gemm.C[i * gemm.Ldc + j];
        }

        Run(gemm);

        gemm.AssertMatches(gemm.C, want);
    }

    [Fact]
    public async Task Sgemm_ConcurrentCallersSharingHelpers_AllMatchReference()
    {
        // Several threads split products at once: one gets the helpers, the others run alone.
        var cases = Enumerable.Range(0, 4).Select(t => new GemmCase(t % 2 == 1, t >= 2, 128, 96, 80, 1f, 0.5f, seed: t)).ToArray();
        var wants = cases.Select(g => g.Reference()).ToArray();
        var originals = cases.Select(g => (float[])g.C.Clone()).ToArray();

        var work = cases.Select((g, t) => Task.Run(() =>
        {
            for (int round = 0; round < 50; round++)
            {
                originals[t].CopyTo(g.C, 0);
                Run(g, maxThreads: 2);
            }
        }));
        await Task.WhenAll(work).WaitAsync(TimeSpan.FromSeconds(60));

        for (int t = 0; t < cases.Length; t++) cases[t].AssertMatches(cases[t].C, wants[t]);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Sgemm_RlShapesAfterWarmUp_AllocatesNothing(int maxThreads)
    {
        // Actors run these millions of times: packing buffers are per thread and reused, helpers are created once.
        var cases = new[]
        {
            new GemmCase(false, true, 1, 64, 64, 1f, 1f), new GemmCase(false, true, 128, 64, 64, 1f, 1f),
            new GemmCase(false, false, 128, 64, 64, 1f, 1f), new GemmCase(true, false, 64, 64, 128, 1f, 1f),
            new GemmCase(false, true, 128, 2, 64, 1f, 1f), new GemmCase(true, false, 64, 4, 128, 1f, 1f),
        };
        foreach (var g in cases) Run(g, maxThreads);

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int round = 0; round < 20; round++)
        {
            foreach (var g in cases) Run(g, maxThreads);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    private static void Run(GemmCase g, int maxThreads = 1, bool portable = false) =>
        ManagedGemm.Sgemm(g.TransA, g.TransB, g.M, g.N, g.K, g.Alpha, g.A, g.Lda, g.B, g.Ldb, g.Beta, g.C, g.Ldc, maxThreads, portable);
}
