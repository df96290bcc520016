using AsyncRL.Cli.Sweep.Results;

namespace AsyncRL.Cli.Tests.Sweep;

public sealed class SweepStatisticsTests
{
    [Fact]
    public void SpreadOf_MeanSampleStdAndRange_SkippingMissing()
    {
        var s = Spread.Of([2.0, null, 4.0, 9.0, double.NaN])!;

        Assert.Equal(3, s.Count);
        Assert.Equal(5.0, s.Mean, 12);
        Assert.Equal(Math.Sqrt(13.0), s.Std!.Value, 12); // ((9 + 1 + 16) / 2)
        Assert.Equal((2.0, 9.0), (s.Min, s.Max));
    }

    [Fact]
    public void SpreadOf_OneValue_HasNoStd_AndNoneIsNull()
    {
        Assert.Null(Spread.Of([7.0])!.Std);
        Assert.Null(Spread.Of([null, null]));
    }

    [Fact]
    public void Slope_LeastSquares()
    {
        Assert.Equal(-3.0, SweepStatistics.Slope([(0, 10), (1, 7), (2, 4), (3, 1)]), 12);
        Assert.Equal(0.5, SweepStatistics.Slope([(0, 0), (1, 1), (2, 0), (3, 2)]), 12); // x̄ 1.5, ȳ 0.75
        Assert.Equal(0.0, SweepStatistics.Slope([(1, 3), (1, 5)]));
    }

    [Fact]
    public void Cells_GroupByAlgoAndN_InTheGivenAlgoOrder()
    {
        var results = new[]
        {
            Row("ppo", 2, 1, 80), Row("dqn", 1, 1, 40), Row("ppo", 1, 1, 100), Row("ppo", 1, 2, 120), Row("dqn", 1, 2, null),
        };

        var cells = SweepStatistics.Cells(results, ["ppo", "dqn"]);

        Assert.Equal([("ppo", 1), ("ppo", 2), ("dqn", 1)], cells.Select(c => (c.Algo, c.N)));
        Assert.Equal(110.0, cells[0].Score!.Mean);
        Assert.Equal(2, cells[2].Runs);
        Assert.Equal(1, cells[2].Score!.Count);
        Assert.Null(cells[0].Kl);
    }

    [Fact]
    public void Trends_RelativeChangeAndSlopePerDoublingOfN()
    {
        var results = new[] { Row("a", 1, 1, 100), Row("a", 2, 1, 90), Row("a", 4, 1, 80), Row("b", 1, 1, 0), Row("b", 4, 1, 5), Row("c", 8, 1, 3) };

        var trends = SweepStatistics.Trends(SweepStatistics.Cells(results, ["a", "b", "c"]));

        var a = trends.Single(t => t.Algo == "a");
        Assert.Equal((1, 100.0, 4, 80.0), (a.FirstN, a.FirstScore, a.LastN, a.LastScore));
        Assert.Equal(-0.2, a.RelativeChange!.Value, 12);
        Assert.Equal(-10.0, a.SlopePerDoubling, 12);
        Assert.Null(trends.Single(t => t.Algo == "b").RelativeChange); // a zero baseline has no relative change
        Assert.DoesNotContain(trends, t => t.Algo == "c");           // one N: no trend
    }

    internal static RunResult Row(string algo, int n, ulong seed, double? score, double? kl = null, double? sft = null) =>
        new(algo, n, seed, sft, score, kl, 1000, 1);
}
