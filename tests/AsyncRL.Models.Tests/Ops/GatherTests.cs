using static AsyncRL.Models.Tests.Support.GradCheck;

namespace AsyncRL.Models.Tests.Ops;

public sealed class GatherTests
{
    [Fact]
    public void Gather_QValuesOfTakenActions()
    {
        var q = Tensor.FromArray([1f, 2f, 3f, 4f, 5f, 6f], 2, 3).RequiresGrad_();
        var taken = q.Gather([2, 0]);
        Assert.Equal([2], taken.Shape.ToArray());
        Assert.Equal([3f, 4f], taken.ToArray());
        Assert.Equal([2, 1], q.Gather([2, 0], keepDim: true).Shape.ToArray());
        taken.Sum().Backward();
        Assert.Equal([0f, 0f, 1f, 1f, 0f, 0f], q.Grad!.ToArray());
    }

    [Fact]
    public void Gather_LogProbsOfTokens_MatchesFiniteDifferences()
    {
        int[] tokens = [0, 3, 1, 2, 2, 0];
        Check(t => t[0].LogSoftmax().Gather(tokens), [Rand(1, -2, 2, 2, 3, 4)]);
    }

    [Fact]
    public void Gather_InnerDimension_MatchesFiniteDifferences()
    {
        int[] index = [1, 0, 2, 2, 1, 0, 0, 1];
        Check(t => t[0].Gather(index, dim: 1), [Rand(2, -1, 1, 2, 3, 4)]);
        var x = Tensor.FromArray([1f, 2f, 3f, 4f, 5f, 6f], 3, 2);
        Assert.Equal([5f, 2f], x.Gather([2, 0], dim: 0).ToArray());
    }

    [Fact]
    public void Gather_RepeatedIndicesAcrossCalls_AccumulateGradient()
    {
        var x = Tensor.FromArray([1f, 2f, 3f], 1, 3).RequiresGrad_();
        (x.Gather([1]) + x.Gather([1]) + x.Gather([2])).Sum().Backward();
        Assert.Equal([0f, 2f, 1f], x.Grad!.ToArray());
    }

    [Fact]
    public void Gather_IndexOutOfRange_ThrowsNamingIndexAndShape()
    {
        var x = Tensor.Zeros(2, 3);
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => x.Gather([0, 3]));
        Assert.Contains("index 3 at position 1", ex.Message, StringComparison.Ordinal);
        Assert.Contains("[2, 3]", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => x.Gather([-1, 0]));
    }

    [Fact]
    public void Gather_WrongIndexCount_Throws()
    {
        var ex = Assert.Throws<ArgumentException>(() => Tensor.Zeros(2, 3).Gather([0, 1, 2]));
        Assert.Contains("3 indices", ex.Message, StringComparison.Ordinal);
        Assert.Contains("[2, 3]", ex.Message, StringComparison.Ordinal);
    }
}
