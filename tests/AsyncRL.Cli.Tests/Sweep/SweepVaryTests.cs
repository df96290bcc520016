using System.CommandLine;
using AsyncRL.Cli.Commands;
using AsyncRL.Cli.Configuration;
using AsyncRL.Cli.Sweep;
using AsyncRL.Cli.Sweep.Results;

namespace AsyncRL.Cli.Tests.Sweep;

/// <summary><c>asyncrl sweep --vary NAME=V1,V2</c>: train options crossed into the grid.</summary>
public sealed class SweepVaryTests
{
    private static SweepSettings Resolve(params string[] args)
    {
        var sweep = new SweepArgs();
        var command = new RootCommand();
        sweep.AddTo(command);
        return sweep.Resolve(new SettingSource(command.Parse(args), _ => null, configPath: null));
    }

    [Fact]
    public void Jobs_TwoAxes_CrossEveryValue_FirstAxisSlowest_WithTheOptionsInTheRunName()
    {
        var s = Resolve("--algo", "dpo", "--env", "arith", "--n", "16", "--seeds", "1", "--out", "sw",
            "--vary", "beta=0.05,0.1", "--vary", "lr=3e-5,1e-4,3e-4");

        var jobs = s.Jobs();

        Assert.Equal(6, jobs.Count);
        Assert.Equal(["beta=0.05 lr=3e-5", "beta=0.05 lr=1e-4", "beta=0.05 lr=3e-4", "beta=0.1 lr=3e-5", "beta=0.1 lr=1e-4", "beta=0.1 lr=3e-4"],
            jobs.Select(j => j.Options.Label));
        Assert.Equal("dpo-beta0.05-lr3e-5-n16-s1", jobs[0].Name);
        Assert.Equal(Path.Combine("sw", "runs", "dpo-beta0.1-lr3e-4-n16-s1"), jobs[^1].RunDir);
        Assert.Equal(jobs.Count, jobs.Select(j => j.Name).Distinct().Count());
    }

    [Fact]
    public void For_VariedJob_PassesItsOptionsToTrain()
    {
        var s = Resolve("--algo", "dpo", "--env", "arith", "--n", "16", "--seeds", "1", "--out", "sw", "--vary", "beta=0.3", "--train-arg", "lr-schedule=linear");

        var args = TrainArguments.For(s, s.Jobs()[0]);

        Assert.Equal(["--beta", "0.3", "--lr-schedule", "linear"], args.Skip(args.Count - 4));
    }

    [Fact]
    public void Jobs_WithoutVary_AreNamedAsBefore()
    {
        var s = Resolve("--algo", "ppo", "--n", "2", "--seeds", "1", "--out", "sw");

        Assert.Equal("ppo-n2-s1", Assert.Single(s.Jobs()).Name);
        Assert.Null(s.Jobs()[0].Variant);
    }

    [Theory]
    [InlineData("beta", "expected NAME=V1,V2")]
    [InlineData("bogus=1,2", "train has no option --bogus")]
    [InlineData("seed=1,2", "the sweep sets --seed itself")]
    [InlineData("beta=0.1,0.1", "a value is given twice")]
    [InlineData("beta=0.1,", "an empty item between commas")]
    [InlineData("beta=abc", "--vary beta=abc: Cannot parse")]
    public void Resolve_BadVary_IsAUsageErrorSayingWhy(string vary, string expected)
    {
        var e = Assert.Throws<CliUsageException>(() => Resolve("--algo", "dpo", "--env", "arith", "--n", "1", "--out", "sw", "--vary", vary));

        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_VaryingAnOptionTwiceOrAlsoSettingIt_IsAUsageError()
    {
        Assert.Contains("varied twice", Assert.Throws<CliUsageException>(() =>
            Resolve("--algo", "dpo", "--env", "arith", "--n", "1", "--out", "sw", "--vary", "beta=0.1", "--vary", "beta=0.2")).Message, StringComparison.Ordinal);
        Assert.Contains("--train-arg sets --beta", Assert.Throws<CliUsageException>(() =>
            Resolve("--algo", "dpo", "--env", "arith", "--n", "1", "--out", "sw", "--vary", "beta=0.1,0.2", "--train-arg", "beta=0.3")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ResultsCsv_VariedRuns_HaveAColumnPerVariedOption()
    {
        var variant = new SweepVariant([new("beta", "0.05"), new("lr", "1e-4")]);
        RunResult[] rows = [new("dpo", 16, 1, 0.4, 0.8, 1.5, 19200, 12.5, variant)];

        string csv = ResultsCsv.Format(rows);

        Assert.Equal("algo,n,seed,sft_score,final_score,kl_to_reference,env_steps,wall_s,beta,lr\r\ndpo,16,1,0.4,0.8,1.5,19200,12.5,0.05,1e-4\r\n", csv);
    }

    [Fact]
    public void Cells_GroupBySeries_SoEachVariantIsItsOwnLine()
    {
        var low = new SweepVariant([new("beta", "0.05")]);
        var high = new SweepVariant([new("beta", "0.3")]);
        RunResult[] rows =
        [
            new("dpo", 16, 1, 0.4, 0.5, 1, 1, 1, low), new("dpo", 16, 2, 0.4, 0.7, 1, 1, 1, low),
            new("dpo", 16, 1, 0.4, 0.9, 1, 1, 1, high),
        ];

        var cells = SweepStatistics.Cells(rows, ["dpo"]);

        Assert.Equal(["dpo beta=0.05", "dpo beta=0.3"], cells.Select(c => c.Algo));
        Assert.Equal([0.6, 0.9], cells.Select(c => Math.Round(c.Score!.Mean, 9)));
        Assert.Contains("| dpo beta=0.3 | 16 | 1 |", SweepReport.Format(new ReportContext(["dpo"], "arith", [16], 2, null), rows, []), StringComparison.Ordinal);
    }
}
