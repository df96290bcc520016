using System.Globalization;
using System.Text;

namespace AsyncRL.Cli.Sweep.Results;

/// <summary>What a report is about: the grid as asked for.</summary>
internal sealed record ReportContext(IReadOnlyList<string> Algos, string Env, IReadOnlyList<int> Ns, int Seeds, long? Steps)
{
    /// <summary>The options the grid varied (<c>--vary</c>).</summary>
    public IReadOnlyList<SweepAxis> Vary { get; init; } = [];

    /// <summary>The train options every run had (<c>--train-arg</c>).</summary>
    public IReadOnlyList<string> TrainArgs { get; init; } = [];
}

/// <summary>
/// <c>report.md</c>: the grid as a table (mean ± std and range of the final score, and KL, per algorithm × N), which
/// algorithm degrades least as N grows (score at the largest N against the smallest, and the slope per doubling),
/// runs without results, and the figures. Every statement is computed from the results.
/// </summary>
internal static class SweepReport
{
    public const string FileName = "report.md";
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    public static string Format(ReportContext context, IReadOnlyList<RunResult> results, IReadOnlyList<MissingResult> missing)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(results);
        ArgumentNullException.ThrowIfNull(missing);
        var cells = SweepStatistics.Cells(results, context.Algos);
        var trends = SweepStatistics.Trends(cells);
        var md = new StringBuilder();
        md.Append(C, $"# Off-policyness sweep: {string.Join(", ", context.Algos)} on {context.Env}\n\n");
        md.Append(C, $"N ∈ {{{string.Join(", ", context.Ns)}}}, {context.Seeds} seed{(context.Seeds == 1 ? "" : "s")} per point");
        md.Append(context.Steps is { } steps ? string.Create(C, $", budget {steps:N0} env steps per run") : "");
        foreach (var axis in context.Vary) md.Append(C, $", --{axis.Name} ∈ {{{string.Join(", ", axis.Values)}}}");
        if (context.TrainArgs.Count > 0) md.Append(C, $"; every run with {string.Join(" ", context.TrainArgs.Select(a => "--" + a.Replace("=", " ", StringComparison.Ordinal)))}");
        md.Append(C, $". {results.Count} of {results.Count + missing.Count} runs have results.\n\n");

        md.Append("## Results\n\n| algo | N | runs | final score (mean ± std) | min – max | KL to reference (mean ± std) |\n|---|---:|---:|---:|---:|---:|\n");
        foreach (var c in cells)
        {
            md.Append(C, $"| {c.Algo} | {c.N} | {c.Runs} | {MeanStd(c.Score)} | ");
            md.Append(c.Score is { } s ? string.Create(C, $"{Num(s.Min)} – {Num(s.Max)}") : "–");
            md.Append(C, $" | {MeanStd(c.Kl)} |\n");
        }
        md.Append('\n');

        md.Append("## What the grid shows\n\n");
        foreach (string statement in Statements(cells, trends)) md.Append("- ").Append(statement).Append('\n');
        md.Append('\n');

        if (PaperFindings.Apply(results))
        {
            md.Append("## The paper's findings\n\n");
            md.Append("Noukhovitch et al., \"Asynchronous RLHF\" (ICLR 2025), on TL;DR summarisation; whether this grid shows each, by the rule given.\n\n");
            md.Append("| | finding | this grid | evidence |\n|---|---|---|---|\n");
            foreach (var f in PaperFindings.Check(results, cells, trends))
                md.Append(C, $"| {f.Id} | {f.Claim} | {f.Reproduced switch { true => "reproduced", false => "not reproduced", null => "cannot say" }} | {f.Evidence} |\n");
            md.Append('\n');
        }

        if (missing.Count > 0)
        {
            md.Append("## Runs without results\n\n");
            foreach (var m in missing) md.Append(C, $"- `{m.Name}`: {m.Reason}\n");
            md.Append('\n');
        }

