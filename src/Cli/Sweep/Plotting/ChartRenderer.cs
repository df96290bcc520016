namespace AsyncRL.Cli.Sweep.Plotting;

/// <summary>
/// Lays a <see cref="Chart"/> out on a canvas: title, plot area with grid and ticks, series (bands under lines under
/// markers), dashed levels, axis labels, and the legend to the right. The same calls draw the PNG and the SVG.
/// </summary>
internal static class ChartRenderer
{
    private const int TextScale = 2;
    private const double Left = 110, Top = 78, BottomMargin = 74, LegendGap = 24;
    private static readonly double CharWidth = BitmapFont.Advance * TextScale;

    /// <summary>Draws <paramref name="chart"/> over the whole canvas.</summary>
    public static void Render(Chart chart, ICanvas canvas)
    {
        ArgumentNullException.ThrowIfNull(chart);
        ArgumentNullException.ThrowIfNull(canvas);
        var legend = LegendEntries(chart);
        double legendWidth = legend.Count == 0 ? 0 : legend.Max(e => e.Label.Length) * CharWidth + 60;
        var area = new Area(Left, Top, canvas.Width - legendWidth - LegendGap - 16, canvas.Height - BottomMargin);
        bool empty = !chart.Series.Any(s => s.Points.Count > 0);
        var x = Scale.For(chart.X, chart.Series.SelectMany(s => s.Points).Select(p => p.X), area.Left, area.Right, invert: false);
        var ys = chart.Series.SelectMany(s => s.Points).SelectMany(p => new[] { p.Y, p.Low ?? p.Y, p.High ?? p.Y }).Concat(chart.Levels.Select(l => l.Y));
        var y = Scale.For(chart.Y, ys, area.Top, area.Bottom, invert: true);

        canvas.Text(canvas.Width / 2.0, 24, chart.Title, TextScale, Rgba.Black, TextAlign.Middle);
        if (chart.Subtitle is { } subtitle) canvas.Text(canvas.Width / 2.0, 50, subtitle, TextScale, Rgba.Muted, TextAlign.Middle);
        DrawGrid(canvas, area, x, y);
        foreach (var series in chart.Series) DrawBand(canvas, series, x, y);
        foreach (var level in chart.Levels) canvas.Line(area.Left, y.Map(level.Y), area.Right, y.Map(level.Y), level.Color, 2, dash: 9);
        foreach (var series in chart.Series) DrawSeries(canvas, series, x, y);
        DrawFrame(canvas, area);
        canvas.Text((area.Left + area.Right) / 2, canvas.Height - 24, chart.X.Label, TextScale, Rgba.Black, TextAlign.Middle);
        canvas.Text(26, (area.Top + area.Bottom) / 2, chart.Y.Label, TextScale, Rgba.Black, TextAlign.Middle, vertical: true);
        if (empty) canvas.Text((area.Left + area.Right) / 2, (area.Top + area.Bottom) / 2, chart.EmptyNote, TextScale, Rgba.Muted, TextAlign.Middle);
        DrawLegend(canvas, legend, area.Right + LegendGap, area.Top);
    }

    private static void DrawGrid(ICanvas canvas, Area area, Scale x, Scale y)
    {
        foreach (var (value, label) in x.Ticks)
        {
            double px = x.Map(value);
            canvas.Line(px, area.Top, px, area.Bottom, Rgba.Grid, 1);
            canvas.Line(px, area.Bottom, px, area.Bottom + 6, Rgba.Axis, 1.5);
            canvas.Text(px, area.Bottom + 20, label, TextScale, Rgba.Axis, TextAlign.Middle);
        }
        foreach (var (value, label) in y.Ticks)
        {
            double py = y.Map(value);
            canvas.Line(area.Left, py, area.Right, py, Rgba.Grid, 1);
            canvas.Line(area.Left - 6, py, area.Left, py, Rgba.Axis, 1.5);
            canvas.Text(area.Left - 10, py, label, TextScale, Rgba.Axis, TextAlign.End);
        }
    }

    private static void DrawFrame(ICanvas canvas, Area area)
    {
        canvas.Line(area.Left, area.Top, area.Left, area.Bottom, Rgba.Axis, 1.5);
        canvas.Line(area.Left, area.Bottom, area.Right, area.Bottom, Rgba.Axis, 1.5);
        canvas.Line(area.Left, area.Top, area.Right, area.Top, Rgba.Axis.WithAlpha(90), 1);
        canvas.Line(area.Right, area.Top, area.Right, area.Bottom, Rgba.Axis.WithAlpha(90), 1);
    }

