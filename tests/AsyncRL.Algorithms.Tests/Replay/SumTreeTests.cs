using AsyncRL.Algorithms.Replay;

namespace AsyncRL.Algorithms.Tests.Replay;

public sealed class SumTreeTests
{
    [Fact]
    public void Find_SamplesLeavesInProportionToTheirValues()
    {
        double[] p = [1, 0, 2, 3, 4, 0.5];
        var tree = new SumTree(p.Length);
        for (int i = 0; i < p.Length; i++) tree.Set(i, p[i]);
        var rng = new Generator(7);
        const int draws = 200_000;
        var counts = new int[p.Length];
        for (int k = 0; k < draws; k++) counts[tree.Find(rng.NextDouble() * tree.Total)]++;

        Assert.Equal(0, counts[1]); // a zero leaf is never sampled
        // Pearson χ² over the 5 nonzero leaves (4 degrees of freedom): 18.47 is the 0.001 quantile.
        double chi2 = 0;
        for (int i = 0; i < p.Length; i++)
        {
            if (p[i] == 0) continue;
            double expected = draws * p[i] / p.Sum();
            chi2 += (counts[i] - expected) * (counts[i] - expected) / expected;
        }
        Assert.True(chi2 < 18.47, $"χ² = {chi2:F2}, counts {string.Join(",", counts)}");
    }

    [Fact]
    public void SetRange_MatchesOneByOneSets_AndTracksTheMinimum()
    {
        var rng = new Generator(3);
        var a = new SumTree(37);
        var b = new SumTree(37);
        var values = Enumerable.Range(0, 20).Select(_ => (double)rng.NextFloat() + 0.1).ToArray();
        b.SetRange(11, values);
        for (int i = 0; i < values.Length; i++) a.Set(11 + i, values[i]);
        Assert.Equal(a.Total, b.Total, 12);
        Assert.Equal(values.Sum(), b.Total, 12);
        Assert.Equal(values.Min(), b.Min, 12);
        for (int i = 0; i < 37; i++) Assert.Equal(a[i], b[i]);
        for (double u = 0; u < b.Total; u += 0.37) Assert.Equal(a.Find(u), b.Find(u));
    }

    [Fact]
    public void Find_AtTheTopEdge_NeverReturnsAnEmptyLeaf()
    {
        var tree = new SumTree(5); // one node of 8 leaves, 3 of them padding
        tree.Set(0, 1);
        tree.Set(4, 0.5);
        Assert.Equal(4, tree.Find(Math.BitDecrement(tree.Total)));
        Assert.Equal(4, tree.Find(tree.Total)); // a hair past the end (rounding) still lands on a real leaf
        Assert.Equal(0, tree.Find(0));
    }

    [Fact]
    public void Find_OverSeveralLevels_MatchesALinearScan()
    {
        var tree = new SumTree(1000); // 8³ < 1000 ≤ 8⁴: four levels, the last padded
        var values = Enumerable.Range(0, 1000).Select(i => (double)(i % 7)).ToArray();
        tree.SetRange(0, values.AsSpan(0, 500));
        for (int i = 500; i < 1000; i++) tree.Set(i, values[i]);
        Assert.Equal(values.Sum(), tree.Total, 9);
        Assert.Equal(1.0, tree.Min);
        var rng = new Generator(9);
        for (int k = 0; k < 2000; k++)
        {
            double u = rng.NextDouble() * tree.Total, acc = 0;
            int expected = 0;
            while (acc + values[expected] <= u) acc += values[expected++];
            Assert.Equal(expected, tree.Find(u));
        }
    }

    [Fact]
    public void Set_NegativeOrNaN_IsRejected()
    {
        var tree = new SumTree(4);
        Assert.Throws<ArgumentOutOfRangeException>(() => tree.Set(0, -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => tree.Set(0, double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => tree.Set(4, 1));
    }

    [Fact]
    public void FindMany_AgreesWithFindForEveryPrefix_IncludingZeroLeavesAndTheEdges()
    {
        var rng = new Generator(3);
        var tree = new SumTree(1000);
        for (int i = 0; i < 1000; i++) tree.Set(i, i % 7 == 0 ? 0 : rng.NextDouble());
        double[] prefixes = [.. Enumerable.Range(0, 509).Select(_ => rng.NextDouble() * tree.Total), 0, Math.BitDecrement(tree.Total), tree.Total];
        var leaves = new int[prefixes.Length];

        tree.FindMany(prefixes, leaves, new double[prefixes.Length]);

        Assert.Equal(prefixes.Select(tree.Find), leaves);
        Assert.DoesNotContain(leaves, l => l % 7 == 0 && tree[l] == 0);
    }

    [Fact]
    public void ChildRun_SimdAndScalarAgree_OnRandomAndZeroChildren()
    {
        if (!System.Runtime.Intrinsics.X86.Avx2.IsSupported) return; // nothing to compare against on this CPU
        var rng = new Generator(11);
        var s = new double[8];
        for (int trial = 0; trial < 5000; trial++)
        {
            double total = 0;
            for (int c = 0; c < 8; c++) total += s[c] = rng.NextFloat() < 0.3f ? 0 : rng.NextDouble();
            double p = rng.NextDouble() * total * 1.05; // now and then a hair past the end
            var (scalarChild, scalarBefore) = SumTree.RunScalar(s, p);
            var (simdChild, simdBefore) = SumTree.RunAvx2(s, p);
            Assert.Equal(scalarChild, simdChild);
            Assert.Equal(scalarBefore, simdBefore, 12); // the two add in different orders
        }
    }
}