        md.Append("## Figures\n\n");
        md.Append(C, $"![Final score against N]({SweepPlots.ScoreVsNName}.png)\n\n([SVG]({SweepPlots.ScoreVsNName}.svg))\n\n");
        md.Append(C, $"![Final score against KL to the reference]({SweepPlots.ScoreVsKlName}.png)\n\n([SVG]({SweepPlots.ScoreVsKlName}.svg))\n\n");
        var frontiers = SweepPlots.SeriesWithKl(results);
        if (frontiers.Count > 1)
        {
            md.Append("Each algorithm's own frontier: ");
            md.Append(string.Join(", ", frontiers.Select(s => $"[{s}]({SweepPlots.ScoreVsKlNameOf(s)}.png)")));
            md.Append(".\n\n");
        }
        md.Append(C, $"Per-run values: [results.csv](results.csv); each run's directory is `runs/<algo>{(context.Vary.Count > 0 ? "-<varied options>" : "")}-n<N>-s<seed>/`.\n");
        return md.ToString();
    }

    /// <summary>The findings, each a sentence computed from the cells and trends.</summary>
    public static IReadOnlyList<string> Statements(IReadOnlyList<GridCell> cells, IReadOnlyList<AlgoTrend> trends)
    {
        ArgumentNullException.ThrowIfNull(cells);
        ArgumentNullException.ThrowIfNull(trends);
        var lines = new List<string>();
        if (cells.All(c => c.Score is null))
        {
            lines.Add("No run has a final score yet: nothing to compare.");
            return lines;
        }
        foreach (var t in trends)
        {
            lines.Add(string.Create(C, $"{t.Algo}: mean final score {Num(t.FirstScore)} at N = {t.FirstN} and {Num(t.LastScore)} at N = {t.LastN}") +
                (t.RelativeChange is { } r ? string.Create(C, $" ({Percent(r)})") : "") +
                string.Create(C, $"; slope {Signed(t.SlopePerDoubling)} per doubling of N."));
        }
        if (trends.Count == 0)
        {
            lines.Add("Only one value of N has scores, so the grid shows no trend in N.");
        }
        else if (trends.Count == 1)
        {
            var t = trends[0];
            lines.Add(string.Create(C, $"{t.Algo} {Verb(t)} as N grows from {t.FirstN} to {t.LastN}; with one algorithm there is nothing to rank."));
        }
        else
        {
            // Rank by the change relative to the smallest N where every algorithm has one, else by the slope.
            bool relative = trends.All(t => t.RelativeChange is not null);
            var ranked = trends.OrderByDescending(t => relative ? t.RelativeChange!.Value : t.SlopePerDoubling).ThenBy(t => t.Algo, StringComparer.Ordinal).ToList();
            var best = ranked[0];
            string measure = relative ? "relative change of the mean final score from the smallest to the largest N" : "slope per doubling of N";
            string rises = (relative ? best.RelativeChange!.Value : best.SlopePerDoubling) > 0 ? ", its score even rises" : "";
            lines.Add(string.Create(C, $"{best.Algo} degrades least as N grows{rises} (by {measure}: ") +
                string.Join(", ", ranked.Select(t => string.Create(C, $"{t.Algo} {(relative ? Percent(t.RelativeChange!.Value) : Signed(t.SlopePerDoubling))}"))) + ").");
        }
        var noisy = cells.Where(c => c.Score is { Std: null }).ToList();
        if (noisy.Count > 0)
            lines.Add(string.Create(C, $"{noisy.Count} of {cells.Count} cells have a single run: no spread over seeds there, so small differences may be noise."));
        if (cells.All(c => c.Kl is null))
            lines.Add("No run reported kl_to_reference (control tasks have no reference policy), so the score-against-KL figure has no points.");
        else
        {
            var byN = cells.Where(c => c.Kl is not null).GroupBy(c => c.N).OrderBy(g => g.Key)
                .Select(g => string.Create(C, $"N = {g.Key}: {Num(g.Average(c => c.Kl!.Mean))}")).ToList();
            lines.Add("Mean KL to the reference by N (over algorithms): " + string.Join(", ", byN) + ".");
        }
        return lines;
    }

    private static string Verb(AlgoTrend t) => t.RelativeChange switch
    {
        { } r when r < -0.02 => string.Create(C, $"degrades by {Percent(-r).TrimStart('+')}"),
        { } r when r > 0.02 => string.Create(C, $"improves by {Percent(r).TrimStart('+')}"),
        { } => "holds its score within 2 %",
        null => string.Create(C, $"changes by {Signed(t.SlopePerDoubling)} per doubling"),
    };

    private static string MeanStd(Spread? s) => s is null ? "–" : s.Std is { } std ? $"{Num(s.Mean)} ± {Num(std)}" : Num(s.Mean);

    private static string Num(double v) => Math.Abs(v) >= 100 ? v.ToString("F1", C) : Math.Abs(v) >= 1 ? v.ToString("F2", C) : v.ToString("G3", C);

    private static string Signed(double v) => (v >= 0 ? "+" : "") + Num(v);

    private static string Percent(double r) => (r >= 0 ? "+" : "") + (r * 100).ToString("F1", C) + " %";
}
