namespace AsyncRL.Models.Tests.Ops;

public sealed class TanhKernelTests
{
    [Fact]
    public void Tanh_MatchesDoublePrecision_AcrossTheRange_IncludingTails()
    {
        const int n = 200_003; // odd length exercises the vector body and the scalar tail
        var x = new float[n];
        for (int i = 0; i < n; i++) x[i] = -12f + 24f * i / (n - 1);
        var y = new float[n];
        TanhKernel.Tanh(x, y);
        double worst = 0;
        for (int i = 0; i < n; i++) worst = Math.Max(worst, Math.Abs(y[i] - Math.Tanh(x[i])));
        Assert.True(worst < 5e-7, $"max abs error {worst:G3}");
        Assert.All(y, v => Assert.InRange(v, -1f, 1f));
    }

    [Fact]
    public void Tanh_SmallArguments_KeepRelativeAccuracy_AndNaNPropagates()
    {
        float[] x = [1e-6f, -3e-4f, 0f, float.NaN, float.PositiveInfinity, float.NegativeInfinity];
        var y = new float[x.Length];
        TanhKernel.Tanh(x, y);
        Assert.Equal(1e-6f, y[0], 1e-12f);
        Assert.Equal(MathF.Tanh(-3e-4f), y[1], 1e-10f);
        Assert.Equal(0f, y[2]);
        Assert.True(float.IsNaN(y[3]));
        Assert.Equal(1f, y[4], 3e-7f); // saturates at tanh(7.905), within 3e-7 of 1
        Assert.Equal(-1f, y[5], 3e-7f);
    }
}
