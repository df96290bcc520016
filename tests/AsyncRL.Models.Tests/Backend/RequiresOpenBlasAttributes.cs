using AsyncRL.Models.Backend;

namespace AsyncRL.Models.Tests.Backend;

/// <summary>A fact that is skipped, with the reason, where OpenBLAS cannot be loaded (xunit 2 has no dynamic skip).</summary>
public sealed class RequiresOpenBlasFactAttribute : FactAttribute
{
    public RequiresOpenBlasFactAttribute()
    {
        if (!Gemm.IsOpenBlasAvailable) Skip = OpenBlasRequirement.SkipReason;
    }
}

/// <summary>A theory that is skipped, with the reason, where OpenBLAS cannot be loaded.</summary>
public sealed class RequiresOpenBlasTheoryAttribute : TheoryAttribute
{
    public RequiresOpenBlasTheoryAttribute()
    {
        if (!Gemm.IsOpenBlasAvailable) Skip = OpenBlasRequirement.SkipReason;
    }
}

internal static class OpenBlasRequirement
{
    public const string SkipReason = "libopenblas0-pthread not installed (libopenblas.so.0 could not be loaded); `apt-get install libopenblas0-pthread` to run this test.";
}
