using AsyncRL.Models.Backend;

namespace AsyncRL.Models.Tests.Backend;

public sealed class GemmArgumentsTests
{
    [Fact]
    public void Sgemm_SpanShorterThanStridedMatrix_ThrowsNamingOperand()
    {
        var a = new float[2 * 5 + 3]; // 3×4 with lda = 5 needs 14
        var b = new float[4 * 2];
        var c = new float[3 * 2];

        var error = Assert.Throws<ArgumentException>(() => Gemm.Sgemm(false, false, 3, 2, 4, 1f, a, 5, b, 2, 0f, c, 2));

        Assert.Contains("A (3×4, stride 5) needs 14 floats", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Sgemm_StrideShorterThanRow_Throws()
    {
        var error = Assert.Throws<ArgumentException>(() =>
            Gemm.Sgemm(false, true, 2, 3, 4, 1f, new float[8], 4, new float[12], 3, 0f, new float[6], 3));

        Assert.Contains("ldb=3", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Sgemm_NegativeDimension_Throws()
    {
        Assert.Throws<ArgumentException>(() => Gemm.Sgemm(false, false, -1, 2, 2, 1f, [], 2, new float[4], 2, 0f, [], 2));
    }

    [Fact]
    public void Sgemm_EmptyOutput_DoesNothing()
    {
        var c = new float[] { 7f };

        Gemm.Sgemm(false, false, 0, 1, 3, 1f, [], 3, new float[3], 1, 0f, c, 1);

        Assert.Equal(7f, c[0]);
    }
}
