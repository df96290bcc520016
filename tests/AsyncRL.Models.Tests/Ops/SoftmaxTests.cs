using static AsyncRL.Models.Tests.Support.GradCheck;

namespace AsyncRL.Models.Tests.Ops;

public sealed class SoftmaxTests
{
    [Theory]
    [InlineData(-1)]
    [InlineData(0)]
    [InlineData(1)]
    public void SoftmaxFamily_EachDimension_MatchesFiniteDifferences(int dim)
    {
        Check(t => t[0].Softmax(dim), [Rand(1, -3, 3, 3, 4, 5)]);
        Check(t => t[0].LogSoftmax(dim), [Rand(2, -3, 3, 3, 4, 5)]);
        Check(t => t[0].LogSumExp(dim), [Rand(3, -3, 3, 3, 4, 5)]);
        Check(t => t[0].LogSumExp(dim, keepDim: true), [Rand(4, -3, 3, 3, 4, 5)]);
    }

    [Fact]
    public void Softmax_Values()
    {
        var y = Tensor.FromArray([1f, 2f, 3f, 0f, 0f, 0f], 2, 3).Softmax().ToArray();
        float z = MathF.Exp(1) + MathF.Exp(2) + MathF.Exp(3);
        float[] expected = [MathF.Exp(1) / z, MathF.Exp(2) / z, MathF.Exp(3) / z, 1f / 3, 1f / 3, 1f / 3];
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], y[i], 6);
    }

    [Fact]
    public void Softmax_StridedDimension_EqualsTransposedLastDimension()
    {
        var x = Rand(5, -3, 3, 2, 4, 3);
        AssertClose(x.Transpose(1, 2).Softmax(-1).Transpose(1, 2).ToArray(), x.Softmax(1).ToArray(), 1e-6f);
        AssertClose(x.Transpose(1, 2).LogSoftmax(-1).Transpose(1, 2).ToArray(), x.LogSoftmax(1).ToArray(), 1e-5f);
        AssertClose(x.Transpose(1, 2).LogSumExp(-1).ToArray(), x.LogSumExp(1).ToArray(), 1e-5f);
    }

    [Fact]
    public void SoftmaxFamily_ExtremeLogits_AreFiniteAndExact()
    {
        var x = Tensor.FromArray([1000f, 0f, -1000f, 88f, 89f, 90f], 2, 3);
        var p = x.Softmax().ToArray();
        Assert.Equal([1f, 0f, 0f], p[..3]);
        var logP = x.LogSoftmax().ToArray();
        Assert.Equal([0f, -1000f, -2000f], logP[..3]);
        Assert.True(x.LogSoftmax().AllFinite());
        var lse = x.LogSumExp(1).ToArray();
        Assert.Equal(1000f, lse[0]);
        Assert.Equal(90f + MathF.Log(1 + MathF.Exp(-1) + MathF.Exp(-2)), lse[1], 4);

        // Gradients stay finite, too.
        var leaf = x.Clone().RequiresGrad_();
        (leaf.LogSoftmax().Sum() + leaf.Softmax().Square().Sum() + leaf.LogSumExp(0).Sum()).Backward();
        Assert.True(leaf.Grad!.AllFinite());
    }

    [Fact]
    public void LogSumExp_AllNegativeInfinity_IsNegativeInfinity()
    {
        var x = Tensor.FromArray([float.NegativeInfinity, float.NegativeInfinity, 0f, 0f], 2, 2);
        var lse = x.LogSumExp(1).ToArray();
        Assert.Equal(float.NegativeInfinity, lse[0]);
        Assert.Equal(MathF.Log(2), lse[1], 6);
    }

    [Fact]
    public void Softmax_MaskedPositions_GetZeroProbability()
    {
        var mask = Tensor.FromArray([0f, 0f, 1f]);
        var p = Tensor.FromArray([1f, 1f, 5f]).MaskedFill(mask, float.NegativeInfinity).Softmax().ToArray();
        Assert.Equal([0.5f, 0.5f, 0f], p);
    }

    [Fact]
    public void Softmax_BadDimension_Throws()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => Tensor.Zeros(2, 3).Softmax(2));
        Assert.Contains("Softmax", ex.Message, StringComparison.Ordinal);
    }

    private static void AssertClose(float[] expected, float[] actual, float tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], tolerance);
    }
}
