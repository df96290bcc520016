using AsyncRL.Cli.Sweep.Results;
using static AsyncRL.Cli.Tests.Sweep.SweepStatisticsTests;

namespace AsyncRL.Cli.Tests.Sweep;

public sealed class SweepReportTests
{
    private static readonly ReportContext Context = new(["ppo-lm", "dpo"], "arith", [1, 4, 16], 2, 20_000);

    // dpo keeps 90 % of its N = 1 score at N = 16; ppo-lm keeps 50 %.
    private static readonly RunResult[] Results =
    [
        Row("ppo-lm", 1, 1, 0.80, kl: 1.0, sft: 0.3), Row("ppo-lm", 1, 2, 0.60, kl: 1.2, sft: 0.3),
        Row("ppo-lm", 4, 1, 0.50, kl: 2.0, sft: 0.3), Row("ppo-lm", 4, 2, 0.50, kl: 2.2, sft: 0.3),
        Row("ppo-lm", 16, 1, 0.40, kl: 3.0, sft: 0.3), Row("ppo-lm", 16, 2, 0.30, kl: 3.4, sft: 0.3),
        Row("dpo", 1, 1, 0.50, kl: 0.5, sft: 0.3), Row("dpo", 1, 2, 0.50, kl: 0.7, sft: 0.3),
        Row("dpo", 4, 1, 0.48, kl: 0.6, sft: 0.3), Row("dpo", 4, 2, 0.46, kl: 0.8, sft: 0.3),
        Row("dpo", 16, 1, 0.45, kl: 0.9, sft: 0.3), Row("dpo", 16, 2, 0.45, kl: 1.1, sft: 0.3),
    ];

    [Fact]
    public void Format_NamesTheAlgorithmThatDegradesLeast_FromTheNumbers()
    {
        string report = SweepReport.Format(Context, Results, []);

        Assert.Contains("dpo degrades least as N grows", report, StringComparison.Ordinal);
        Assert.Contains("dpo -10.0 %, ppo-lm -50.0 %", report, StringComparison.Ordinal);
        Assert.Contains("ppo-lm: mean final score 0.7 at N = 1 and 0.35 at N = 16 (-50.0 %)", report, StringComparison.Ordinal);
    }

    [Fact]
    public void Format_TableHasMeanStdRangeAndKlPerCell()
    {
        string report = SweepReport.Format(Context, Results, []);

        // ppo-lm, N = 1: scores 0.8 and 0.6 → mean 0.7, std √0.02; KL 1.0 and 1.2 → 1.10 ± 0.141
        Assert.Contains("| ppo-lm | 1 | 2 | 0.7 ± 0.141 | 0.6 – 0.8 | 1.10 ± 0.141 |", report, StringComparison.Ordinal);
        Assert.Contains("12 of 12 runs have results", report, StringComparison.Ordinal);
        Assert.Contains("Mean KL to the reference by N (over algorithms): N = 1: 0.85, N = 4: 1.40, N = 16: 2.10.", report, StringComparison.Ordinal);
        Assert.Contains("![Final score against N](score_vs_n.png)", report, StringComparison.Ordinal);
        Assert.Contains("![Final score against KL to the reference](score_vs_kl.png)", report, StringComparison.Ordinal);
    }

    [Fact]
    public void Format_ReversedNumbers_NameTheOtherAlgorithm()
    {
        var swapped = Results.Select(r => r with { Algo = r.Algo == "dpo" ? "ppo-lm" : "dpo" }).ToArray();

        string report = SweepReport.Format(Context, swapped, []);

        Assert.Contains("ppo-lm degrades least as N grows", report, StringComparison.Ordinal);
    }

    [Fact]
    public void Format_RunsWithoutResults_AreListedWithTheirReason()
    {
        string report = SweepReport.Format(Context, Results[..4], [new MissingResult("dpo", 16, 2, "exit code 1: out of memory")]);

        Assert.Contains("4 of 5 runs have results", report, StringComparison.Ordinal);
        Assert.Contains("- `dpo-n16-s2`: exit code 1: out of memory", report, StringComparison.Ordinal);
    }

    [Fact]
    public void Statements_OneN_OneAlgorithm_NoKl_SayWhatCannotBeConcluded()
    {
        var cells = SweepStatistics.Cells([Row("ppo", 2, 1, 100)], ["ppo"]);

        var statements = SweepReport.Statements(cells, SweepStatistics.Trends(cells));

        Assert.Contains("Only one value of N has scores, so the grid shows no trend in N.", statements);
        Assert.Contains("1 of 1 cells have a single run: no spread over seeds there, so small differences may be noise.", statements);
        Assert.Contains(statements, s => s.StartsWith("No run reported kl_to_reference", StringComparison.Ordinal));
    }

    [Fact]
    public void Statements_OneAlgorithmDegrading_SaysByHowMuch()
    {
        var cells = SweepStatistics.Cells([Row("ppo", 1, 1, 400), Row("ppo", 8, 1, 100)], ["ppo"]);

        var statements = SweepReport.Statements(cells, SweepStatistics.Trends(cells));

        Assert.Contains("ppo degrades by 75.0 % as N grows from 1 to 8; with one algorithm there is nothing to rank.", statements);
    }
}
