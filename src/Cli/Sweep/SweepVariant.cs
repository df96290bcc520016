using System.Text;

namespace AsyncRL.Cli.Sweep;

/// <summary>One axis a sweep varies besides algorithm, N and seed: a train option and its values (<c>--vary beta=0.05,0.1</c>).</summary>
internal sealed record SweepAxis(string Name, IReadOnlyList<string> Values);

/// <summary>
/// One combination of the varied options (empty without <c>--vary</c>): the train options it adds, the label its
/// series carries in tables and figures (<c>beta=0.05 lr=3e-5</c>) and the part it adds to run names.
/// </summary>
internal sealed record SweepVariant(IReadOnlyList<KeyValuePair<string, string>> Settings)
{
    public static SweepVariant None { get; } = new([]);

    /// <summary><c>name=value</c> pairs separated by spaces; empty for <see cref="None"/>.</summary>
    public string Label => string.Join(' ', Settings.Select(p => $"{p.Key}={p.Value}"));

    /// <summary>What run names carry: <c>-beta0.05-lr3e-5</c> (characters other than letters, digits, '.', '-' and '+' become '_').</summary>
    public string NamePart
    {
        get
        {
            var name = new StringBuilder();
            foreach (var (key, value) in Settings) name.Append('-').Append(Safe(key)).Append(Safe(value));
            return name.ToString();
        }
    }

    /// <summary>Every combination of the axes' values, the first axis slowest.</summary>
    public static IReadOnlyList<SweepVariant> Combinations(IReadOnlyList<SweepAxis> axes)
    {
        ArgumentNullException.ThrowIfNull(axes);
        IEnumerable<IReadOnlyList<KeyValuePair<string, string>>> combos = [[]];
        foreach (var axis in axes)
            combos = [.. combos.SelectMany(c => axis.Values.Select(v => (IReadOnlyList<KeyValuePair<string, string>>)[.. c, new(axis.Name, v)]))];
        return [.. combos.Select(c => new SweepVariant(c))];
    }

    // Records compare lists by reference; variants are compared by their settings.
    public bool Equals(SweepVariant? other) => other is not null && Settings.SequenceEqual(other.Settings);

    public override int GetHashCode() => Label.GetHashCode(StringComparison.Ordinal);

    private static string Safe(string text) => string.Concat(text.Select(ch => char.IsAsciiLetterOrDigit(ch) || ch is '.' or '-' or '+' ? ch : '_'));
}
