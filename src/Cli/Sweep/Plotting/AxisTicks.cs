namespace AsyncRL.Cli.Sweep.Plotting;

/// <summary>Axis ranges and tick positions: "nice" steps of 1, 2 or 5 × 10ᵏ on linear axes, powers of two on log₂ axes.</summary>
internal static class AxisTicks
{
    /// <summary>A range padded by 5 % each side (a single value gets ±1, or ±5 % of itself).</summary>
    public static (double Min, double Max) Padded(double min, double max)
    {
        if (min == max)
        {
            double pad = min == 0 ? 1 : Math.Abs(min) * 0.05;
            return (min - pad, max + pad);
        }
        double margin = (max - min) * 0.05;
        return (min - margin, max + margin);
    }

    /// <summary>About <paramref name="target"/> ticks at a nice step covering [min, max], and the step.</summary>
    public static (IReadOnlyList<double> Ticks, double Step) Linear(double min, double max, int target = 6)
    {
        if (!(max > min)) throw new ArgumentException($"Axis range [{min}, {max}] is empty.");
        double raw = (max - min) / Math.Max(1, target);
        double magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        double step = new[] { 1.0, 2.0, 5.0, 10.0 }.Select(m => m * magnitude).First(s => s >= raw);
        var ticks = new List<double>();
        for (double t = Math.Ceiling(min / step) * step; t <= max + step * 1e-9; t += step)
            ticks.Add(Math.Abs(t) < step * 1e-9 ? 0 : t);
        return (ticks, step);
    }

    /// <summary>Exponents of the powers of two from ⌊log₂ min⌋ to ⌈log₂ max⌉ (both positive).</summary>
    public static IReadOnlyList<int> Log2Exponents(double min, double max)
    {
        if (!(min > 0) || !(max >= min)) throw new ArgumentException($"A log axis needs 0 < min ≤ max, got [{min}, {max}].");
        int low = (int)Math.Floor(Math.Log2(min)), high = (int)Math.Ceiling(Math.Log2(max));
        if (high == low) high = low + 1;
        return [.. Enumerable.Range(low, high - low + 1)];
    }

    /// <summary>A tick label with as many decimals as the step needs (invariant culture).</summary>
    public static string Label(double value, double step)
    {
        int decimals = step >= 1 ? 0 : Math.Min(6, (int)Math.Ceiling(-Math.Log10(step) - 1e-9));
        return value.ToString("F" + decimals, System.Globalization.CultureInfo.InvariantCulture);
    }
}
