namespace AsyncRL.Cli.Sweep.Plotting;

/// <summary>
/// An RGBA pixel canvas on a white background. Lines and round markers are anti-aliased by their distance to the
/// pixel centre; polygons fill by scanline; text is the built-in bitmap font scaled by whole pixels.
/// </summary>
internal sealed class RasterCanvas : ICanvas
{
    private readonly byte[] _pixels;

    public RasterCanvas(int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        (Width, Height) = (width, height);
        _pixels = new byte[checked(width * height * 4)];
        FillRect(0, 0, width, height, Rgba.White);
    }

    public int Width { get; }

    public int Height { get; }

    /// <summary>The pixels, row-major RGBA.</summary>
    public ReadOnlySpan<byte> Pixels => _pixels;

    /// <summary>The image as a PNG file.</summary>
    public byte[] ToPng() => PngEncoder.Encode(Width, Height, _pixels);

    public void FillRect(double x, double y, double width, double height, Rgba color)
    {
        int x0 = Math.Max(0, (int)Math.Round(x)), y0 = Math.Max(0, (int)Math.Round(y));
        int x1 = Math.Min(Width, (int)Math.Round(x + width)), y1 = Math.Min(Height, (int)Math.Round(y + height));
        for (int py = y0; py < y1; py++)
            for (int px = x0; px < x1; px++) Blend(px, py, color, 1);
    }

    public void Line(double x0, double y0, double x1, double y1, Rgba color, double thickness, double dash = 0)
    {
        if (dash <= 0)
        {
            Segment(x0, y0, x1, y1, color, thickness);
            return;
        }
        double length = Math.Sqrt((x1 - x0) * (x1 - x0) + (y1 - y0) * (y1 - y0));
        if (length == 0) return;
        double ux = (x1 - x0) / length, uy = (y1 - y0) / length;
        for (double s = 0; s < length; s += dash * 1.6)
        {
            double e = Math.Min(length, s + dash);
            Segment(x0 + ux * s, y0 + uy * s, x0 + ux * e, y0 + uy * e, color, thickness);
        }
    }

    public void FillPolygon(IReadOnlyList<(double X, double Y)> points, Rgba color)
    {
        if (points.Count < 3) return;
        double top = points.Min(p => p.Y), bottom = points.Max(p => p.Y);
        var crossings = new List<double>();
        for (int py = Math.Max(0, (int)Math.Floor(top)); py <= Math.Min(Height - 1, (int)Math.Ceiling(bottom)); py++)
        {
            double sy = py + 0.5;
            crossings.Clear();
            for (int i = 0; i < points.Count; i++)
            {
                var (ax, ay) = points[i];
                var (bx, by) = points[(i + 1) % points.Count];
                if ((ay <= sy && by > sy) || (by <= sy && ay > sy)) crossings.Add(ax + (sy - ay) / (by - ay) * (bx - ax));
            }
            crossings.Sort();
            for (int i = 0; i + 1 < crossings.Count; i += 2)
            {
                int from = Math.Max(0, (int)Math.Ceiling(crossings[i] - 0.5)), to = Math.Min(Width - 1, (int)Math.Floor(crossings[i + 1] - 0.5));
                for (int px = from; px <= to; px++) Blend(px, py, color, 1);
            }
        }
    }

    public void Marker(double x, double y, MarkerShape shape, double size, Rgba color, Rgba? outline = null)
    {
        double r = size / 2;
        switch (shape)
        {
            case MarkerShape.Circle:
                if (outline is { } ring) Disc(x, y, r + 1.2, ring);
                Disc(x, y, r, color);
                break;
            case MarkerShape.Cross:
                Segment(x - r, y - r, x + r, y + r, color, Math.Max(2, size / 4));
                Segment(x - r, y + r, x + r, y - r, color, Math.Max(2, size / 4));
                break;
            default:
                var shapePoints = Outline(shape, x, y, r);
                if (outline is { } edge) FillPolygon(Outline(shape, x, y, r + 1.5), edge);
                FillPolygon(shapePoints, color);
                break;
        }
    }

