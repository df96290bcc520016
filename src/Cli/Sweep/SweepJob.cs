using System.Globalization;

namespace AsyncRL.Cli.Sweep;

/// <summary>One grid point: an algorithm (with the variant's options, if the sweep varies any) at one N with one seed, trained in its own run directory.</summary>
/// <param name="Algo">The algorithm, as <c>asyncrl train --algo</c> takes it.</param>
/// <param name="N">Off-policyness N (<c>--n</c>).</param>
/// <param name="Seed">The run's seed (<c>--seed</c>).</param>
/// <param name="RunDir">Its run directory, <c>DIR/runs/&lt;name&gt;</c>.</param>
/// <param name="Variant">The varied options it runs with (<see cref="SweepVariant.None"/> without <c>--vary</c>).</param>
internal sealed record SweepJob(string Algo, int N, ulong Seed, string RunDir, SweepVariant? Variant = null)
{
    /// <summary>The varied options, never null.</summary>
    public SweepVariant Options => Variant ?? SweepVariant.None;

    /// <summary>The log file the run's output goes to.</summary>
    public const string LogFileName = "train.log";

    /// <summary>The run's name: <c>&lt;algo&gt;[-&lt;variant&gt;]-n&lt;N&gt;-s&lt;seed&gt;</c>.</summary>
    public string Name => NameOf(Algo, N, Seed, Options);

    /// <summary>Where its output goes.</summary>
    public string LogPath => Path.Combine(RunDir, LogFileName);

    /// <summary>Where its summary appears when it ends.</summary>
    public string SummaryPath => Path.Combine(RunDir, "summary.json");

    public static string NameOf(string algo, int n, ulong seed, SweepVariant? variant = null) =>
        string.Create(CultureInfo.InvariantCulture, $"{algo}{variant?.NamePart}-n{n}-s{seed}");
}
