using System.Runtime.InteropServices;

namespace AsyncRL.Models.Backend;

/// <summary>
/// SGEMM through the system OpenBLAS (Debian's <c>libopenblas0-pthread</c>), bound at run time with
/// <see cref="NativeLibrary"/> so the engine still works where it is not installed.
/// </summary>
internal static unsafe class OpenBlasGemm
{
    // CBLAS enum values (cblas.h).
    private const int RowMajor = 101;
    private const int NoTrans = 111;
    private const int Trans = 112;

    // libopenblas.so.0 is what the Debian package ships; the others cover other distributions and macOS.
    private static readonly string[] s_libraryNames = ["libopenblas.so.0", "libopenblas.so", "libopenblas.dylib", "libopenblas"];

    private static readonly nint s_library = Load();

    private static readonly delegate* unmanaged<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void> s_sgemm =
        (delegate* unmanaged<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void>)Export("cblas_sgemm");

    private static readonly delegate* unmanaged<int, void> s_setNumThreads = (delegate* unmanaged<int, void>)Export("openblas_set_num_threads");

    private static readonly delegate* unmanaged<int> s_getNumThreads = (delegate* unmanaged<int>)Export("openblas_get_num_threads");

    /// <summary>Whether the library loaded and exports <c>cblas_sgemm</c>.</summary>
    public static bool IsAvailable => s_sgemm != null;

    /// <summary>OpenBLAS's own thread count (0 when unavailable).</summary>
    public static int Threads => s_getNumThreads != null ? s_getNumThreads() : 0;

    /// <summary>Sets OpenBLAS's thread count; it is process-wide.</summary>
    public static void SetThreads(int threads)
    {
        if (s_setNumThreads != null) s_setNumThreads(threads);
    }

    /// <summary>Arguments must already be validated (<see cref="Gemm"/> does it): OpenBLAS reads raw pointers.</summary>
    public static void Sgemm(bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
    {
        if (s_sgemm == null) throw new InvalidOperationException("OpenBLAS is not available.");
        fixed (float* pa = a)
        fixed (float* pb = b)
        fixed (float* pc = c)
        {
            s_sgemm(RowMajor, transA ? Trans : NoTrans, transB ? Trans : NoTrans, m, n, k,
                alpha, pa, lda, pb, ldb, beta, pc, ldc);
        }
    }

    private static nint Load()
    {
        foreach (var name in s_libraryNames)
        {
            if (NativeLibrary.TryLoad(name, typeof(OpenBlasGemm).Assembly, null, out var handle)) return handle;
        }
        return 0;
    }

    private static nint Export(string name) =>
        s_library != 0 && NativeLibrary.TryGetExport(s_library, name, out var address) ? address : 0;
}
