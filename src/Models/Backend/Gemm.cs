namespace AsyncRL.Models.Backend;

/// <summary>
/// Single-precision GEMM on row-major matrices: C = alpha·op(A)·op(B) + beta·C, where op(X) is X
/// or its transpose. op(A) is m×k, op(B) is k×n, C is m×n; lda/ldb/ldc are row strides as stored.
/// With beta = 0, C is only written (whatever it held, NaN included, is ignored).
/// </summary>
/// <remarks>
/// The backend comes from <c>ASYNCRL_BLAS</c> (<c>openblas</c>, <c>managed</c> or <c>auto</c>, the
/// default) and the thread count from <c>ASYNCRL_BLAS_THREADS</c>, both read once; <see cref="UseBackend"/>
/// and <see cref="SetThreads"/> change them at run time. An invalid variable fails the first GEMM.
/// </remarks>
public static class Gemm
{
    /// <summary>
    /// Under <see cref="GemmBackend.Auto"/>, products with m·n·k below this (256³) go to the managed kernel
    /// even when OpenBLAS is loaded. On our 2-core AVX-512 machine the managed kernel matches OpenBLAS on
    /// one thread and beats it on two up to here, where OpenBLAS's thread hand-off costs more than the
    /// product (128³: 163 GFLOP/s against 220 managed). Beyond it the two tie on cubes (512³: 208 vs 213)
    /// while OpenBLAS is ahead on lopsided large shapes (64×2048×2048: 74 vs 58 on one thread) and scales
    /// to more cores, so it takes them.
    /// </summary>
    internal const long AutoManagedBelow = 1L << 24;

    private static volatile GemmBackend s_backend = InitialBackend();
    private static volatile int s_threads = InitialThreads();

    /// <summary>Whether <c>libopenblas</c> loaded (Debian: <c>libopenblas0-pthread</c>).</summary>
    public static bool IsOpenBlasAvailable => OpenBlasGemm.IsAvailable;

    /// <summary>The selected backend (<see cref="GemmBackend.Auto"/> unless overridden).</summary>
    public static GemmBackend Backend => s_backend;

    /// <summary>What runs the products, for logs and benchmarks, e.g. <c>openblas</c> or <c>managed-avx512</c>.</summary>
    public static string BackendName => s_backend switch
    {
        GemmBackend.OpenBlas => "openblas",
        GemmBackend.Managed => ManagedName,
        _ => IsOpenBlasAvailable ? $"auto (openblas; {ManagedName} below {AutoManagedBelow} m·n·k)" : $"auto ({ManagedName})",
    };

    /// <summary>Threads either backend may use for one product.</summary>
    public static int Threads => s_threads;

    private static string ManagedName => "managed-" + ManagedGemm.Isa;

    /// <summary>Selects the backend for all later products.</summary>
    /// <exception cref="InvalidOperationException">OpenBLAS was requested but is not installed.</exception>
    public static void UseBackend(GemmBackend backend)
    {
        if (!Enum.IsDefined(backend)) throw new ArgumentOutOfRangeException(nameof(backend), backend, "Unknown GEMM backend.");
        if (backend == GemmBackend.OpenBlas && !IsOpenBlasAvailable)
            throw new InvalidOperationException("GEMM backend 'openblas' requested, but libopenblas could not be loaded (install libopenblas0-pthread).");
        s_backend = backend;
    }

    /// <summary>Sets how many threads one product may use, in both backends (actors want 1). OpenBLAS's setting is process-wide.</summary>
    public static void SetThreads(int threads)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        s_threads = threads;
        OpenBlasGemm.SetThreads(threads);
    }

    /// <summary>Runs one GEMM through the selected backend.</summary>
    /// <exception cref="ArgumentException">A dimension is negative, a stride is shorter than its row, or a span is too short.</exception>
    public static void Sgemm(bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
    {
        GemmArguments.Validate(transA, transB, m, n, k, alpha, a.Length, lda, b.Length, ldb, c.Length, ldc);
        if (m == 0 || n == 0) return;
        // k = 0 or alpha = 0 only scales C; the managed path does that without touching A or B.
        if (k > 0 && alpha != 0 && Route(s_backend, OpenBlasGemm.IsAvailable, m, n, k) == GemmBackend.OpenBlas)
            OpenBlasGemm.Sgemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        else
            ManagedGemm.Sgemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, s_threads);
    }

    /// <summary>The backend that runs an m×n×k product under a selection: the rule, as a pure function.</summary>
    internal static GemmBackend Route(GemmBackend selected, bool openBlasAvailable, int m, int n, int k) => selected switch
    {
        GemmBackend.OpenBlas => GemmBackend.OpenBlas,
        GemmBackend.Auto when openBlasAvailable && (long)m * n * k >= AutoManagedBelow => GemmBackend.OpenBlas,
        _ => GemmBackend.Managed,
    };

    private static GemmBackend InitialBackend()
    {
        var backend = GemmSettings.ParseBackend(Environment.GetEnvironmentVariable(GemmSettings.BackendVariable));
        if (backend == GemmBackend.OpenBlas && !OpenBlasGemm.IsAvailable)
            throw new InvalidOperationException($"{GemmSettings.BackendVariable}=openblas, but libopenblas could not be loaded (install libopenblas0-pthread).");
        return backend;
    }

    private static int InitialThreads()
    {
        int threads = GemmSettings.ParseThreads(Environment.GetEnvironmentVariable(GemmSettings.ThreadsVariable), Environment.ProcessorCount);
        OpenBlasGemm.SetThreads(threads);
        return threads;
    }
}
