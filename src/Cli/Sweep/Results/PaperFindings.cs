using System.Globalization;

namespace AsyncRL.Cli.Sweep.Results;

/// <summary>One of the "Asynchronous RLHF" paper's findings, checked against a grid.</summary>
/// <param name="Id">(a)–(d).</param>
/// <param name="Claim">What the paper finds.</param>
/// <param name="Reproduced">Whether the grid shows it; null when the grid cannot say (an algorithm or N missing).</param>
/// <param name="Evidence">The figures the verdict rests on.</param>
internal sealed record Finding(string Id, string Claim, bool? Reproduced, string Evidence);

/// <summary>
/// The paper's off-policyness findings (Noukhovitch et al., ICLR 2025) as tests on a sweep of the language algorithms:
/// (a) online DPO degrades least as N grows; (b) it still learns at the largest N (the paper's 64); (c) N = 1 and N = 2
/// are nearly identical; (d) PPO's runs at every N lie on one score-against-KL frontier (staleness moves a run along
/// it, to lower KL and score, rather than below it). Each verdict is a rule on the numbers, stated in its evidence.
/// </summary>
internal static class PaperFindings
{
    public const string Dpo = "dpo";
    public const string Ppo = "ppo-lm";
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    /// <summary>Whether the grid is one the findings are about: online DPO and at least one other language algorithm, without varied options.</summary>
    public static bool Apply(IReadOnlyList<RunResult> results) =>
        results.Any(r => r.Algo == Dpo) && results.Any(r => r.Algo is Ppo or "rloo") && results.All(r => r.Options.Settings.Count == 0);

    public static IReadOnlyList<Finding> Check(IReadOnlyList<RunResult> results, IReadOnlyList<GridCell> cells, IReadOnlyList<AlgoTrend> trends)
    {
        ArgumentNullException.ThrowIfNull(results);
        ArgumentNullException.ThrowIfNull(cells);
        ArgumentNullException.ThrowIfNull(trends);
        return [DegradesLeast(trends), StillLearns(cells), OneAndTwoAlike(cells), OneFrontier(results)];
    }

    /// <summary>(a): DPO's relative change from the smallest to the largest N is the highest of the algorithms.</summary>
    internal static Finding DegradesLeast(IReadOnlyList<AlgoTrend> trends)
    {
        const string claim = "Online DPO degrades least as N grows";
        var dpo = trends.FirstOrDefault(t => t.Algo == Dpo);
        if (dpo?.RelativeChange is null || trends.Count < 2 || trends.Any(t => t.RelativeChange is null))
            return new Finding("(a)", claim, null, "needs dpo and another algorithm with scores at two values of N");
        var ranked = trends.OrderByDescending(t => t.RelativeChange!.Value).ToList();
        string evidence = string.Create(C, $"change of the mean score from N = {dpo.FirstN} to N = {dpo.LastN}: ") +
            string.Join(", ", ranked.Select(t => $"{t.Algo} {Percent(t.RelativeChange!.Value)}")) + $"; rule: dpo's change is the least negative";
        return new Finding("(a)", claim, ranked[0].Algo == Dpo, evidence);
    }

    /// <summary>(b): at the largest N, DPO keeps at least half of its smallest-N gain over the SFT model.</summary>
    internal static Finding StillLearns(IReadOnlyList<GridCell> cells)
    {
        var dpo = cells.Where(c => c.Algo == Dpo && c.Score is not null).OrderBy(c => c.N).ToList();
        int largest = dpo.Count > 0 ? dpo[^1].N : 64;
        string claim = largest == 64 ? "Online DPO still learns at N = 64" : $"Online DPO still learns at the largest N ({largest}; the paper's is 64)";
        double? sft = Spread.Of(cells.Select(c => c.Sft?.Mean))?.Mean;
        if (dpo.Count < 2 || sft is null) return new Finding("(b)", claim, null, "needs dpo at two values of N and an SFT score");
        double first = dpo[0].Score!.Mean - sft.Value, last = dpo[^1].Score!.Mean - sft.Value;
        string evidence = string.Create(C,
            $"gain over SFT ({Num(sft.Value)}): {Signed(first)} at N = {dpo[0].N}, {Signed(last)} at N = {dpo[^1].N}") +
            (first > 0 ? string.Create(C, $" ({Math.Round(last / first * 100):F0} % of it)") : "") + "; rule: at least half the smallest-N gain kept";
        return new Finding("(b)", claim, first > 0 ? last >= 0.5 * first : null, evidence);
    }

