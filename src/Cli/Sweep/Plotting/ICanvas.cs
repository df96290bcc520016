namespace AsyncRL.Cli.Sweep.Plotting;

/// <summary>Where text sits relative to its anchor point along its reading direction.</summary>
internal enum TextAlign
{
    Start,
    Middle,
    End,
}

/// <summary>Marker shapes, so series stay apart without colour too.</summary>
internal enum MarkerShape
{
    Circle,
    Square,
    Triangle,
    Diamond,
    Cross,
}

/// <summary>
/// The drawing operations a chart needs, in pixel coordinates (origin top left, y down). Implemented by a raster
/// canvas (PNG) and an SVG writer, so both images come from the same drawing code.
/// </summary>
internal interface ICanvas
{
    int Width { get; }

    int Height { get; }

    void FillRect(double x, double y, double width, double height, Rgba color);

    /// <summary>A straight line; <paramref name="dash"/> &gt; 0 draws dashes of that length with gaps of 0.6 × it.</summary>
    void Line(double x0, double y0, double x1, double y1, Rgba color, double thickness, double dash = 0);

    /// <summary>A filled polygon (even–odd rule).</summary>
    void FillPolygon(IReadOnlyList<(double X, double Y)> points, Rgba color);

    /// <summary>A marker centred on (x, y), <paramref name="size"/> pixels across; <paramref name="outline"/> rings it when given.</summary>
    void Marker(double x, double y, MarkerShape shape, double size, Rgba color, Rgba? outline = null);

    /// <summary>
    /// Text in the built-in 5 × 7 font at an integer <paramref name="scale"/>, vertically centred on <paramref name="y"/>
    /// (horizontal) or on <paramref name="x"/> (vertical: reading bottom to top).
    /// </summary>
    void Text(double x, double y, string text, int scale, Rgba color, TextAlign align, bool vertical = false);
}
