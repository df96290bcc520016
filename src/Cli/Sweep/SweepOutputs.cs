using AsyncRL.Cli.Sweep.Results;

namespace AsyncRL.Cli.Sweep;

/// <summary>What a sweep leaves in its directory besides runs/: results.csv, the plots (PNG and SVG), report.md.</summary>
internal static class SweepOutputs
{
    /// <summary>Reads every grid point's summary and writes the files; <paramref name="failures"/> explain runs of this sweep that failed.</summary>
    public static (IReadOnlyList<RunResult> Results, IReadOnlyList<MissingResult> Missing) Write(SweepSettings settings, IReadOnlyDictionary<SweepJob, string> failures)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(failures);
        var results = new List<RunResult>();
        var missing = new List<MissingResult>();
        foreach (var job in settings.Jobs())
        {
            var (result, problem) = SummaryReader.Read(job);
            if (result is not null) results.Add(result);
            else missing.Add(new MissingResult(job.Algo, job.N, job.Seed, failures.TryGetValue(job, out var failure) ? failure : problem ?? "no result", job.Variant));
        }
        // Rows by algorithm (as given), then the varied options (as given), then N, then seed: the order a reader scans the grid in.
        var variants = SweepVariant.Combinations(settings.Vary).ToList();
        results = [.. results.OrderBy(r => settings.Algos.ToList().IndexOf(r.Algo)).ThenBy(r => variants.IndexOf(r.Options)).ThenBy(r => r.N).ThenBy(r => r.Seed)];
        Directory.CreateDirectory(settings.Out);
        ResultsCsv.Write(Path.Combine(settings.Out, ResultsCsv.FileName), results);
        var cells = SweepStatistics.Cells(results, settings.Algos);
        SweepPlots.Write(SweepPlots.ScoreVsN(cells, settings.Env), settings.Out, SweepPlots.ScoreVsNName);
        SweepPlots.Write(SweepPlots.ScoreVsKl(results, settings.Env), settings.Out, SweepPlots.ScoreVsKlName);
        // One frontier per algorithm (and variant): the pooled figure mixes them.
        foreach (string series in SweepPlots.SeriesWithKl(results))
            SweepPlots.Write(SweepPlots.ScoreVsKl([.. results.Where(r => r.Series == series)], settings.Env, series), settings.Out, SweepPlots.ScoreVsKlNameOf(series));
        var context = new ReportContext(settings.Algos, settings.Env, settings.Ns, settings.Seeds, settings.Steps) { Vary = settings.Vary, TrainArgs = settings.TrainArgs };
        File.WriteAllText(Path.Combine(settings.Out, SweepReport.FileName), SweepReport.Format(context, results, missing));
        return (results, missing);
    }
}
