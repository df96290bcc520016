using System.Globalization;
using System.Security;
using System.Text;

namespace AsyncRL.Cli.Sweep.Plotting;

/// <summary>The same drawing as SVG 1.1 elements: vector output for papers, text as text (a monospace font sized to the bitmap font's advance).</summary>
internal sealed class SvgCanvas : ICanvas
{
    private readonly StringBuilder _body = new();

    public SvgCanvas(int width, int height) => (Width, Height) = (width, height);

    public int Width { get; }

    public int Height { get; }

    /// <summary>The complete SVG document.</summary>
    public string ToSvg() =>
        $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" viewBox=\"0 0 {Width} {Height}\">\n" +
        $"<rect width=\"{Width}\" height=\"{Height}\" fill=\"#ffffff\"/>\n{_body}</svg>\n";

    public void FillRect(double x, double y, double width, double height, Rgba color) =>
        Append($"<rect x=\"{F(x)}\" y=\"{F(y)}\" width=\"{F(width)}\" height=\"{F(height)}\"{Fill(color)}/>");

    public void Line(double x0, double y0, double x1, double y1, Rgba color, double thickness, double dash = 0) =>
        Append($"<line x1=\"{F(x0)}\" y1=\"{F(y0)}\" x2=\"{F(x1)}\" y2=\"{F(y1)}\"{Stroke(color, thickness)}" +
            (dash > 0 ? $" stroke-dasharray=\"{F(dash)} {F(dash * 0.6)}\"" : "") + " stroke-linecap=\"round\"/>");

    public void FillPolygon(IReadOnlyList<(double X, double Y)> points, Rgba color) =>
        Append($"<polygon points=\"{Points(points)}\"{Fill(color)} fill-rule=\"evenodd\"/>");

    public void Marker(double x, double y, MarkerShape shape, double size, Rgba color, Rgba? outline = null)
    {
        double r = size / 2;
        string edge = outline is { } o ? Outline(o, 1.5) : "";
        Append(shape switch
        {
            MarkerShape.Circle => $"<circle cx=\"{F(x)}\" cy=\"{F(y)}\" r=\"{F(r)}\"{Fill(color)}{edge}/>",
            MarkerShape.Square => $"<rect x=\"{F(x - r)}\" y=\"{F(y - r)}\" width=\"{F(size)}\" height=\"{F(size)}\"{Fill(color)}{edge}/>",
            MarkerShape.Triangle => $"<polygon points=\"{Points([(x, y - r * 1.15), (x + r * 1.15, y + r * 0.85), (x - r * 1.15, y + r * 0.85)])}\"{Fill(color)}{edge}/>",
            MarkerShape.Diamond => $"<polygon points=\"{Points([(x, y - r * 1.3), (x + r * 1.3, y), (x, y + r * 1.3), (x - r * 1.3, y)])}\"{Fill(color)}{edge}/>",
            _ => $"<path d=\"M{F(x - r)} {F(y - r)}L{F(x + r)} {F(y + r)}M{F(x - r)} {F(y + r)}L{F(x + r)} {F(y - r)}\"{Stroke(color, Math.Max(2, size / 4))}/>",
        });
    }

    public void Text(double x, double y, string text, int scale, Rgba color, TextAlign align, bool vertical = false)
    {
        string anchor = align switch { TextAlign.Middle => "middle", TextAlign.End => "end", _ => "start" };
        string rotate = vertical ? $" transform=\"rotate(-90 {F(x)} {F(y)})\"" : "";
        // A monospace em is about 1/0.6 of its advance; the bitmap font advances 6 pixels per scale step.
        Append($"<text x=\"{F(x)}\" y=\"{F(y)}\" font-family=\"DejaVu Sans Mono, Menlo, Consolas, monospace\" font-size=\"{F(10 * scale)}\" " +
            $"text-anchor=\"{anchor}\" dominant-baseline=\"central\"{Fill(color)}{rotate}>{SecurityElement.Escape(text)}</text>");
    }

    private void Append(string element) => _body.Append(element).Append('\n');

    private static string Fill(Rgba c) => $" fill=\"{c.Hex}\"" + (c.A < 255 ? $" fill-opacity=\"{F(c.A / 255.0)}\"" : "");

    private static string Stroke(Rgba c, double width) => " fill=\"none\"" + Outline(c, width);

    private static string Outline(Rgba c, double width) =>
        $" stroke=\"{c.Hex}\" stroke-width=\"{F(width)}\"" + (c.A < 255 ? $" stroke-opacity=\"{F(c.A / 255.0)}\"" : "");

    private static string Points(IEnumerable<(double X, double Y)> points) => string.Join(' ', points.Select(p => $"{F(p.X)},{F(p.Y)}"));

    private static string F(double v) => Math.Round(v, 2).ToString(CultureInfo.InvariantCulture);
}
