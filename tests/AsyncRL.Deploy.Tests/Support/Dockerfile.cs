using System.Text.Json;
using System.Text.RegularExpressions;

namespace AsyncRL.Deploy.Tests.Support;

/// <summary>The instructions of a Dockerfile, stage by stage, with global ARG defaults substituted.</summary>
internal sealed partial class Dockerfile
{
    private Dockerfile(IReadOnlyList<Stage> stages) => Stages = stages;

    public IReadOnlyList<Stage> Stages { get; }

    public Stage this[string name] => Stages.SingleOrDefault(s => s.Name == name)
        ?? throw new Xunit.Sdk.XunitException($"the Dockerfile has no stage '{name}' (stages: {string.Join(", ", Stages.Select(s => s.Name))})");

    public sealed record Instruction(string Keyword, string Arguments)
    {
        /// <summary>The exec form <c>["a", "b"]</c>, parsed; null for the shell form.</summary>
        public string[]? ExecForm => Arguments.StartsWith('[') ? JsonSerializer.Deserialize<string[]>(Arguments) : null;

        /// <summary>The words of the shell form, flags (<c>--from=...</c>) included.</summary>
        public string[] Words => Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    public sealed record Stage(string Name, string BaseImage, IReadOnlyList<Instruction> Instructions)
    {
        public IEnumerable<Instruction> All(string keyword) => Instructions.Where(i => i.Keyword == keyword);

        public Instruction Last(string keyword) => All(keyword).LastOrDefault()
            ?? throw new Xunit.Sdk.XunitException($"stage {Name} has no {keyword}");
    }

    public static Dockerfile Load(string path)
    {
        var globalArgs = new Dictionary<string, string>(StringComparer.Ordinal);
        var stages = new List<Stage>();
        (string Name, string Image, List<Instruction> Body)? current = null;
        foreach (var line in LogicalLines(File.ReadAllLines(path)))
        {
            int space = line.IndexOf(' ', StringComparison.Ordinal);
            string keyword = (space < 0 ? line : line[..space]).ToUpperInvariant();
            string rest = space < 0 ? "" : line[(space + 1)..].Trim();
            rest = ArgReference().Replace(rest, m => globalArgs.GetValueOrDefault(m.Groups[1].Value, m.Value));
            if (keyword == "ARG" && current is null)
            {
                var parts = rest.Split('=', 2);
                globalArgs[parts[0]] = parts.Length > 1 ? parts[1] : "";
            }
            else if (keyword == "FROM")
            {
                if (current is { } done) stages.Add(new Stage(done.Name, done.Image, done.Body));
                var words = rest.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                current = (words.Length >= 3 && words[^2].Equals("AS", StringComparison.OrdinalIgnoreCase) ? words[^1] : $"#{stages.Count}", words[0], []);
            }
            else if (current is { } stage)
            {
                stage.Body.Add(new Instruction(keyword, rest));
            }
        }
        if (current is { } last) stages.Add(new Stage(last.Name, last.Image, last.Body));
        return new Dockerfile(stages);
    }

    /// <summary>Lines joined across backslash continuations, without comments and blank lines.</summary>
    private static IEnumerable<string> LogicalLines(IEnumerable<string> lines)
    {
        var pending = "";
        foreach (var raw in lines)
        {
            var line = raw.Trim();
            if (line.StartsWith('#') || line.Length == 0) continue;
            if (line.EndsWith('\\'))
            {
                pending += line[..^1].Trim() + " ";
                continue;
            }
            yield return pending + line;
            pending = "";
        }
        if (pending.Length > 0) yield return pending.Trim();
    }

    [GeneratedRegex(@"\$\{(\w+)\}")]
    private static partial Regex ArgReference();
}
