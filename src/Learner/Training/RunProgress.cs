using System.Globalization;
using System.Text.Json;
using AsyncRL.Algorithms.Ppo;

namespace AsyncRL.Learner.Training;

/// <summary>
/// Where the run stands: env steps, updates, versions, the last finished episodes, whether and when it was
/// solved, and staleness over the whole run. Owned by the update loop; travels in checkpoints so a restored
/// learner goes on counting.
/// </summary>
internal sealed class RunProgress
{
    /// <summary>Finished episodes the solved check and final_return_mean average over.</summary>
    public const int Window = 20;

    private readonly Queue<double> _recent = new();
    private long _stalenessMin = long.MaxValue;
    private long _stalenessMax;
    private double _stalenessSum;
    private long _stalenessRows;

    public long EnvSteps { get; private set; }

    public long Updates { get; set; }

    public long PolicyVersion { get; set; }

    /// <summary>Updates taken since <see cref="PolicyVersion"/> was published (see <see cref="PublishCycle"/>).</summary>
    public long UpdatesSincePublish { get; set; }

    public long Episodes { get; private set; }

    public bool Solved { get; private set; }

    public long? SolvedAtEnvSteps { get; private set; }

    public double? SolvedAtSeconds { get; private set; }

    /// <summary>Mean return of the last <see cref="Window"/> episodes (fewer at the start); null before the first.</summary>
    public double? ReturnMean => _recent.Count == 0 ? null : _recent.Average();

    /// <summary>Whether a full window of episodes is in.</summary>
    public bool WindowFull => _recent.Count >= Window;

    public (long Min, double Mean, long Max) Staleness =>
        _stalenessRows == 0 ? (0, 0, 0) : (_stalenessMin, _stalenessSum / _stalenessRows, _stalenessMax);

    public void AddEnvSteps(long steps) => EnvSteps += steps;

    public void AddEpisode(double episodeReturn)
    {
        Episodes++;
        _recent.Enqueue(episodeReturn);
        while (_recent.Count > Window) _recent.Dequeue();
    }

    public void AddStaleness(StalenessSummary summary, int rows)
    {
        if (rows == 0) return;
        _stalenessMin = Math.Min(_stalenessMin, summary.Min);
        _stalenessMax = Math.Max(_stalenessMax, summary.Max);
        _stalenessSum += summary.Mean * rows;
        _stalenessRows += rows;
    }

    /// <summary>
    /// Checks the threshold over a full window and, when met, asks <paramref name="confirm"/> (if any) whether
    /// the policy itself meets it; records the first time both hold.
    /// </summary>
    public bool CheckSolved(float? threshold, double seconds, Func<float, bool>? confirm = null)
    {
        if (Solved) return true;
        if (threshold is not { } t || !WindowFull || ReturnMean < t) return false;
        if (confirm is not null && !confirm(t)) return false;
        (Solved, SolvedAtEnvSteps, SolvedAtSeconds) = (true, EnvSteps, seconds);
        return true;
    }

    /// <summary>Records the first time a target score was reached (tasks scored by the algorithm rather than by returns).</summary>
    public void MarkSolved(double seconds)
    {
        if (Solved) return;
        (Solved, SolvedAtEnvSteps, SolvedAtSeconds) = (true, EnvSteps, seconds);
    }

    private static readonly string[] Keys =
        ["env_steps", "updates", "policy_version", "episodes", "recent_returns", "solved_at_env_steps", "solved_at_s", "staleness", "updates_since_publish"];

    /// <summary>The progress as checkpoint metadata (prefixed keys).</summary>
    public void Save(IDictionary<string, string> metadata, string prefix)
    {
        var c = CultureInfo.InvariantCulture;
        metadata[prefix + Keys[0]] = EnvSteps.ToString(c);
        metadata[prefix + Keys[1]] = Updates.ToString(c);
        metadata[prefix + Keys[2]] = PolicyVersion.ToString(c);
        metadata[prefix + Keys[3]] = Episodes.ToString(c);
        metadata[prefix + Keys[4]] = JsonSerializer.Serialize(_recent.ToArray(), LearnerJsonContext.Default.DoubleArray);
        if (Solved)
        {
            metadata[prefix + Keys[5]] = SolvedAtEnvSteps!.Value.ToString(c);
            metadata[prefix + Keys[6]] = SolvedAtSeconds!.Value.ToString("R", c);
        }
        metadata[prefix + Keys[7]] = string.Join(',', _stalenessMin.ToString(c), _stalenessMax.ToString(c),
            _stalenessSum.ToString("R", c), _stalenessRows.ToString(c));
        metadata[prefix + Keys[8]] = UpdatesSincePublish.ToString(c);
    }

    /// <summary>Restores what <see cref="Save"/> wrote.</summary>
    public void Restore(IReadOnlyDictionary<string, string> metadata, string prefix)
    {
        var c = CultureInfo.InvariantCulture;
        string Get(int key) => metadata.TryGetValue(prefix + Keys[key], out var v) ? v : throw new InvalidDataException($"Checkpoint metadata lacks '{prefix + Keys[key]}'.");
        EnvSteps = long.Parse(Get(0), c);
        Updates = long.Parse(Get(1), c);
        PolicyVersion = long.Parse(Get(2), c);
        Episodes = long.Parse(Get(3), c);
        _recent.Clear();
        foreach (var r in JsonSerializer.Deserialize(Get(4), LearnerJsonContext.Default.DoubleArray) ?? []) _recent.Enqueue(r);
        if (metadata.TryGetValue(prefix + Keys[5], out var steps) && metadata.TryGetValue(prefix + Keys[6], out var seconds))
            (Solved, SolvedAtEnvSteps, SolvedAtSeconds) = (true, long.Parse(steps, c), double.Parse(seconds, c));
        var s = Get(7).Split(',');
        (_stalenessMin, _stalenessMax, _stalenessSum, _stalenessRows) = (long.Parse(s[0], c), long.Parse(s[1], c), double.Parse(s[2], c), long.Parse(s[3], c));
        // Checkpoints from before versions counted updates lack it: they were always saved right after a publish.
        UpdatesSincePublish = metadata.TryGetValue(prefix + Keys[8], out var pending) ? long.Parse(pending, c) : 0;
    }
}
