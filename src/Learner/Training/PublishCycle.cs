namespace AsyncRL.Learner.Training;

/// <summary>
/// When the learner publishes, and the version it measures staleness against. Versions count updates: the
/// learner version is the newest published version plus the updates taken since, and a version is published
/// every <see cref="Period"/> updates (1 by default; N under <c>--n N</c>), numbered by that count. Under
/// <c>--n N</c> each actor generates N fragments with the version it holds and then waits for a newer one, so
/// the j-th update of a cycle trains on rows exactly j versions old: 0 for the first, N − 1 for the last
/// (the off-policyness of "Asynchronous RLHF", Noukhovitch et al. 2024, §3).
/// </summary>
/// <remarks>
/// A cycle can end early, <em>starved</em>: every live actor has delivered its N fragments of the newest
/// version, yet the algorithm cannot update (a replay buffer still filling, or more rows per update than a
/// round of fragments holds). Nothing more can arrive before a version is published, so the learner publishes
/// then, one version on when no update was taken, rather than wait forever. Owned by the update loop.
/// </remarks>
internal sealed class PublishCycle
{
    private readonly RunProgress _progress;
    private long _fragmentsOfLatest;

    /// <param name="progress">Holds the updates taken since the last publish (it travels in checkpoints).</param>
    /// <param name="period">Updates per published version.</param>
    /// <param name="fragmentsPerVersion">N when actors wait after N fragments per version; null when they never wait.</param>
    public PublishCycle(RunProgress progress, int period, int? fragmentsPerVersion)
    {
        ArgumentNullException.ThrowIfNull(progress);
        ArgumentOutOfRangeException.ThrowIfLessThan(period, 1);
        if (fragmentsPerVersion < 1) throw new ArgumentOutOfRangeException(nameof(fragmentsPerVersion), fragmentsPerVersion, "N must be at least 1.");
        (_progress, Period, FragmentsPerVersion) = (progress, period, fragmentsPerVersion);
    }

    /// <summary>Updates per published version.</summary>
    public int Period { get; }

    /// <summary>N when actors wait after N fragments per version; null when they never wait.</summary>
    public int? FragmentsPerVersion { get; }

    /// <summary>Batches stamped with the newest version ingested since it was published.</summary>
    public long FragmentsOfLatest => _fragmentsOfLatest;

    /// <summary>The version staleness is measured against: the newest published one plus the updates taken since.</summary>
    public long LearnerVersion(long latest) => latest + _progress.UpdatesSincePublish;

    /// <summary>The number the next published version gets: one per update taken since the last, and at least one more.</summary>
    public long NextVersion(long latest) => latest + Math.Max(1, _progress.UpdatesSincePublish);

    /// <summary>A batch of <paramref name="batchVersion"/> went into the store while <paramref name="latest"/> is the newest version.</summary>
    public void Ingested(long batchVersion, long latest)
    {
        if (batchVersion == latest) _fragmentsOfLatest++;
    }

    /// <summary>An update was taken; true when a version is due.</summary>
    public bool Updated() => ++_progress.UpdatesSincePublish >= Period;

    /// <summary>A version went out: a new cycle starts.</summary>
    public void Published()
    {
        _progress.UpdatesSincePublish = 0;
        _fragmentsOfLatest = 0;
    }

    /// <summary>Whether every one of <paramref name="liveActors"/> actors waits for a version the algorithm cannot produce without more data.</summary>
    public bool Starved(bool readyToUpdate, int liveActors) =>
        FragmentsPerVersion is { } n && !readyToUpdate && liveActors > 0 && _fragmentsOfLatest >= (long)n * liveActors;
}