    /// <summary>(c): for every algorithm, the N = 2 mean lies within one seed standard deviation of the N = 1 mean (the larger of the two).</summary>
    internal static Finding OneAndTwoAlike(IReadOnlyList<GridCell> cells)
    {
        const string claim = "N = 1 and N = 2 are nearly identical";
        var pairs = cells.GroupBy(c => c.Algo)
            .Select(g => (algo: g.Key, one: g.FirstOrDefault(c => c.N == 1)?.Score, two: g.FirstOrDefault(c => c.N == 2)?.Score))
            .Where(p => p.one is not null && p.two is not null).ToList();
        if (pairs.Count == 0 || pairs.Any(p => p.one!.Std is null || p.two!.Std is null))
            return new Finding("(c)", claim, null, "needs N = 1 and N = 2 with two or more seeds each");
        var parts = pairs.Select(p =>
        {
            double diff = p.two!.Mean - p.one!.Mean, noise = Math.Max(p.one.Std!.Value, p.two.Std!.Value);
            return (p.algo, alike: Math.Abs(diff) <= noise, text: string.Create(C, $"{p.algo} {Signed(diff)} (seed std {Num(noise)})"));
        }).ToList();
        return new Finding("(c)", claim, parts.All(p => p.alike),
            "mean at N = 2 minus N = 1: " + string.Join(", ", parts.Select(p => p.text)) + "; rule: every difference within the seed std");
    }

    /// <summary>
    /// (d): fit score = a + b·KL over all of PPO's runs; the runs of each N lie on that line when their mean residual
    /// is within two standard errors (the fit's residual std over √runs).
    /// </summary>
    internal static Finding OneFrontier(IReadOnlyList<RunResult> results)
    {
        const string claim = "PPO's runs at every N lie on one score-against-KL frontier";
        var runs = results.Where(r => r.Algo == Ppo && r.FinalScore is not null && r.KlToReference is not null)
            .Select(r => (r.N, X: r.KlToReference!.Value, Y: r.FinalScore!.Value)).ToList();
        if (runs.Select(r => r.N).Distinct().Count() < 2 || runs.Count < 4)
            return new Finding("(d)", claim, null, "needs ppo-lm runs with KL at two or more values of N");
        double b = SweepStatistics.Slope([.. runs.Select(r => (r.X, r.Y))]);
        double a = runs.Average(r => r.Y) - b * runs.Average(r => r.X);
        var residuals = runs.Select(r => (r.N, e: r.Y - (a + b * r.X))).ToList();
        double sd = Math.Sqrt(residuals.Sum(r => r.e * r.e) / Math.Max(1, residuals.Count - 2));
        var byN = residuals.GroupBy(r => r.N).OrderBy(g => g.Key)
            .Select(g => (n: g.Key, mean: g.Average(r => r.e), se: sd / Math.Sqrt(g.Count()))).ToList();
        bool on = byN.All(g => Math.Abs(g.mean) <= 2 * g.se + 1e-12);
        string evidence = string.Create(C, $"line score = {Num(a)} {(b >= 0 ? "+" : "−")} {Num(Math.Abs(b))}·KL, residual std {Num(sd)}; mean residual by N: ") +
            string.Join(", ", byN.Select(g => string.Create(C, $"N = {g.n} {Signed(g.mean)}"))) + "; rule: every N within two standard errors";
        return new Finding("(d)", claim, on, evidence);
    }

    private static string Num(double v) => Math.Abs(v) >= 1 ? v.ToString("F2", C) : v.ToString("G3", C);

    private static string Signed(double v) => (v >= 0 ? "+" : "−") + Num(Math.Abs(v));

    private static string Percent(double r) => (r >= 0 ? "+" : "−") + Math.Abs(r * 100).ToString("F1", C) + " %";
}
