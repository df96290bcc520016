using AsyncRL.Cli.Sweep.Results;

namespace AsyncRL.Cli.Tests.Sweep;

public sealed class ResultsCsvTests
{
    [Fact]
    public void Format_HeaderIsExactlyTheContractColumns()
    {
        var records = Csv.Parse(ResultsCsv.Format([]));

        Assert.Equal(["algo", "n", "seed", "sft_score", "final_score", "kl_to_reference", "env_steps", "wall_s"], Assert.Single(records));
    }

    [Fact]
    public void Format_MissingValues_AreEmptyFields_AndNumbersRoundTripInvariant()
    {
        var rows = new[]
        {
            new RunResult("ppo", 4, 2, null, 478.25, null, 80_000, 5.6402761),
            new RunResult("dpo", 32, 18446744073709551615, 0.125, 0.1 + 0.2, 3.5e-7, null, null),
        };

        var records = Csv.Parse(ResultsCsv.Format(rows));

        Assert.Equal(3, records.Count);
        Assert.Equal(["ppo", "4", "2", "", "478.25", "", "80000", "5.6402761"], records[1]);
        Assert.Equal(["dpo", "32", "18446744073709551615", "0.125", "0.30000000000000004", "3.5E-07", "", ""], records[2]);
        Assert.Equal(0.1 + 0.2, double.Parse(records[2][4], System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("two\r\nlines", "\"two\r\nlines\"")]
    [InlineData("lf\nonly", "\"lf\nonly\"")]
    [InlineData("", "")]
    public void Escape_QuotesOnlyWhatRfc4180Requires(string field, string expected)
    {
        Assert.Equal(expected, ResultsCsv.Escape(field));
    }

    [Fact]
    public void Format_AlgorithmNameWithCommaAndQuote_ReadsBackUnchanged()
    {
        var records = Csv.Parse(ResultsCsv.Format([new RunResult("odd,\"name\"", 1, 1, null, 1, null, 1, 1)]));

        Assert.Equal("odd,\"name\"", records[1][0]);
        Assert.Equal(8, records[1].Count);
    }

    [Fact]
    public void Write_ReplacesTheFileWhole()
    {
        string path = Path.Combine(Path.GetTempPath(), $"asyncrl-results-{Guid.NewGuid():N}.csv");
        try
        {
            File.WriteAllText(path, "stale");
            ResultsCsv.Write(path, [new RunResult("ppo", 1, 1, null, 2, null, 3, 4)]);

            Assert.Equal(2, Csv.Parse(File.ReadAllText(path)).Count);
            Assert.False(File.Exists(path + ".tmp"));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
