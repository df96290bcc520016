using AsyncRL.Cli.Sweep.Results;
using static AsyncRL.Cli.Tests.Sweep.SweepStatisticsTests;

namespace AsyncRL.Cli.Tests.Sweep;

/// <summary>The paper's findings (a)–(d), each decided by its rule on made-up grids where the answer is known.</summary>
public sealed class PaperFindingsTests
{
    private const double Sft = 0.3;

    /// <summary>Three seeds of an algorithm at N: the scores given, KL given per seed.</summary>
    private static IEnumerable<RunResult> Cell(string algo, int n, double[] scores, double[] kls) =>
        scores.Select((s, i) => Row(algo, n, (ulong)i + 1, s, kl: kls[i], sft: Sft));

    // The paper's picture: dpo keeps most of its gain to N = 64, ppo-lm loses more; N = 1 and 2 alike; ppo-lm's stale
    // runs sit lower on the same line score = 0.3 + 0.2·KL.
    private static readonly RunResult[] PaperLike =
    [
        .. Cell("dpo", 1, [0.80, 0.82, 0.78], [1.0, 1.1, 0.9]),
        .. Cell("dpo", 2, [0.81, 0.79, 0.80], [1.0, 1.0, 1.1]),
        .. Cell("dpo", 64, [0.70, 0.72, 0.68], [0.8, 0.9, 0.8]),
        .. Cell("ppo-lm", 1, [0.70, 0.72, 0.68], [2.0, 2.1, 1.9]),
        .. Cell("ppo-lm", 2, [0.71, 0.69, 0.70], [2.05, 1.95, 2.0]),
        .. Cell("ppo-lm", 64, [0.50, 0.52, 0.48], [1.0, 1.1, 0.9]),
    ];

    private static IReadOnlyList<Finding> Check(IReadOnlyList<RunResult> results)
    {
        var cells = SweepStatistics.Cells(results, ["dpo", "ppo-lm", "rloo"]);
        return PaperFindings.Check(results, cells, SweepStatistics.Trends(cells));
    }

    [Fact]
    public void Check_PaperLikeGrid_ReproducesAllFour()
    {
        var findings = Check(PaperLike);

        Assert.Equal(["(a)", "(b)", "(c)", "(d)"], findings.Select(f => f.Id));
        Assert.All(findings, f => Assert.True(f.Reproduced, $"{f.Id}: {f.Evidence}"));
        Assert.Contains("dpo −12.5 %, ppo-lm −28.6 %", findings[0].Evidence, StringComparison.Ordinal);
        Assert.Contains("(80 % of it)", findings[1].Evidence, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_DpoCollapsingAtLargeN_FailsAAndB()
    {
        RunResult[] collapsed = [.. PaperLike.Select(r => r.Algo == "dpo" && r.N == 64 ? r with { FinalScore = r.FinalScore - 0.35 } : r)];

        var findings = Check(collapsed);

        Assert.False(findings[0].Reproduced);
        Assert.False(findings[1].Reproduced);
        Assert.True(findings[2].Reproduced);
    }

    [Fact]
    public void Check_NTwoFarFromNOne_FailsC()
    {
        RunResult[] apart = [.. PaperLike.Select(r => r.Algo == "ppo-lm" && r.N == 2 ? r with { FinalScore = r.FinalScore - 0.2 } : r)];

        var c = Check(apart)[2];

        Assert.False(c.Reproduced);
        Assert.Contains("ppo-lm −0.2 (seed std", c.Evidence, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_StaleRunsBelowTheLine_FailsD()
    {
        // ppo-lm at N = 64 keeps the KL of N = 1 but scores 0.2 lower: off the frontier, not along it.
        RunResult[] below = [.. PaperLike.Select(r => r.Algo == "ppo-lm" && r.N == 64 ? r with { KlToReference = r.KlToReference + 1.0 } : r)];

        var d = Check(below)[3];

        Assert.False(d.Reproduced, d.Evidence);
    }

    [Fact]
    public void Check_MissingAlgorithmsOrNs_CannotSay()
    {
        RunResult[] dpoOnlyAtOneN = [.. Cell("dpo", 1, [0.8, 0.8, 0.8], [1, 1, 1]), .. Cell("rloo", 1, [0.7, 0.7, 0.7], [1, 1, 1])];

        Assert.All(Check(dpoOnlyAtOneN), f => Assert.Null(f.Reproduced));
    }

    [Fact]
    public void Report_LanguageGrid_HasTheFindingsTable_AControlGridHasNone()
    {
        var context = new ReportContext(["dpo", "ppo-lm"], "gold-rm", [1, 2, 64], 3, null);

        string report = SweepReport.Format(context, PaperLike, []);
        string control = SweepReport.Format(context with { Algos = ["ppo"] }, [.. PaperLike.Select(r => r with { Algo = "ppo" })], []);

        Assert.Contains("## The paper's findings", report, StringComparison.Ordinal);
        Assert.Contains("| (a) | Online DPO degrades least as N grows | reproduced |", report, StringComparison.Ordinal);
        Assert.Contains("[ppo-lm](score_vs_kl_ppo-lm.png)", report, StringComparison.Ordinal);
        Assert.DoesNotContain("The paper's findings", control, StringComparison.Ordinal);
    }
}
