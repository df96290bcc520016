using System.Globalization;

namespace AsyncRL.Cli.Sweep;

/// <summary>One grid point: an algorithm at one N with one seed, trained in its own run directory.</summary>
/// <param name="Algo">The algorithm, as <c>asyncrl train --algo</c> takes it.</param>
/// <param name="N">Off-policyness N (<c>--n</c>).</param>
/// <param name="Seed">The run's seed (<c>--seed</c>).</param>
/// <param name="RunDir">Its run directory, <c>DIR/runs/&lt;algo&gt;-n&lt;N&gt;-s&lt;seed&gt;</c>.</param>
internal sealed record SweepJob(string Algo, int N, ulong Seed, string RunDir)
{
    /// <summary>The log file the run's output goes to.</summary>
    public const string LogFileName = "train.log";

    /// <summary>The run's name: <c>&lt;algo&gt;-n&lt;N&gt;-s&lt;seed&gt;</c>.</summary>
    public string Name => NameOf(Algo, N, Seed);

    /// <summary>Where its output goes.</summary>
    public string LogPath => Path.Combine(RunDir, LogFileName);

    /// <summary>Where its summary appears when it ends.</summary>
    public string SummaryPath => Path.Combine(RunDir, "summary.json");

    public static string NameOf(string algo, int n, ulong seed) => string.Create(CultureInfo.InvariantCulture, $"{algo}-n{n}-s{seed}");
}
