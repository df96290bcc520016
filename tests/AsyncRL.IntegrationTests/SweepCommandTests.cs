using System.Buffers.Binary;
using System.Text;

namespace AsyncRL.IntegrationTests;

/// <summary><c>asyncrl sweep</c> as a user runs it: real train processes, then results.csv, the plots and report.md.</summary>
public sealed class SweepCommandTests
{
    private static readonly string[] Grid = ["sweep", "--algo", "ppo,dqn", "--env", "cartpole", "--n", "1,2", "--seeds", "1", "--steps", "3000", "--parallel", "2"];

    [Fact]
    public async Task Sweep_TinyGrid_RecordsAFailedRunAndGoesOn_ThenResumesOnlyThatOne()
    {
        using var dir = RunDirectory.CreateTemp("sweep");
        // A directory where train wants its metrics file: that run fails at start, the others must not.
        Directory.CreateDirectory(Path.Combine(dir.Path, "runs", "dqn-n2-s1", "metrics.jsonl"));

        using (var first = CliProcess.Start(null, [.. Grid, "--out", dir.Path]))
        {
            Assert.True(await first.WaitForExitAsync(TimeSpan.FromMinutes(2)) == 1, first.Output);
            Assert.Contains("dqn-n2-s1: FAILED, exit code", first.Output, StringComparison.Ordinal);
        }
        var records = ReadCsv(Path.Combine(dir.Path, "results.csv"));
        Assert.Equal("algo,n,seed,sft_score,final_score,kl_to_reference,env_steps,wall_s", records[0]);
        Assert.Equal(["ppo,1,1", "ppo,2,1", "dqn,1,1"], records.Skip(1).Select(r => string.Join(',', r.Split(',')[..3])));
        Assert.All(records.Skip(1), r =>
        {
            var f = r.Split(',');
            Assert.Equal(8, f.Length);
            Assert.Equal("", f[3]);                                     // no SFT model on a control task
            Assert.True(double.TryParse(f[4], System.Globalization.CultureInfo.InvariantCulture, out _), r);
            Assert.Equal("", f[5]);                                     // nor a reference policy
            Assert.True(long.Parse(f[6], System.Globalization.CultureInfo.InvariantCulture) >= 3000, r);
        });
        string report = File.ReadAllText(Path.Combine(dir.Path, "report.md"));
        Assert.Contains("3 of 4 runs have results", report, StringComparison.Ordinal);
        Assert.Contains("`dqn-n2-s1`: exit code", report, StringComparison.Ordinal);
        Assert.Contains("| ppo | 2 | 1 |", report, StringComparison.Ordinal);
        Assert.Contains("![Final score against N](score_vs_n.png)", report, StringComparison.Ordinal);
        Assert.Contains("exited with code", File.ReadAllText(Path.Combine(dir.Path, "runs", "dqn-n2-s1", "train.log")), StringComparison.Ordinal);
        foreach (string image in new[] { "score_vs_n.png", "score_vs_kl.png" }) AssertPng(Path.Combine(dir.Path, image));
        Assert.StartsWith("<svg", File.ReadAllText(Path.Combine(dir.Path, "score_vs_n.svg")), StringComparison.Ordinal);

        // Resume: the blocker is gone; the three complete runs are skipped and only the failed one runs again.
        Directory.Delete(Path.Combine(dir.Path, "runs", "dqn-n2-s1", "metrics.jsonl"));
        using var second = CliProcess.Start(null, [.. Grid, "--out", dir.Path]);
        Assert.True(await second.WaitForExitAsync(TimeSpan.FromMinutes(2)) == 0, second.Output);
        Assert.Equal(3, second.Output.Split('\n').Count(l => l.EndsWith("already complete, skipped", StringComparison.Ordinal)));
        Assert.Contains("dqn-n2-s1: done", second.Output, StringComparison.Ordinal);
        Assert.Equal(5, ReadCsv(Path.Combine(dir.Path, "results.csv")).Count);
        Assert.Contains("4 of 4 runs have results", File.ReadAllText(Path.Combine(dir.Path, "report.md")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sweep_LanguageGrid_SharesOneSftModelPerSeed_AndFillsTheLanguageColumns()
    {
        using var dir = RunDirectory.CreateTemp("sweep-lm");
        using var cli = CliProcess.Start(null, "sweep", "--algo", "dpo,rloo", "--env", "arith", "--n", "1,4", "--seeds", "1", "--steps", "1280",
            "--parallel", "2", "--out", dir.Path);
        Assert.True(await cli.WaitForExitAsync(TimeSpan.FromMinutes(4)) == 0, cli.Output);

        var records = ReadCsv(Path.Combine(dir.Path, "results.csv"));
        Assert.Equal(["dpo,1,1", "dpo,4,1", "rloo,1,1", "rloo,4,1"], records.Skip(1).Select(r => string.Join(',', r.Split(',')[..3])).Order());
        var sft = records.Skip(1).Select(r => r.Split(',')[3]).Distinct().ToList();
        Assert.Single(sft); // every run started from the same SFT model, built once for the seed
        double sftScore = double.Parse(sft[0], System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(sftScore, 0.2, 0.6);
        Assert.All(records.Skip(1), r =>
        {
            var f = r.Split(',');
            Assert.True(double.Parse(f[4], System.Globalization.CultureInfo.InvariantCulture) > sftScore, r); // 20 updates already help
            Assert.True(double.Parse(f[5], System.Globalization.CultureInfo.InvariantCulture) > 0, r);        // and moved away from SFT
        });
        Assert.Single(Directory.GetDirectories(Path.Combine(dir.Path, "sft")));
        var staleness = new RunDirectory(Path.Combine(dir.Path, "runs", "rloo-n4-s1")).Metrics().Select(m => m.GetProperty("staleness_max").GetDouble()).ToList();
        Assert.Equal(3, staleness.Max()); // the 4th update of a cycle trains on samples 3 versions old
        foreach (string image in new[] { "score_vs_n.png", "score_vs_kl.png" }) AssertPng(Path.Combine(dir.Path, image));
        Assert.Contains("| rloo | 4 | 1 |", File.ReadAllText(Path.Combine(dir.Path, "report.md")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sweep_BadN_ExitsWithUsageErrorBeforeStartingAnything()
    {
        using var dir = RunDirectory.CreateTemp("sweep-bad");
        using var cli = CliProcess.Start(null, "sweep", "--algo", "ppo", "--n", "1,0", "--out", dir.Path);

        Assert.Equal(2, await cli.WaitForExitAsync(TimeSpan.FromMinutes(1)));
        Assert.Contains("--n 1,0: '0' is not a whole number of at least 1", cli.Output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(dir.Path, "runs")));
    }

    private static List<string> ReadCsv(string path)
    {
        string text = File.ReadAllText(path);
        Assert.EndsWith("\r\n", text, StringComparison.Ordinal);
        return [.. text.Split("\r\n")[..^1]];
    }

    private static void AssertPng(string path)
    {
        byte[] png = File.ReadAllBytes(path);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A], png[..8]);
        Assert.Equal("IHDR", Encoding.ASCII.GetString(png, 12, 4));
        Assert.Equal(1000, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)));
        Assert.Equal(620, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20)));
        Assert.True(png.Length > 5_000, $"{path}: {png.Length} bytes is too small for a drawn chart");
    }
}