    public void Text(double x, double y, string text, int scale, Rgba color, TextAlign align, bool vertical = false)
    {
        ArgumentNullException.ThrowIfNull(text);
        int length = BitmapFont.MeasureWidth(text) * scale;
        double offset = align switch { TextAlign.Middle => length / 2.0, TextAlign.End => length, _ => 0 };
        double half = BitmapFont.Height * scale / 2.0;
        for (int i = 0; i < text.Length; i++)
        {
            for (int gy = 0; gy < BitmapFont.Height; gy++)
            {
                for (int gx = 0; gx < BitmapFont.Width; gx++)
                {
                    if (!BitmapFont.IsSet(text[i], gx, gy)) continue;
                    double along = i * BitmapFont.Advance * scale + gx * scale - offset; // along the reading direction
                    double across = gy * scale - half;                                    // from the top of the glyph
                    if (vertical) FillRect(x + across, y - along - scale, scale, scale, color);
                    else FillRect(x + along, y + across, scale, scale, color);
                }
            }
        }
    }

    private static List<(double, double)> Outline(MarkerShape shape, double x, double y, double r) => shape switch
    {
        MarkerShape.Square => [(x - r, y - r), (x + r, y - r), (x + r, y + r), (x - r, y + r)],
        MarkerShape.Triangle => [(x, y - r * 1.15), (x + r * 1.15, y + r * 0.85), (x - r * 1.15, y + r * 0.85)],
        _ => [(x, y - r * 1.3), (x + r * 1.3, y), (x, y + r * 1.3), (x - r * 1.3, y)],
    };

    private void Disc(double cx, double cy, double r, Rgba color)
    {
        for (int py = Math.Max(0, (int)(cy - r - 1)); py <= Math.Min(Height - 1, (int)(cy + r + 1)); py++)
        {
            for (int px = Math.Max(0, (int)(cx - r - 1)); px <= Math.Min(Width - 1, (int)(cx + r + 1)); px++)
            {
                double d = Math.Sqrt((px + 0.5 - cx) * (px + 0.5 - cx) + (py + 0.5 - cy) * (py + 0.5 - cy));
                Blend(px, py, color, Math.Clamp(r + 0.5 - d, 0, 1));
            }
        }
    }

    /// <summary>A capsule of width <paramref name="thickness"/>: coverage falls off over the pixel at its edge.</summary>
    private void Segment(double x0, double y0, double x1, double y1, Rgba color, double thickness)
    {
        double half = thickness / 2;
        int left = Math.Max(0, (int)Math.Floor(Math.Min(x0, x1) - half - 1)), right = Math.Min(Width - 1, (int)Math.Ceiling(Math.Max(x0, x1) + half + 1));
        int top = Math.Max(0, (int)Math.Floor(Math.Min(y0, y1) - half - 1)), bottom = Math.Min(Height - 1, (int)Math.Ceiling(Math.Max(y0, y1) + half + 1));
        double dx = x1 - x0, dy = y1 - y0, lengthSquared = dx * dx + dy * dy;
        for (int py = top; py <= bottom; py++)
        {
            for (int px = left; px <= right; px++)
            {
                double qx = px + 0.5 - x0, qy = py + 0.5 - y0;
                double t = lengthSquared == 0 ? 0 : Math.Clamp((qx * dx + qy * dy) / lengthSquared, 0, 1);
                double ex = qx - t * dx, ey = qy - t * dy;
                double coverage = Math.Clamp(half + 0.5 - Math.Sqrt(ex * ex + ey * ey), 0, 1);
                if (coverage > 0) Blend(px, py, color, coverage);
            }
        }
    }

    private void Blend(int x, int y, Rgba color, double coverage)
    {
        double a = color.A / 255.0 * coverage;
        if (a <= 0) return;
        int i = (y * Width + x) * 4;
        _pixels[i] = Mix(_pixels[i], color.R, a);
        _pixels[i + 1] = Mix(_pixels[i + 1], color.G, a);
        _pixels[i + 2] = Mix(_pixels[i + 2], color.B, a);
        _pixels[i + 3] = 255;
    }

    private static byte Mix(byte under, byte over, double a) => (byte)Math.Round(under + (over - under) * a);
}