    private static void DrawBand(ICanvas canvas, ChartSeries series, Scale x, Scale y)
    {
        if (!series.Band || !series.Connect) return;
        var banded = series.Points.Where(p => p.Low is not null && p.High is not null).OrderBy(p => p.X).ToList();
        if (banded.Count < 2) return;
        var outline = banded.Select(p => (x.Map(p.X), y.Map(p.High!.Value)))
            .Concat(banded.AsEnumerable().Reverse().Select(p => (x.Map(p.X), y.Map(p.Low!.Value)))).ToList();
        canvas.FillPolygon(outline, series.Color.WithAlpha(48));
    }

    private static void DrawSeries(ICanvas canvas, ChartSeries series, Scale x, Scale y)
    {
        var points = series.Connect ? [.. series.Points.OrderBy(p => p.X)] : series.Points;
        if (series.Connect)
        {
            for (int i = 1; i < points.Count; i++)
                canvas.Line(x.Map(points[i - 1].X), y.Map(points[i - 1].Y), x.Map(points[i].X), y.Map(points[i].Y), series.Color, 2.5);
        }
        foreach (var p in points)
        {
            double px = x.Map(p.X);
            if (series.Band && (p.Low is { } low) && (p.High is { } high) && (!series.Connect || points.Count == 1))
            {
                // Error bars where there is no band to draw (unconnected points, or one point only).
                canvas.Line(px, y.Map(low), px, y.Map(high), series.Color, 1.5);
                canvas.Line(px - 5, y.Map(low), px + 5, y.Map(low), series.Color, 1.5);
                canvas.Line(px - 5, y.Map(high), px + 5, y.Map(high), series.Color, 1.5);
            }
            canvas.Marker(px, y.Map(p.Y), series.Marker, series.MarkerSize, series.Color, series.Outlined ? Rgba.Black : null);
        }
    }

    private static List<LegendEntry> LegendEntries(Chart chart) =>
    [
        .. chart.Series.Where(s => s.InLegend).Select(s => new LegendEntry(s.Label, s.Color, s.Connect ? LegendKind.Line : LegendKind.Marker, s.Marker)),
        .. chart.Levels.Select(l => new LegendEntry(l.Label, l.Color, LegendKind.Dashed, MarkerShape.Circle)),
    ];

    private static void DrawLegend(ICanvas canvas, List<LegendEntry> entries, double left, double top)
    {
        for (int i = 0; i < entries.Count; i++)
        {
            var e = entries[i];
            double cy = top + 12 + i * 26;
            if (e.Kind == LegendKind.Dashed) canvas.Line(left, cy, left + 32, cy, e.Color, 2, dash: 7);
            if (e.Kind == LegendKind.Line) canvas.Line(left, cy, left + 32, cy, e.Color, 2.5);
            if (e.Kind != LegendKind.Dashed) canvas.Marker(left + 16, cy, e.Marker, 9, e.Color);
            canvas.Text(left + 42, cy, e.Label, TextScale, Rgba.Black, TextAlign.Start);
        }
    }

    private enum LegendKind
    {
        Line,
        Marker,
        Dashed,
    }

    private sealed record LegendEntry(string Label, Rgba Color, LegendKind Kind, MarkerShape Marker);

    private sealed record Area(double Left, double Top, double Right, double Bottom);

    /// <summary>Data to pixels along one axis, with its ticks and their labels.</summary>
    private sealed class Scale
    {
        private readonly bool _log2;
        private readonly double _min, _max, _from, _to;

        private Scale(bool log2, double min, double max, double from, double to, IReadOnlyList<(double, string)> ticks) =>
            (_log2, _min, _max, _from, _to, Ticks) = (log2, min, max, from, to, ticks);

        public IReadOnlyList<(double Value, string Label)> Ticks { get; }

        public static Scale For(ChartAxis axis, IEnumerable<double> values, double low, double high, bool invert)
        {
            var finite = values.Where(v => double.IsFinite(v) && (!axis.Log2 || v > 0)).ToList();
            var (from, to) = invert ? (high, low) : (low, high);
            if (axis.Log2)
            {
                var exponents = finite.Count == 0 ? [0, 1] : AxisTicks.Log2Exponents(finite.Min(), finite.Max());
                var ticks = exponents.Select(e => (Math.Pow(2, e), AxisTicks.Label(Math.Pow(2, e), e >= 0 ? 1 : Math.Pow(2, e)))).ToList();
                return new Scale(true, exponents[0] - 0.35, exponents[^1] + 0.35, from, to, ticks);
            }
            var (min, max) = finite.Count == 0 ? (0.0, 1.0) : AxisTicks.Padded(finite.Min(), finite.Max());
            var (values2, step) = AxisTicks.Linear(min, max);
            return new Scale(false, min, max, from, to, [.. values2.Select(v => (v, AxisTicks.Label(v, step)))]);
        }

        public double Map(double value)
        {
            double v = _log2 ? Math.Log2(value) : value;
            return _from + (v - _min) / (_max - _min) * (_to - _from);
        }
    }
}
