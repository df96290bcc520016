using AsyncRL.Models.Tests.Support;
using static AsyncRL.Models.Tests.Support.GradCheck;

namespace AsyncRL.Models.Tests.Ops;

public sealed class CoreOpGradientTests
{
    [Theory]
    [InlineData(new[] { 3, 4 }, new[] { 3, 4 })]
    [InlineData(new[] { 3, 4 }, new[] { 4 })]
    [InlineData(new[] { 2, 3, 4 }, new[] { 3, 1 })]
    [InlineData(new[] { 1, 4 }, new[] { 3, 1 })]
    [InlineData(new[] { 2, 1, 3, 4 }, new[] { 5, 1, 1 })]
    [InlineData(new[] { 3, 4 }, new int[0])]
    public void ArithmeticOps_Broadcasting_MatchFiniteDifferences(int[] shapeA, int[] shapeB)
    {
        Check(t => t[0] + t[1], [Rand(1, -1, 1, shapeA), Rand(2, -1, 1, shapeB)]);
        Check(t => t[0] - t[1], [Rand(3, -1, 1, shapeA), Rand(4, -1, 1, shapeB)]);
        Check(t => t[0] * t[1], [Rand(5, -1, 1, shapeA), Rand(6, -1, 1, shapeB)]);
        Check(t => t[0] / t[1], [Rand(7, -1, 1, shapeA), Rand(8, 0.5f, 2, shapeB)]);
    }

    [Fact]
    public void ScalarOps_MatchFiniteDifferences()
    {
        Check(t => (t[0] * 3f + 2f) - 1.5f, [Rand(1, -1, 1, 2, 3)]);
        Check(t => 1f - t[0] / 4f, [Rand(2, -1, 1, 5)]);
    }

    [Theory]
    [InlineData(new[] { 1, 1 }, new[] { 1, 1 })]
    [InlineData(new[] { 3, 7 }, new[] { 7, 5 })]
    [InlineData(new[] { 2, 3, 4 }, new[] { 2, 4, 5 })]
    [InlineData(new[] { 2, 2, 3, 4 }, new[] { 2, 2, 4, 3 })]
    [InlineData(new[] { 2, 3, 4 }, new[] { 4, 6 })]
    public void MatMul_Shapes_MatchFiniteDifferences(int[] shapeA, int[] shapeB)
    {
        Check(t => t[0].MatMul(t[1]), [Rand(1, -1, 1, shapeA), Rand(2, -1, 1, shapeB)]);
    }

    [Fact]
    public void Linear_WithAndWithoutBias_MatchFiniteDifferences()
    {
        Check(t => Functional.Linear(t[0], t[1], t[2]), [Rand(1, -1, 1, 5, 3), Rand(2, -1, 1, 4, 3), Rand(3, -1, 1, 4)]);
        Check(t => Functional.Linear(t[0], t[1], null), [Rand(4, -1, 1, 2, 2, 3), Rand(5, -1, 1, 4, 3)]);
    }

    [Fact]
    public void UnaryAndReductions_MatchFiniteDifferences()
    {
        Check(t => t[0].Tanh(), [Rand(1, -2, 2, 3, 5)]);
        Check(t => t[0].Relu(), [Rand(2, -2, 2, 4, 5)], eps: 1e-3f);
        Check(t => t[0].Sum(), [Rand(3, -1, 1, 3, 4)]);
        Check(t => t[0].Mean(), [Rand(4, -1, 1, 3, 4)]);
        Check(t => t[0].Reshape(4, -1).MatMul(t[1]), [Rand(5, -1, 1, 2, 6), Rand(6, -1, 1, 3, 2)]);
    }

    [Fact]
    public void Backward_SharedSubexpression_AccumulatesBothPaths()
    {
        var x = Tensor.FromArray([2f, 3f]).RequiresGrad_();
        var y = x * x;          // used twice below
        var z = (y + y * x).Sum(); // z = x² + x³, dz/dx = 2x + 3x²
        z.Backward();
        Assert.Equal([2 * 2 + 3 * 4f, 2 * 3 + 3 * 9f], x.Grad!.ToArray());
    }

    [Fact]
    public void MatMul_InnerDimensionMismatch_ThrowsWithBothShapes()
    {
        var ex = Assert.Throws<ArgumentException>(() => Tensor.Zeros(2, 3).MatMul(Tensor.Zeros(4, 5)));
        Assert.Contains("[2, 3]", ex.Message, StringComparison.Ordinal);
        Assert.Contains("[4, 5]", ex.Message, StringComparison.Ordinal);
        Assert.Contains("MatMul", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Add_IncompatibleShapes_ThrowsWithBothShapes()
    {
        var ex = Assert.Throws<ArgumentException>(() => Tensor.Zeros(2, 3) + Tensor.Zeros(4));
        Assert.Contains("[2, 3]", ex.Message, StringComparison.Ordinal);
        Assert.Contains("[4]", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NoGrad_DoesNotRecord()
    {
        var x = Tensor.Ones(3).RequiresGrad_();
        Tensor y;
        using (Autograd.NoGrad()) y = (x * 2f).Sum();
        Assert.False(y.RequiresGrad);
        Assert.Throws<InvalidOperationException>(() => y.Backward());
    }

    [Fact]
    public void DisposeScope_ReleasesIntermediates_AndKeepsMovedTensors()
    {
        var w = Tensor.Ones(4, 4).RequiresGrad_();
        Tensor kept, dropped;
        using (DisposeScope.Begin())
        {
            var h = w.MatMul(w).Tanh();
            dropped = h;
            kept = h.Sum().MoveToOuterDisposeScope();
            kept.Backward();
        }
        Assert.True(dropped.IsDisposed);
        Assert.False(kept.IsDisposed);
        Assert.Equal(16 * MathF.Tanh(4), kept.Item(), 4);
        Assert.False(w.IsDisposed);
        Assert.NotNull(w.Grad);
    }
}
