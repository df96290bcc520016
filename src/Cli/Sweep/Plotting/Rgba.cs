namespace AsyncRL.Cli.Sweep.Plotting;

/// <summary>A colour with straight (not premultiplied) alpha.</summary>
internal readonly record struct Rgba(byte R, byte G, byte B, byte A = 255)
{
    public static readonly Rgba White = new(255, 255, 255);
    public static readonly Rgba Black = new(0, 0, 0);
    public static readonly Rgba Grid = new(225, 225, 225);
    public static readonly Rgba Axis = new(60, 60, 60);
    public static readonly Rgba Muted = new(110, 110, 110);

    /// <summary>The same colour at <paramref name="alpha"/> (0–255).</summary>
    public Rgba WithAlpha(byte alpha) => this with { A = alpha };

    /// <summary><c>#rrggbb</c>, for SVG.</summary>
    public string Hex => $"#{R:x2}{G:x2}{B:x2}";
}

/// <summary>Series colours that stay apart for the common kinds of colour blindness (the Okabe–Ito set, darkened yellow).</summary>
internal static class Palette
{
    private static readonly Rgba[] Colors =
    [
        new(0, 114, 178), new(213, 94, 0), new(0, 158, 115), new(204, 121, 167),
        new(86, 180, 233), new(230, 159, 0), new(120, 120, 40), new(0, 0, 0),
    ];

    /// <summary>The i-th series colour (cycling).</summary>
    public static Rgba Color(int i) => Colors[((i % Colors.Length) + Colors.Length) % Colors.Length];
}
