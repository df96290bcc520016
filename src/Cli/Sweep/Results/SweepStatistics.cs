namespace AsyncRL.Cli.Sweep.Results;

/// <summary>Mean, spread and range of one quantity over seeds.</summary>
/// <param name="Count">Runs that report it.</param>
/// <param name="Std">Sample standard deviation (n − 1); null with one run.</param>
internal sealed record Spread(int Count, double Mean, double? Std, double Min, double Max)
{
    /// <summary>The spread of the finite values, or null when there are none.</summary>
    public static Spread? Of(IEnumerable<double?> values)
    {
        var v = values.Where(x => x is { } d && double.IsFinite(d)).Select(x => x!.Value).ToList();
        if (v.Count == 0) return null;
        double mean = v.Average();
        double? std = v.Count < 2 ? null : Math.Sqrt(v.Sum(x => (x - mean) * (x - mean)) / (v.Count - 1));
        return new Spread(v.Count, mean, std, v.Min(), v.Max());
    }
}

/// <summary>One algorithm (a series: the algorithm with its varied options, if any) at one N, over its seeds.</summary>
internal sealed record GridCell(string Algo, int N, int Runs, Spread? Score, Spread? Kl, Spread? Sft);

/// <summary>
/// How an algorithm's final score moves as N grows: the mean score at the smallest and largest N, the change
/// relative to the smallest (null when that score is too close to zero to divide by), and the least-squares slope
/// of the mean score against log₂ N (score per doubling of N).
/// </summary>
internal sealed record AlgoTrend(string Algo, int FirstN, double FirstScore, int LastN, double LastScore, double? RelativeChange, double SlopePerDoubling);

/// <summary>The grid's statistics, computed from the rows of results.csv.</summary>
internal static class SweepStatistics
{
    /// <summary>One cell per (series, N) that has runs, algorithms in the order given (their variants in the order run), N ascending.</summary>
    public static IReadOnlyList<GridCell> Cells(IReadOnlyList<RunResult> results, IReadOnlyList<string> algoOrder)
    {
        ArgumentNullException.ThrowIfNull(results);
        // Each series' first appearance in the results: the order its variant was run in.
        var seriesOrder = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var r in results) seriesOrder.TryAdd(r.Series, seriesOrder.Count);
        return
        [
            .. results.GroupBy(r => (r.Series, r.N))
                .OrderBy(g => Order(algoOrder, g.First().Algo)).ThenBy(g => seriesOrder[g.Key.Series]).ThenBy(g => g.Key.N)
                .Select(g => new GridCell(g.Key.Series, g.Key.N, g.Count(), Spread.Of(g.Select(r => r.FinalScore)),
                    Spread.Of(g.Select(r => r.KlToReference)), Spread.Of(g.Select(r => r.SftScore)))),
        ];
    }

    /// <summary>The trend of each algorithm with a score at two or more values of N.</summary>
    public static IReadOnlyList<AlgoTrend> Trends(IReadOnlyList<GridCell> cells)
    {
        ArgumentNullException.ThrowIfNull(cells);
        var trends = new List<AlgoTrend>();
        foreach (var algo in cells.Select(c => c.Algo).Distinct())
        {
            var points = cells.Where(c => c.Algo == algo && c.Score is not null).OrderBy(c => c.N).Select(c => (c.N, c.Score!.Mean)).ToList();
            if (points.Count < 2) continue;
            var (firstN, first) = points[0];
            var (lastN, last) = points[^1];
            double? relative = Math.Abs(first) < 1e-9 ? null : (last - first) / Math.Abs(first);
            trends.Add(new AlgoTrend(algo, firstN, first, lastN, last, relative, Slope([.. points.Select(p => (Math.Log2(p.N), p.Mean))])));
        }
        return trends;
    }

    /// <summary>The least-squares slope of y on x (0 when x does not vary).</summary>
    public static double Slope(IReadOnlyList<(double X, double Y)> points)
    {
        ArgumentNullException.ThrowIfNull(points);
        if (points.Count < 2) return 0;
        double mx = points.Average(p => p.X), my = points.Average(p => p.Y);
        double sxx = points.Sum(p => (p.X - mx) * (p.X - mx));
        return sxx == 0 ? 0 : points.Sum(p => (p.X - mx) * (p.Y - my)) / sxx;
    }

    private static int Order(IReadOnlyList<string> order, string algo)
    {
        int i = order.ToList().FindIndex(a => a.Equals(algo, StringComparison.OrdinalIgnoreCase));
        return i < 0 ? int.MaxValue : i;
    }
}
