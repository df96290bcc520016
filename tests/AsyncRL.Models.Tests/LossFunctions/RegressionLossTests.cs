using static AsyncRL.Models.Losses;
using static AsyncRL.Models.Tests.Support.GradCheck;

namespace AsyncRL.Models.Tests.LossFunctions;

public sealed class RegressionLossTests
{
    [Theory]
    [InlineData(Reduction.Mean)]
    [InlineData(Reduction.Sum)]
    [InlineData(Reduction.None)]
    public void MseLoss_MatchesFiniteDifferences(Reduction reduction)
    {
        Check(t => MseLoss(t[0], t[1], reduction), [Rand(1, -2, 2, 3, 4), Rand(2, -2, 2, 3, 4)]);
    }

    [Theory]
    [InlineData(Reduction.Mean, 1f)]
    [InlineData(Reduction.Sum, 0.5f)]
    [InlineData(Reduction.None, 2f)]
    public void HuberLoss_MatchesFiniteDifferences(Reduction reduction, float delta)
    {
        Check(t => HuberLoss(t[0], t[1], delta, reduction), [Rand(3, -3, 3, 4, 5), Rand(4, -3, 3, 4, 5)], eps: 1e-3f);
    }

    [Fact]
    public void MseLoss_Values()
    {
        var x = Tensor.FromArray([1f, 2f, 3f, 4f], 2, 2);
        var t = Tensor.FromArray([0f, 2f, 5f, 1f], 2, 2);
        Assert.Equal(14f / 4, MseLoss(x, t).Item());
        Assert.Equal(14f, MseLoss(x, t, Reduction.Sum).Item());
        var each = MseLoss(x, t, Reduction.None);
        Assert.Equal([2, 2], each.Shape.ToArray());
        Assert.Equal([1f, 0f, 4f, 9f], each.ToArray());
    }

    [Fact]
    public void HuberLoss_QuadraticInsideDeltaLinearOutside()
    {
        var x = Tensor.FromArray([0.5f, -2f, 3f]);
        var zero = Tensor.Zeros(3);
        Assert.Equal([0.125f, 1.5f, 2.5f], HuberLoss(x, zero, 1f, Reduction.None).ToArray());
        Assert.Equal([0.125f, 2f, 4f], HuberLoss(x, zero, 2f, Reduction.None).ToArray());

        var leaf = x.Clone().RequiresGrad_();
        HuberLoss(leaf, zero, 1f, Reduction.Sum).Backward();
        Assert.Equal([0.5f, -1f, 1f], leaf.Grad!.ToArray()); // the gradient is bounded by ±δ
    }

    [Fact]
    public void MseLoss_DetachedTarget_GetsNoGradient()
    {
        var x = Tensor.FromArray([1f, 2f]).RequiresGrad_();
        var target = Tensor.FromArray([0f, 0f]);
        MseLoss(x, target).Backward();
        Assert.Equal([1f, 2f], x.Grad!.ToArray());
        Assert.Null(target.Grad);
    }

    [Fact]
    public void ScalarInput_NoReduction_KeepsScalarShape()
    {
        var each = MseLoss(Tensor.Scalar(3f), Tensor.Scalar(1f), Reduction.None);
        Assert.Equal(0, each.Rank);
        Assert.Equal(4f, each.Item());
    }

    [Fact]
    public void Losses_ShapeMismatch_ThrowWithBothShapes()
    {
        var ex = Assert.Throws<ArgumentException>(() => MseLoss(Tensor.Zeros(4, 1), Tensor.Zeros(4)));
        Assert.Contains("MseLoss", ex.Message, StringComparison.Ordinal);
        Assert.Contains("[4, 1]", ex.Message, StringComparison.Ordinal);
        Assert.Contains("[4]", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => HuberLoss(Tensor.Zeros(2), Tensor.Zeros(3)));
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(-1f)]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    public void HuberLoss_BadDelta_Throws(float delta)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => HuberLoss(Tensor.Zeros(2), Tensor.Zeros(2), delta));
    }

    [Fact]
    public void Losses_UnknownReduction_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => MseLoss(Tensor.Zeros(2), Tensor.Zeros(2), (Reduction)7));
    }
}
