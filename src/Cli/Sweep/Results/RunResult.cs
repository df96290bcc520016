namespace AsyncRL.Cli.Sweep.Results;

/// <summary>
/// One row of <c>results.csv</c>: what a finished run's <c>summary.json</c> says about its grid point. A value the
/// run does not report (the SFT score of a control task, KL where there is no reference policy) is null.
/// </summary>
internal sealed record RunResult(
    string Algo,
    int N,
    ulong Seed,
    double? SftScore,
    double? FinalScore,
    double? KlToReference,
    long? EnvSteps,
    double? WallSeconds,
    SweepVariant? Variant = null)
{
    /// <summary>The varied options of the run, never null.</summary>
    public SweepVariant Options => Variant ?? SweepVariant.None;

    /// <summary>What tables and figures group by: the algorithm, with the varied options after it when there are any.</summary>
    public string Series => SeriesOf(Algo, Options);

    /// <summary><c>dpo</c>, or <c>dpo beta=0.05 lr=3e-5</c>.</summary>
    public static string SeriesOf(string algo, SweepVariant variant) => variant.Settings.Count == 0 ? algo : $"{algo} {variant.Label}";
}

/// <summary>A grid point without a result, and why (not run, failed, stopped, unreadable summary).</summary>
internal sealed record MissingResult(string Algo, int N, ulong Seed, string Reason, SweepVariant? Variant = null)
{
    /// <summary>The run's name, as its directory has it.</summary>
    public string Name => SweepJob.NameOf(Algo, N, Seed, Variant);
}
