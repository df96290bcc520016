using static AsyncRL.Models.Tests.Support.GradCheck;

namespace AsyncRL.Models.Tests.Ops;

public sealed class LayoutOpTests
{
    [Fact]
    public void Transpose_2D_MovesElements()
    {
        var x = Tensor.FromArray([1f, 2f, 3f, 4f, 5f, 6f], 2, 3);
        var y = x.Transpose(0, 1);
        Assert.Equal([3, 2], y.Shape.ToArray());
        Assert.Equal([1f, 4f, 2f, 5f, 3f, 6f], y.ToArray());
        Assert.Equal(x.ToArray(), y.Transpose(-1, -2).ToArray());
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 2)]
    [InlineData(0, 3)]
    [InlineData(-1, -2)]
    public void Transpose_Rank4_MatchesIndexingAndFiniteDifferences(int d0, int d1)
    {
        var x = Rand(1, -1, 1, 2, 3, 4, 5);
        var y = x.Transpose(d0, d1);
        int a = (d0 + 4) % 4, b = (d1 + 4) % 4;
        Span<int> i = stackalloc int[4];
        Span<int> j = stackalloc int[4];
        for (i[0] = 0; i[0] < 2; i[0]++)
            for (i[1] = 0; i[1] < 3; i[1]++)
                for (i[2] = 0; i[2] < 4; i[2]++)
                    for (i[3] = 0; i[3] < 5; i[3]++)
                    {
                        i.CopyTo(j);
                        (j[a], j[b]) = (j[b], j[a]);
                        Assert.Equal(x[i], y[j]);
                    }
        Check(t => t[0].Transpose(d0, d1), [Rand(2, -1, 1, 2, 3, 4, 5)]);
    }

    [Fact]
    public void Permute_AttentionHeads_MatchesIndexingAndFiniteDifferences()
    {
        // [B, T, H, D] → [B, H, T, D]: the last dimension stays last (contiguous runs).
        var x = Rand(1, -1, 1, 2, 3, 2, 4);
        var y = x.Permute(0, 2, 1, 3);
        Assert.Equal([2, 2, 3, 4], y.Shape.ToArray());
        Assert.Equal(x[1, 2, 0, 3], y[1, 0, 2, 3]);
        Check(t => t[0].Permute(0, 2, 1, 3), [Rand(2, -1, 1, 2, 3, 2, 4)]);
        Check(t => t[0].Permute(2, 0, 1), [Rand(3, -1, 1, 2, 3, 4)]);
        Check(t => t[0].Permute(1, 0) * t[0].Permute(1, 0), [Rand(4, -1, 1, 3, 4)]);
    }

    [Fact]
    public void Permute_BadDimensions_Throw()
    {
        var x = Tensor.Zeros(2, 3, 4);
        Assert.Contains("Permute", Assert.Throws<ArgumentException>(() => x.Permute(0, 1)).Message, StringComparison.Ordinal);
        Assert.Contains("twice", Assert.Throws<ArgumentException>(() => x.Permute(0, 1, 1)).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => x.Permute(0, 1, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => x.Transpose(0, 3));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(-1)]
    public void Concat_AlongEachDimension_MatchesFiniteDifferences(int dim)
    {
        int[] Shape(int k) { var s = new[] { 2, 3, 2 }; s[(dim + 3) % 3] = k; return s; }
        Check(t => Tensor.Concat([t[0], t[1], t[2]], dim), [Rand(1, -1, 1, Shape(1)), Rand(2, -1, 1, Shape(3)), Rand(3, -1, 1, Shape(2))]);
    }

    [Fact]
    public void Concat_Values_AndOnlySomeInputsRequireGrad()
    {
        var a = Tensor.FromArray([1f, 2f, 3f, 4f], 2, 2).RequiresGrad_();
        var b = Tensor.FromArray([5f, 6f], 2, 1);
        var y = Tensor.Concat([a, b], 1);
        Assert.Equal([1f, 2f, 5f, 3f, 4f, 6f], y.ToArray());
        (y * y).Sum().Backward();
        Assert.Equal([2f, 4f, 6f, 8f], a.Grad!.ToArray());
        Assert.Null(b.Grad);
    }

    [Fact]
    public void Concat_MismatchedShapes_ThrowsNamingBoth()
    {
        var ex = Assert.Throws<ArgumentException>(() => Tensor.Concat([Tensor.Zeros(2, 3), Tensor.Zeros(3, 2)], 1));
        Assert.Contains("Concat", ex.Message, StringComparison.Ordinal);
        Assert.Contains("[2, 3]", ex.Message, StringComparison.Ordinal);
        Assert.Contains("[3, 2]", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => Tensor.Concat([], 0));
        Assert.Throws<ArgumentException>(() => Tensor.Concat([Tensor.Zeros(2), Tensor.Zeros(2, 1)], 0));
    }

    [Fact]
    public void Stack_NewDimension_ValuesAndFiniteDifferences()
    {
        var y = Tensor.Stack([Tensor.FromArray([1f, 2f]), Tensor.FromArray([3f, 4f])], 1);
        Assert.Equal([2, 2], y.Shape.ToArray());
        Assert.Equal([1f, 3f, 2f, 4f], y.ToArray());
        Check(t => Tensor.Stack([t[0], t[1]], 0), [Rand(1, -1, 1, 2, 3), Rand(2, -1, 1, 2, 3)]);
        Check(t => Tensor.Stack([t[0], t[1]], -1), [Rand(3, -1, 1, 2, 3), Rand(4, -1, 1, 2, 3)]);
        var ex = Assert.Throws<ArgumentException>(() => Tensor.Stack([Tensor.Zeros(2), Tensor.Zeros(3)]));
        Assert.Contains("[3]", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, 1, 2)]
    [InlineData(1, 0, 3)]
    [InlineData(2, 1, 1)]
    [InlineData(-1, -2, 2)]
    public void Slice_MatchesFiniteDifferences(int dim, int start, int length)
    {
        Check(t => t[0].Slice(dim, start, length), [Rand(1, -1, 1, 3, 4, 3)]);
    }

    [Fact]
    public void Slice_LeadingDimension_SharesStorage()
    {
        var x = Tensor.FromArray([1f, 2f, 3f, 4f, 5f, 6f], 3, 2);
        var rows = x.Slice(0, 1, 2);
        Assert.Equal([3f, 4f, 5f, 6f], rows.ToArray());
        x[2, 0] = 50f;
        Assert.Equal(50f, rows[1, 0]); // a view, as torch.narrow

        var column = x.Narrow(1, 1, 1);
        Assert.Equal([2f, 4f, 6f], column.ToArray());
    }

    [Fact]
    public void Slice_GradientOfTwoOverlappingSlices_Accumulates()
    {
        var x = Tensor.FromArray([1f, 2f, 3f, 4f]).RequiresGrad_();
        (x.Slice(0, 0, 3).Sum() + x.Slice(0, 1, 3).Sum()).Backward();
        Assert.Equal([1f, 2f, 2f, 1f], x.Grad!.ToArray());
    }

    [Fact]
    public void Slice_OutOfRange_ThrowsWithShape()
    {
        var x = Tensor.Zeros(2, 5);
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => x.Slice(1, 3, 3));
        Assert.Contains("Slice", ex.Message, StringComparison.Ordinal);
        Assert.Contains("[2, 5]", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => x.Slice(1, 0, -1));
        Assert.Equal([2, 2], x.Slice(1, -2, 2).Shape.ToArray());
    }

    [Fact]
    public void UnsqueezeSqueeze_Shapes_AndGradients()
    {
        var x = Tensor.Zeros(2, 3);
        Assert.Equal([1, 2, 3], x.Unsqueeze(0).Shape.ToArray());
        Assert.Equal([2, 3, 1], x.Unsqueeze(-1).Shape.ToArray());
        Assert.Equal([2, 1, 3], x.Unsqueeze(1).Shape.ToArray());
        Assert.Equal([2, 3], Tensor.Zeros(2, 1, 3).Squeeze(1).Shape.ToArray());
        Assert.Equal([2, 3], x.Squeeze(0).Shape.ToArray()); // size ≠ 1: unchanged, as PyTorch
        Assert.Equal([2], Tensor.Zeros(1, 2, 1).Squeeze().Shape.ToArray());
        Assert.Throws<ArgumentException>(() => Tensor.Zeros(1, 1, 1, 1).Unsqueeze(0));
        Check(t => t[0].Unsqueeze(1).MatMul(t[1]).Squeeze(1), [Rand(1, -1, 1, 4, 3), Rand(2, -1, 1, 3, 2)]);
    }

    [Fact]
    public void Expand_Values_AndGradientSumsBack()
    {
        var x = Tensor.FromArray([1f, 2f], 2, 1);
        Assert.Equal([1f, 1f, 1f, 2f, 2f, 2f], x.Expand(2, 3).ToArray());
        Assert.Equal([4, 2, 3], x.Expand(4, -1, 3).Shape.ToArray());
        Check(t => t[0].Expand(2, 3, 4), [Rand(1, -1, 1, 3, 1)]);
        var ex = Assert.Throws<ArgumentException>(() => x.Expand(3, 3));
        Assert.Contains("[2, 1]", ex.Message, StringComparison.Ordinal);
        Assert.Contains("[3, 3]", ex.Message, StringComparison.Ordinal);
    }
}
