using AsyncRL.Models.Nn;
using static AsyncRL.Models.Tests.Support.GradCheck;

namespace AsyncRL.Models.Tests.Ops;

public sealed class TransformerOpTests
{
    [Fact]
    public void LayerNorm_MatchesFiniteDifferences_AndNormalises()
    {
        Check(t => Functional.LayerNorm(t[0], t[1], t[2]), [Rand(1, -2, 2, 3, 2, 8), Rand(2, 0.5f, 1.5f, 8), Rand(3, -1, 1, 8)]);
        var y = Functional.LayerNorm(Rand(4, -5, 5, 4, 16), Tensor.Ones(16), Tensor.Zeros(16));
        for (int r = 0; r < 4; r++)
        {
            var row = y.Data.Slice(r * 16, 16).ToArray();
            Assert.Equal(0, row.Average(), 4);
            Assert.Equal(1, row.Select(v => v * v).Average(), 3);
        }
    }

    [Fact]
    public void Embedding_PicksRows_AndScattersGradient()
    {
        var w = Rand(1, -1, 1, 5, 3);
        var y = Functional.Embedding(w, [4, 0, 4], [1, 3]);
        Assert.Equal([1, 3, 3], y.Shape.ToArray());
        Assert.Equal(w.Data.Slice(12, 3).ToArray(), y.Data[..3].ToArray());
        Check(t => Functional.Embedding(t[0], [4, 0, 4, 2], [2, 2]), [Rand(2, -1, 1, 5, 3)]);
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => Functional.Embedding(w, [5], [1]));
        Assert.Contains("index 5", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false, 4, 4)]
    [InlineData(true, 4, 4)]
    [InlineData(true, 2, 5)]
    public void ScaledDotProductAttention_MatchesFiniteDifferences(bool causal, int tq, int tk)
    {
        Check(t => Functional.ScaledDotProductAttention(t[0], t[1], t[2], causal),
            [Rand(1, -1, 1, 2, 2, tq, 4), Rand(2, -1, 1, 2, 2, tk, 4), Rand(3, -1, 1, 2, 2, tk, 4)]);
    }

    [Fact]
    public void ScaledDotProductAttention_Causal_FirstQueryCopiesFirstValue()
    {
        var q = Rand(1, -1, 1, 1, 3, 2);
        var k = Rand(2, -1, 1, 1, 3, 2);
        var v = Rand(3, -1, 1, 1, 3, 2);
        var o = Functional.ScaledDotProductAttention(q, k, v, causal: true);
        Assert.Equal(v.Data[0], o.Data[0], 6);
        Assert.Equal(v.Data[1], o.Data[1], 6);
    }

    // The fused packed kernel must equal splitting heads by hand and calling the general kernel.
    [Fact]
    public void CausalSelfAttention_EqualsPerHeadReference_AndMatchesFiniteDifferences()
    {
        int b = 2, t = 5, heads = 2, d = 8, dh = d / heads;
        var qkv = Rand(7, -1, 1, b, t, 3 * d);
        var fused = Functional.CausalSelfAttention(qkv, heads);
        for (int bi = 0; bi < b; bi++)
            for (int h = 0; h < heads; h++)
            {
                Tensor Part(int which)
                {
                    var x = Tensor.Zeros(1, t, dh);
                    for (int ti = 0; ti < t; ti++)
                        for (int j = 0; j < dh; j++) x[0, ti, j] = qkv[bi, ti, which * d + h * dh + j];
                    return x;
                }
                var o = Functional.ScaledDotProductAttention(Part(0), Part(1), Part(2), causal: true);
                for (int ti = 0; ti < t; ti++)
                    for (int j = 0; j < dh; j++) Assert.Equal(o[0, ti, j], fused[bi, ti, h * dh + j], 5);
            }
        Check(x => Functional.CausalSelfAttention(x[0], 2), [Rand(8, -1, 1, 2, 3, 12)]);
    }

    [Fact]
    public void CausalSelfAttention_KvCacheDecoding_EqualsFullForward()
    {
        int b = 2, t = 6, heads = 2, d = 8;
        var qkv = Rand(9, -1, 1, b, t, 3 * d);
        var full = Functional.CausalSelfAttention(qkv, heads);
        var cache = new LayerKvCache(b, capacity: 8, dim: d);
        using var _ = Autograd.NoGrad();
        // Prefill 4 positions, then decode 2 one at a time.
        var steps = new[] { (0, 4), (4, 1), (5, 1) };
        foreach (var (start, count) in steps)
        {
            var chunk = Tensor.Zeros(b, count, 3 * d);
            for (int bi = 0; bi < b; bi++)
                qkv.Data.Slice((bi * t + start) * 3 * d, count * 3 * d).CopyTo(chunk.Data.Slice(bi * count * 3 * d));
            var o = Functional.CausalSelfAttention(chunk, heads, cache);
            for (int bi = 0; bi < b; bi++)
                for (int ti = 0; ti < count; ti++)
                    for (int j = 0; j < d; j++) Assert.Equal(full[bi, start + ti, j], o[bi, ti, j], 5);
        }
        Assert.Equal(6, cache.Length);
        Assert.Throws<InvalidOperationException>(() => Functional.CausalSelfAttention(Tensor.Zeros(b, 3, 3 * d), heads, cache));
    }
}
