using System.Globalization;
using System.Text;

namespace AsyncRL.Cli.Sweep.Results;

/// <summary>
/// <c>results.csv</c>: a header and one record per finished run, as RFC 4180 writes them (CRLF line ends; a field
/// holding a comma, quote or line break is quoted, with quotes doubled). Numbers use the invariant culture and
/// round-trip; a value a run does not report is an empty field.
/// </summary>
internal static class ResultsCsv
{
    public const string FileName = "results.csv";

    /// <summary>The columns, in order.</summary>
    public static readonly IReadOnlyList<string> Columns = ["algo", "n", "seed", "sft_score", "final_score", "kl_to_reference", "env_steps", "wall_s"];

    /// <summary>The whole file; a sweep that varies options has a column per varied option after the others.</summary>
    public static string Format(IEnumerable<RunResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        var rows = results.ToList();
        var varied = rows.SelectMany(r => r.Options.Settings.Select(p => p.Key)).Distinct(StringComparer.Ordinal).ToList();
        var text = new StringBuilder();
        AppendRecord(text, [.. Columns, .. varied]);
        foreach (var r in rows)
        {
            var options = r.Options.Settings.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
            AppendRecord(text,
            [
                r.Algo, Integer(r.N), Integer(r.Seed), Real(r.SftScore), Real(r.FinalScore), Real(r.KlToReference),
                r.EnvSteps is { } steps ? Integer(steps) : "", Real(r.WallSeconds), .. varied.Select(v => options.GetValueOrDefault(v, "")),
            ]);
        }
        return text.ToString();
    }

    /// <summary>Writes the file beside a temporary and renames it over, so a reader never sees half of it.</summary>
    public static void Write(string path, IEnumerable<RunResult> results)
    {
        File.WriteAllText(path + ".tmp", Format(results), new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        File.Move(path + ".tmp", path, overwrite: true);
    }

    /// <summary>One field, quoted when it must be.</summary>
    public static string Escape(string field)
    {
        ArgumentNullException.ThrowIfNull(field);
        return field.AsSpan().IndexOfAny(",\"\r\n") < 0 ? field : "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }

    private static void AppendRecord(StringBuilder text, IEnumerable<string> fields) =>
        text.AppendJoin(',', fields.Select(Escape)).Append("\r\n");

    private static string Integer<T>(T value) where T : IFormattable => value.ToString(null, CultureInfo.InvariantCulture);

    private static string Real(double? value) => value is { } v && double.IsFinite(v) ? v.ToString("R", CultureInfo.InvariantCulture) : "";
}
