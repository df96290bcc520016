using AsyncRL.Models.Backend;

namespace AsyncRL.Models.Tests.Backend;

public sealed class GemmSelectionTests
{
    [Theory]
    [InlineData(null, GemmBackend.Auto)]
    [InlineData("", GemmBackend.Auto)]
    [InlineData("  ", GemmBackend.Auto)]
    [InlineData("auto", GemmBackend.Auto)]
    [InlineData("openblas", GemmBackend.OpenBlas)]
    [InlineData("OpenBLAS", GemmBackend.OpenBlas)]
    [InlineData(" managed ", GemmBackend.Managed)]
    [InlineData("MANAGED", GemmBackend.Managed)]
    public void ParseBackend_KnownValue_ReturnsBackend(string? value, GemmBackend expected)
    {
        Assert.Equal(expected, GemmSettings.ParseBackend(value));
    }

    [Theory]
    [InlineData("mkl")]
    [InlineData("open blas")]
    [InlineData("1")]
    public void ParseBackend_UnknownValue_ThrowsNamingVariableAndChoices(string value)
    {
        var error = Assert.Throws<ArgumentException>(() => GemmSettings.ParseBackend(value));

        Assert.Contains("ASYNCRL_BLAS", error.Message, StringComparison.Ordinal);
        Assert.Contains("openblas, managed or auto", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, 2)]
    [InlineData("", 2)]
    [InlineData("1", 1)]
    [InlineData(" 16 ", 16)]
    public void ParseThreads_UnsetOrPositive_ReturnsCount(string? value, int expected)
    {
        Assert.Equal(expected, GemmSettings.ParseThreads(value, defaultThreads: 2));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("two")]
    [InlineData("1.5")]
    public void ParseThreads_NotPositiveInteger_ThrowsNamingVariable(string value)
    {
        var error = Assert.Throws<ArgumentException>(() => GemmSettings.ParseThreads(value, defaultThreads: 2));

        Assert.Contains("ASYNCRL_BLAS_THREADS", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(GemmBackend.Auto, true, 1, 64, 64, GemmBackend.Managed)]
    [InlineData(GemmBackend.Auto, true, 128, 64, 64, GemmBackend.Managed)]
    [InlineData(GemmBackend.Auto, true, 256, 256, 255, GemmBackend.Managed)]
    [InlineData(GemmBackend.Auto, true, 256, 256, 256, GemmBackend.OpenBlas)]
    [InlineData(GemmBackend.Auto, true, 512, 512, 512, GemmBackend.OpenBlas)]
    [InlineData(GemmBackend.Auto, false, 512, 512, 512, GemmBackend.Managed)]
    [InlineData(GemmBackend.OpenBlas, true, 1, 1, 1, GemmBackend.OpenBlas)]
    [InlineData(GemmBackend.Managed, true, 512, 512, 512, GemmBackend.Managed)]
    public void Route_SelectionAndSize_PicksBackend(GemmBackend selected, bool openBlasAvailable, int m, int n, int k, GemmBackend expected)
    {
        Assert.Equal(expected, Gemm.Route(selected, openBlasAvailable, m, n, k));
    }
}
