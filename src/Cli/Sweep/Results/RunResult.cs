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
    double? WallSeconds);

/// <summary>A grid point without a result, and why (not run, failed, stopped, unreadable summary).</summary>
internal sealed record MissingResult(string Algo, int N, ulong Seed, string Reason);
