using System.Globalization;

namespace AsyncRL.Models.Backend;

/// <summary>Parsing of the GEMM environment variables, kept pure so it can be tested without touching the environment.</summary>
internal static class GemmSettings
{
    /// <summary>Selects the backend: <c>openblas</c>, <c>managed</c> or <c>auto</c>.</summary>
    public const string BackendVariable = "ASYNCRL_BLAS";

    /// <summary>Thread count for both backends: a positive integer.</summary>
    public const string ThreadsVariable = "ASYNCRL_BLAS_THREADS";

    /// <summary>Parses a backend name (case-insensitive, surrounding blanks ignored); unset or empty means auto.</summary>
    /// <exception cref="ArgumentException">The value names no backend.</exception>
    public static GemmBackend ParseBackend(string? value)
    {
        var text = value?.Trim() ?? "";
        if (text.Length == 0 || text.Equals("auto", StringComparison.OrdinalIgnoreCase)) return GemmBackend.Auto;
        if (text.Equals("openblas", StringComparison.OrdinalIgnoreCase)) return GemmBackend.OpenBlas;
        if (text.Equals("managed", StringComparison.OrdinalIgnoreCase)) return GemmBackend.Managed;
        throw new ArgumentException($"{BackendVariable}='{value}' is not a GEMM backend; use openblas, managed or auto.", nameof(value));
    }

    /// <summary>Parses a thread count; unset or empty gives <paramref name="defaultThreads"/>.</summary>
    /// <exception cref="ArgumentException">The value is not a positive integer.</exception>
    public static int ParseThreads(string? value, int defaultThreads)
    {
        var text = value?.Trim() ?? "";
        if (text.Length == 0) return defaultThreads;
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int threads) && threads > 0) return threads;
        throw new ArgumentException($"{ThreadsVariable}='{value}' is not a positive integer.", nameof(value));
    }
}
