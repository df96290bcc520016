using static AsyncRL.Models.Tests.Support.GradCheck;

namespace AsyncRL.Models.Tests.Ops;

public sealed class SelectOpTests
{
    [Theory]
    [InlineData(new[] { 3, 4 }, new[] { 3, 4 })]
    [InlineData(new[] { 3, 4 }, new[] { 4 })]
    [InlineData(new[] { 2, 1, 4 }, new[] { 3, 1 })]
    [InlineData(new[] { 3, 4 }, new int[0])]
    public void MinimumMaximum_Broadcasting_MatchFiniteDifferences(int[] shapeA, int[] shapeB)
    {
        Check(t => t[0].Maximum(t[1]), [Rand(1, -1, 1, shapeA), Rand(2, -1, 1, shapeB)], eps: 1e-3f);
        Check(t => t[0].Minimum(t[1]), [Rand(3, -1, 1, shapeA), Rand(4, -1, 1, shapeB)], eps: 1e-3f);
    }

    [Fact]
    public void Maximum_Ties_SplitGradientEvenly()
    {
        var a = Tensor.FromArray([1f, 2f, 3f]).RequiresGrad_();
        var b = Tensor.FromArray([2f, 2f, 1f]).RequiresGrad_();
        var y = a.Maximum(b);
        y.Sum().Backward();
        Assert.Equal([2f, 2f, 3f], y.ToArray());
        Assert.Equal([0f, 0.5f, 1f], a.Grad!.ToArray());
        Assert.Equal([1f, 0.5f, 0f], b.Grad!.ToArray());
    }

    [Fact]
    public void MinimumMaximum_PropagateNaN()
    {
        var a = Tensor.FromArray([float.NaN, 1f]);
        var b = Tensor.FromArray([0f, float.NaN]);
        Assert.All(a.Maximum(b).ToArray(), v => Assert.True(float.IsNaN(v)));
        Assert.All(a.Minimum(b).ToArray(), v => Assert.True(float.IsNaN(v)));
    }

    [Theory]
    [InlineData(new[] { 3, 4 }, new[] { 3, 4 }, new[] { 3, 4 })]
    [InlineData(new[] { 3, 1 }, new[] { 4 }, new[] { 3, 4 })]
    [InlineData(new[] { 2, 3, 4 }, new[] { 3, 4 }, new int[0])]
    [InlineData(new[] { 4 }, new[] { 2, 1, 4 }, new[] { 3, 1 })]
    public void Where_Broadcasting_MatchesFiniteDifferences(int[] conditionShape, int[] xShape, int[] yShape)
    {
        var condition = Rand(7, -1, 1, conditionShape).Relu(); // about half the entries are zero
        Check(t => Tensor.Where(condition, t[0], t[1]), [Rand(1, -1, 1, xShape), Rand(2, -1, 1, yShape)]);
    }

    [Fact]
    public void Where_PicksByNonzeroCondition()
    {
        var condition = Tensor.FromArray([1f, 0f, -2f, 0f]);
        var y = Tensor.Where(condition, Tensor.FromArray([1f, 2f, 3f, 4f]), Tensor.Scalar(-1f));
        Assert.Equal([1f, -1f, 3f, -1f], y.ToArray());
    }

    [Fact]
    public void Where_IncompatibleShapes_NamesAllThree()
    {
        var ex = Assert.Throws<ArgumentException>(() => Tensor.Where(Tensor.Zeros(2, 3), Tensor.Zeros(3), Tensor.Zeros(4)));
        Assert.Contains("Where", ex.Message, StringComparison.Ordinal);
        Assert.Contains("[2, 3]", ex.Message, StringComparison.Ordinal);
        Assert.Contains("[3]", ex.Message, StringComparison.Ordinal);
        Assert.Contains("[4]", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MaskedFill_FillsMaskedAndBlocksTheirGradient()
    {
        // A causal-style mask broadcast over a batch: fill the upper triangle.
        var mask = Tensor.FromArray([0f, 1f, 0f, 0f], 2, 2);
        var x = Tensor.FromArray([1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f], 2, 2, 2).RequiresGrad_();
        var y = x.MaskedFill(mask, float.NegativeInfinity);
        Assert.Equal([1f, float.NegativeInfinity, 3f, 4f, 5f, float.NegativeInfinity, 7f, 8f], y.ToArray());
        y.MaskedFill(mask, 0f).Sum().Backward();
        Assert.Equal([1f, 0f, 1f, 1f, 1f, 0f, 1f, 1f], x.Grad!.ToArray());
    }

    [Fact]
    public void MaskedFill_MatchesFiniteDifferences()
    {
        var mask = Rand(3, -1, 1, 3, 1).Relu();
        Check(t => t[0].MaskedFill(mask, 5f), [Rand(1, -1, 1, 2, 3, 4)]);
    }

    [Fact]
    public void MaskedFill_MaskLargerThanTensor_Throws()
    {
        var ex = Assert.Throws<ArgumentException>(() => Tensor.Zeros(3).MaskedFill(Tensor.Zeros(2, 3), 0f));
        Assert.Contains("MaskedFill", ex.Message, StringComparison.Ordinal);
        Assert.Contains("[2, 3]", ex.Message, StringComparison.Ordinal);
        Assert.Contains("[3]", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Maximum_IncompatibleShapes_ThrowsWithBothShapes()
    {
        var ex = Assert.Throws<ArgumentException>(() => Tensor.Zeros(2, 3).Maximum(Tensor.Zeros(2)));
        Assert.Contains("Maximum", ex.Message, StringComparison.Ordinal);
        Assert.Contains("[2, 3]", ex.Message, StringComparison.Ordinal);
        Assert.Contains("[2]", ex.Message, StringComparison.Ordinal);
    }
}
