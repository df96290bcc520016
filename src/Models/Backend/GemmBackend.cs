namespace AsyncRL.Models.Backend;

/// <summary>Which implementation runs <see cref="Gemm.Sgemm"/>.</summary>
public enum GemmBackend
{
    /// <summary>OpenBLAS when it loads, except for problems small enough that the managed kernel is faster.</summary>
    Auto,

    /// <summary>Always OpenBLAS (fails if it is not installed).</summary>
    OpenBlas,

    /// <summary>Always the managed SIMD kernel.</summary>
    Managed,
}
