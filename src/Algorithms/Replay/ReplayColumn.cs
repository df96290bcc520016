namespace AsyncRL.Algorithms.Replay;

/// <summary>One column of a replay store: <paramref name="Width"/> floats per row (integers such as actions are stored exactly up to 2²⁴).</summary>
/// <param name="Name">The column's name (<c>obs</c>, <c>action</c>, …).</param>
/// <param name="Width">Floats per row.</param>
public sealed record ReplayColumn(string Name, int Width)
{
    /// <summary>Throws when the columns are empty, unnamed, repeated or of zero width.</summary>
    public static void Validate(IReadOnlyList<ReplayColumn> columns)
    {
        ArgumentNullException.ThrowIfNull(columns);
        if (columns.Count == 0) throw new ArgumentException("Replay: needs at least one column.", nameof(columns));
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var c in columns)
        {
            if (c is null || string.IsNullOrEmpty(c.Name)) throw new ArgumentException("Replay: every column needs a name.", nameof(columns));
            if (c.Width < 1) throw new ArgumentException($"Replay: column '{c.Name}' has width {c.Width}; it must be at least 1.", nameof(columns));
            if (!names.Add(c.Name)) throw new ArgumentException($"Replay: column '{c.Name}' appears twice.", nameof(columns));
        }
    }
}
