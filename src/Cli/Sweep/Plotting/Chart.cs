namespace AsyncRL.Cli.Sweep.Plotting;

/// <summary>A 2-D chart: axes, series, dashed reference levels, and a note shown when there is nothing to plot.</summary>
internal sealed record Chart(string Title, ChartAxis X, ChartAxis Y, IReadOnlyList<ChartSeries> Series)
{
    /// <summary>Horizontal dashed levels (e.g. the SFT model's score).</summary>
    public IReadOnlyList<ReferenceLevel> Levels { get; init; } = [];

    /// <summary>A line under the title (what the bands or marker sizes mean).</summary>
    public string? Subtitle { get; init; }

    /// <summary>Shown in the plot area when no series has a point.</summary>
    public string EmptyNote { get; init; } = "no data";
}

/// <summary>An axis: its label, and whether it is log base 2 (ticks at powers of two).</summary>
internal sealed record ChartAxis(string Label, bool Log2 = false);

/// <summary>One point; <see cref="Low"/>/<see cref="High"/> bound its band when the series draws one.</summary>
internal readonly record struct ChartPoint(double X, double Y, double? Low = null, double? High = null);

/// <summary>A series: points joined by a line (<see cref="Connect"/>) or not, each drawn with a marker, optionally over a band.</summary>
internal sealed record ChartSeries(string Label, Rgba Color, IReadOnlyList<ChartPoint> Points)
{
    public bool Connect { get; init; } = true;

    public MarkerShape Marker { get; init; } = MarkerShape.Circle;

    public double MarkerSize { get; init; } = 9;

    /// <summary>Draws the points' Low–High range as a translucent band (connected series) or as error bars.</summary>
    public bool Band { get; init; }

    /// <summary>Rings each marker in black (means over thinner per-run points).</summary>
    public bool Outlined { get; init; }

    /// <summary>Leaves the series out of the legend (e.g. per-run points whose mean has the entry).</summary>
    public bool InLegend { get; init; } = true;
}

/// <summary>A horizontal dashed line at <see cref="Y"/>.</summary>
internal sealed record ReferenceLevel(string Label, double Y, Rgba Color);
