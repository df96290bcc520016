using AsyncRL.Cli.Sweep.Plotting;

namespace AsyncRL.Cli.Sweep.Results;

/// <summary>The study's two figures: final score against N per algorithm, and score against KL per N (the Pareto view).</summary>
internal static class SweepPlots
{
    public const string ScoreVsNName = "score_vs_n";
    public const string ScoreVsKlName = "score_vs_kl";
    private const int Width = 1000, Height = 620;
    private static readonly MarkerShape[] Markers = [MarkerShape.Circle, MarkerShape.Square, MarkerShape.Triangle, MarkerShape.Diamond, MarkerShape.Cross];

    /// <summary>Mean final score against N (log₂ axis) per algorithm, a min–max band over seeds, SFT levels dashed.</summary>
    public static Chart ScoreVsN(IReadOnlyList<GridCell> cells, string env)
    {
        ArgumentNullException.ThrowIfNull(cells);
        var algos = cells.Select(c => c.Algo).Distinct().ToList();
        var series = algos.Select((algo, i) => new ChartSeries(algo, Palette.Color(i),
            [.. cells.Where(c => c.Algo == algo && c.Score is not null).Select(c => new ChartPoint(c.N, c.Score!.Mean, c.Score.Min, c.Score.Max))])
        {
            Band = true,
            Marker = Markers[i % Markers.Length],
        }).ToList();
        var levels = algos.Select((algo, i) => (algo, i, sft: Spread.Of(cells.Where(c => c.Algo == algo).Select(c => c.Sft?.Mean))))
            .Where(a => a.sft is not null).Select(a => new ReferenceLevel($"{a.algo} SFT", a.sft!.Mean, Palette.Color(a.i))).ToList();
        // Runs of a seed share one SFT model, so the algorithms' levels usually coincide: one line then.
        if (levels.Count > 1 && levels.All(l => Math.Abs(l.Y - levels[0].Y) <= 1e-9 * Math.Max(1, Math.Abs(l.Y))))
            levels = [new ReferenceLevel("SFT", levels[0].Y, Rgba.Muted)];
        return new Chart($"Final score against N ({env})", new ChartAxis("N: updates per policy version (log2)", Log2: true), new ChartAxis("final score"), series)
        {
            Levels = levels,
            Subtitle = "line: mean over seeds; band: min-max over seeds",
            EmptyNote = "no run has a final score",
        };
    }

    /// <summary>The file name of one series' score-against-KL figure: <c>score_vs_kl_dpo</c>.</summary>
    public static string ScoreVsKlNameOf(string series) =>
        ScoreVsKlName + "_" + string.Concat(series.Select(ch => char.IsAsciiLetterOrDigit(ch) || ch is '.' or '-' ? ch : '_'));

    /// <summary>The series (algorithms, with their varied options) that have runs with a KL, in the order of the results.</summary>
    public static IReadOnlyList<string> SeriesWithKl(IReadOnlyList<RunResult> results) =>
        [.. results.Where(r => r.KlToReference is not null && r.FinalScore is not null).Select(r => r.Series).Distinct()];

    /// <summary>Final score against KL to the reference: every run small, each N's mean large and ringed; <paramref name="seriesName"/> names what the runs are when they are one series.</summary>
    public static Chart ScoreVsKl(IReadOnlyList<RunResult> results, string env, string? seriesName = null)
    {
        ArgumentNullException.ThrowIfNull(results);
        var withKl = results.Where(r => r.KlToReference is not null && r.FinalScore is not null).ToList();
        var series = new List<ChartSeries>();
        var ns = withKl.Select(r => r.N).Distinct().Order().ToList();
        for (int i = 0; i < ns.Count; i++)
        {
            var runs = withKl.Where(r => r.N == ns[i]).ToList();
            var (color, marker) = (Palette.Color(i), Markers[i % Markers.Length]);
            series.Add(new ChartSeries($"N = {ns[i]} runs", color.WithAlpha(140), [.. runs.Select(r => new ChartPoint(r.KlToReference!.Value, r.FinalScore!.Value))])
            {
                Connect = false, Marker = marker, MarkerSize = 7, InLegend = false,
            });
            series.Add(new ChartSeries($"N = {ns[i]}", color, [new ChartPoint(runs.Average(r => r.KlToReference!.Value), runs.Average(r => r.FinalScore!.Value))])
            {
                Connect = false, Marker = marker, MarkerSize = 15, Outlined = true,
            });
        }
        return new Chart($"Final score against KL to the reference ({env}{(seriesName is null ? "" : ", " + seriesName)})", new ChartAxis("KL to reference"), new ChartAxis("final score"), series)
        {
            Subtitle = "small: one run; large: mean per N",
            EmptyNote = "no run reported kl_to_reference",
        };
    }

    /// <summary>Writes <c>NAME.png</c> and <c>NAME.svg</c> into <paramref name="directory"/>; returns the PNG's path.</summary>
    public static string Write(Chart chart, string directory, string name)
    {
        var raster = new RasterCanvas(Width, Height);
        ChartRenderer.Render(chart, raster);
        var svg = new SvgCanvas(Width, Height);
        ChartRenderer.Render(chart, svg);
        string png = Path.Combine(directory, name + ".png");
        File.WriteAllBytes(png, raster.ToPng());
        File.WriteAllText(Path.Combine(directory, name + ".svg"), svg.ToSvg());
        return png;
    }
}
