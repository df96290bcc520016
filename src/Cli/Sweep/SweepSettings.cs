namespace AsyncRL.Cli.Sweep;

/// <summary>A staleness study as asked for (<c>asyncrl sweep</c>), validated by the command before anything starts.</summary>
internal sealed record SweepSettings
{
    /// <summary>Algorithms, in the order given.</summary>
    public required IReadOnlyList<string> Algos { get; init; }

    public required string Env { get; init; }

    /// <summary>Values of N, ascending.</summary>
    public required IReadOnlyList<int> Ns { get; init; }

    /// <summary>Seeds per grid point: <see cref="SeedBase"/>, <see cref="SeedBase"/> + 1, …</summary>
    public required int Seeds { get; init; }

    public ulong SeedBase { get; init; } = 1;

    /// <summary>The sweep directory: results.csv, the plots, report.md, and runs/.</summary>
    public required string Out { get; init; }

    /// <summary>Environment-step budget per run; null: train's default.</summary>
    public long? Steps { get; init; }

    /// <summary><c>key=value</c> environment arguments, passed to every run.</summary>
    public IReadOnlyList<string> EnvArgs { get; init; } = [];

    /// <summary>More train options for every run: <c>name=value</c> becomes <c>--name value</c>, a bare <c>name</c> becomes <c>--name</c>.</summary>
    public IReadOnlyList<string> TrainArgs { get; init; } = [];

    /// <summary>Train options varied across the grid (<c>--vary</c>), each value of each crossed with the rest.</summary>
    public IReadOnlyList<SweepAxis> Vary { get; init; } = [];

    /// <summary>Rollout actors per run; null: train's default.</summary>
    public int? Actors { get; init; }

    /// <summary>Environments per actor; null: train's default.</summary>
    public int? EnvsPerActor { get; init; }

    /// <summary>Runs at once.</summary>
    public int Parallel { get; init; } = DefaultParallel();

    /// <summary>Where runs live: <c>OUT/runs</c>.</summary>
    public string RunsDir => Path.Combine(Out, "runs");

    /// <summary>
    /// Each run is a learner and its actors, busy on about two cores (the learner's update, the actors' stepping), so
    /// half the processors, and at least one.
    /// </summary>
    public static int DefaultParallel() => Math.Max(1, Environment.ProcessorCount / 2);

    /// <summary>
    /// The grid, seed by seed (each seed's first job prepares what the seed's other jobs share), then algorithm, then
    /// the varied options, then N.
    /// </summary>
    public IReadOnlyList<SweepJob> Jobs() =>
    [
        .. Enumerable.Range(0, Seeds).Select(i => SeedBase + (ulong)i).SelectMany(seed =>
            Algos.SelectMany(algo => SweepVariant.Combinations(Vary).SelectMany(variant => Ns.Select(n =>
                new SweepJob(algo, n, seed, Path.Combine(RunsDir, SweepJob.NameOf(algo, n, seed, variant)),
                    variant.Settings.Count == 0 ? null : variant))))),
    ];
}
