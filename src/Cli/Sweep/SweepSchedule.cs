namespace AsyncRL.Cli.Sweep;

/// <summary>
/// Which grid point starts next: in grid order, at most <c>parallel</c> at once, and a seed's other jobs only once
/// its first job has ended (the preparation phase: for language tasks that job builds the SFT and reward models the
/// seed's runs share, so they are not all built at once; for other tasks it only orders the start). Jobs already
/// complete are skipped, and a skipped first job counts as prepared. Not thread-safe: the runner's loop owns it.
/// </summary>
internal sealed class SweepSchedule
{
    private readonly List<SweepJob> _pending;
    private readonly Dictionary<ulong, SweepJob> _firstOfSeed = [];
    private readonly HashSet<ulong> _prepared = [];
    private readonly int _parallel;
    private int _running;

    public SweepSchedule(IReadOnlyList<SweepJob> jobs, int parallel, Func<SweepJob, bool> isComplete)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        ArgumentNullException.ThrowIfNull(isComplete);
        ArgumentOutOfRangeException.ThrowIfLessThan(parallel, 1);
        _parallel = parallel;
        foreach (var job in jobs) _firstOfSeed.TryAdd(job.Seed, job);
        Skipped = [.. jobs.Where(isComplete)];
        foreach (var job in Skipped)
            if (_firstOfSeed[job.Seed] == job) _prepared.Add(job.Seed);
        _pending = [.. jobs.Except(Skipped)];
    }

    /// <summary>Jobs whose results were already there.</summary>
    public IReadOnlyList<SweepJob> Skipped { get; }

    /// <summary>Nothing left to start and nothing running.</summary>
    public bool Done => _pending.Count == 0 && _running == 0;

    /// <summary>Jobs running now.</summary>
    public int Running => _running;

    /// <summary>Whether <paramref name="job"/> is the one its seed's other jobs wait for.</summary>
    public bool IsPreparation(SweepJob job) => _firstOfSeed.TryGetValue(job.Seed, out var first) && first == job && !_prepared.Contains(job.Seed);

    /// <summary>The next job that may start now, marked running; false when none may (all busy, or waiting for a preparation).</summary>
    public bool TryTake(out SweepJob job)
    {
        job = null!;
        if (_running >= _parallel) return false;
        int i = _pending.FindIndex(j => _prepared.Contains(j.Seed) || _firstOfSeed[j.Seed] == j);
        if (i < 0) return false;
        job = _pending[i];
        _pending.RemoveAt(i);
        _running++;
        return true;
    }

    /// <summary><paramref name="job"/> ended (whichever way): its seed is prepared if it was the seed's first.</summary>
    public void Finished(SweepJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        _running--;
        if (_firstOfSeed[job.Seed] == job) _prepared.Add(job.Seed);
    }

    /// <summary>Drops every job not yet started (the sweep is stopping); returns them.</summary>
    public IReadOnlyList<SweepJob> Abandon()
    {
        var left = _pending.ToList();
        _pending.Clear();
        return left;
    }
}
