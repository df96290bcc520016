using static AsyncRL.Models.Tests.Support.GradCheck;

namespace AsyncRL.Models.Tests.Ops;

public sealed class ReduceDimTests
{
    public static TheoryData<int, bool> DimsAndKeep() => new()
    {
        { 0, false }, { 1, true }, { 2, false }, { -1, true }, { -3, true },
    };

    [Theory]
    [MemberData(nameof(DimsAndKeep))]
    public void SumMeanVar_MatchFiniteDifferences(int dim, bool keepDim)
    {
        Check(t => t[0].Sum(dim, keepDim), [Rand(1, -1, 1, 2, 3, 4)]);
        Check(t => t[0].Mean(dim, keepDim), [Rand(2, -1, 1, 2, 3, 4)]);
        Check(t => t[0].Var(dim, keepDim), [Rand(3, -1, 1, 2, 3, 4)]);
        Check(t => t[0].Var(dim, keepDim, unbiased: false), [Rand(4, -1, 1, 2, 3, 4)]);
        Check(t => t[0].Std(dim, keepDim), [Rand(5, -1, 1, 2, 3, 4)]);
    }

    [Theory]
    [MemberData(nameof(DimsAndKeep))]
    public void MaxMin_MatchFiniteDifferences(int dim, bool keepDim)
    {
        Check(t => t[0].Max(dim, keepDim), [Rand(1, -1, 1, 2, 3, 4)], eps: 1e-3f);
        Check(t => t[0].Min(dim, keepDim), [Rand(2, -1, 1, 2, 3, 4)], eps: 1e-3f);
    }

    [Fact]
    public void SumMean_Values_AndShapes()
    {
        var x = Tensor.FromArray([1f, 2f, 3f, 4f, 5f, 6f], 2, 3);
        Assert.Equal([5f, 7f, 9f], x.Sum(0).ToArray());
        Assert.Equal([6f, 15f], x.Sum(1).ToArray());
        Assert.Equal([2, 1], x.Sum(1, keepDim: true).Shape.ToArray());
        Assert.Equal([2.5f, 3.5f, 4.5f], x.Mean(0).ToArray());
        Assert.Equal([3], x.Mean(0).Shape.ToArray());
        Assert.Equal([1, 3], x.Mean(-2, keepDim: true).Shape.ToArray());
    }

    [Fact]
    public void Mean_EmptyDimension_IsNaN()
    {
        Assert.True(float.IsNaN(Tensor.Zeros(2, 0).Mean(1).ToArray()[0]));
        Assert.Equal([0f, 0f], Tensor.Zeros(2, 0).Sum(1).ToArray());
    }

    [Fact]
    public void VarStd_MatchHandComputedValues()
    {
        var x = Tensor.FromArray([1f, 2f, 3f, 4f, 2f, 4f, 6f, 8f], 2, 4);
        Assert.Equal([5f / 3f, 20f / 3f], x.Var(1).ToArray());
        Assert.Equal([1.25f, 5f], x.Var(1, unbiased: false).ToArray());
        Assert.Equal([0.5f, 2f, 4.5f, 8f], x.Var(0).ToArray());
        Assert.Equal(MathF.Sqrt(5f), x.Std(1, unbiased: false).ToArray()[1], 6);
    }

    [Fact]
    public void Max_ValuesArgMaxAndGradientToFirstMaximum()
    {
        var x = Tensor.FromArray([1f, 5f, 5f, 2f, 0f, -3f], 2, 3).RequiresGrad_();
        var y = x.Max(1);
        Assert.Equal([5f, 2f], y.ToArray());
        Assert.Equal([1, 0], x.ArgMax(1));
        Assert.Equal([0, 2], x.ArgMin(1));
        Assert.Equal([1, 0, 0], x.ArgMax(0));
        y.Sum().Backward();
        Assert.Equal([0f, 1f, 0f, 1f, 0f, 0f], x.Grad!.ToArray());
        Assert.Equal([1f, 0f, -3f], x.Min(0).ToArray());
    }

    [Fact]
    public void Max_StridedDimension_MatchesContiguousPath()
    {
        var x = Rand(9, -1, 1, 3, 5, 4);
        var viaTranspose = x.Transpose(1, 2).Max(2).ToArray();
        Assert.Equal(viaTranspose, x.Max(1).ToArray());
        Assert.Equal(x.Transpose(1, 2).ArgMax(2), x.ArgMax(1));
    }

    [Fact]
    public void Max_NaN_Wins()
    {
        var rows = Tensor.FromArray([1f, float.NaN, 3f], 1, 3);
        Assert.True(float.IsNaN(rows.Max(1).Item()));
        Assert.Equal([1], rows.ArgMax(1));
        var columns = Tensor.FromArray([1f, 2f, float.NaN, 0f, 3f, 4f], 3, 2);
        Assert.Equal([1, 2], columns.ArgMax(0));
    }

    [Fact]
    public void ArgMax_IntoSpan_AllocatesNothingAndChecksLength()
    {
        var q = Tensor.FromArray([0.1f, 0.7f, 0.2f, 0.9f, 0.3f, 0.4f], 2, 3);
        Span<int> actions = stackalloc int[2];
        q.ArgMax(-1, actions);
        Assert.Equal([1, 0], actions.ToArray());
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++) q.ArgMax(-1, actions);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        var ex = Assert.Throws<ArgumentException>(() => q.ArgMax(-1, new int[3]));
        Assert.Contains("[2, 3]", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Max_EmptyDimension_Throws()
    {
        var ex = Assert.Throws<ArgumentException>(() => Tensor.Zeros(2, 0).Max(1));
        Assert.Contains("[2, 0]", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => Tensor.Zeros(2, 0).ArgMax(1));
    }

    [Fact]
    public void Reductions_BadDimension_Throw()
    {
        var x = Tensor.Zeros(2, 3);
        Assert.Throws<ArgumentOutOfRangeException>(() => x.Sum(2));
        Assert.Throws<ArgumentOutOfRangeException>(() => x.Mean(-3));
        Assert.Throws<ArgumentOutOfRangeException>(() => x.Max(5));
        Assert.Throws<ArgumentOutOfRangeException>(() => x.Var(2));
        Assert.Throws<ArgumentOutOfRangeException>(() => x.ArgMax(2));
    }
}
