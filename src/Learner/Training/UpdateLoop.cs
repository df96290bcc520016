using System.Diagnostics;
using System.Globalization;
using AsyncRL.Algorithms;
using AsyncRL.Learner.Ingestion;

namespace AsyncRL.Learner.Training;

/// <summary>
/// The learner's one training thread: takes stored batches off the ingestion queue into the algorithm's
/// store, updates whenever the store is ready, publishes a version when its <see cref="PublishCycle"/> says so,
/// writes a metrics line per update, checkpoints when due, and ends the run when the task is solved or the
/// step budget is spent. Only this loop touches the algorithm and the progress while the node runs.
/// </summary>
internal sealed class UpdateLoop(LearnerRuntime runtime)
{
    /// <summary>Env steps between two confirmations of a solved window that the policy failed.</summary>
    internal const long ConfirmSpacingEnvSteps = 5_000;

    private readonly LearnerRuntime _rt = runtime;
    private readonly PublishCycle _cycle = new(runtime.Progress, runtime.Options.PublishPeriod, runtime.Options.OffPolicyN);
    private long _lastCheckpointUpdate;
    private double _lastCheckpointSeconds;
    private double _lineSeconds;
    private long _lineEnvSteps;
    private double _lineReturnSum;
    private int _lineEpisodes;
    private LearnerProgress? _snapshot;
    private long _nextConfirmAtEnvSteps; // a refused confirmation is not asked again before this many env steps
    private Func<float, bool>? _confirm; // the algorithm's check of a solved window, if it has one

    /// <summary>The latest view of the run, for the CLI's progress display (any thread).</summary>
    public LearnerProgress? Snapshot => Volatile.Read(ref _snapshot);

    /// <summary>Runs until the run finishes (returns why: <c>solved</c> or <c>budget</c>) or is cancelled (returns null).</summary>
    public async Task<string?> RunAsync(CancellationToken cancellationToken)
    {
        // Updates start their own traces (linked to the batches), not children of whoever started the node.
        Activity.Current = null;
        (_lastCheckpointUpdate, _lastCheckpointSeconds) = (_rt.Progress.Updates, _rt.Clock.Seconds);
        (_lineSeconds, _lineEnvSteps) = (_rt.Clock.Seconds, _rt.Progress.EnvSteps);
        _confirm = _rt.Algorithm is ISolvedConfirmation confirmation ? t => Confirm(confirmation, t) : null;
        PublishSnapshot();
        var reader = _rt.Queue.Reader;
        while (true)
        {
            try
            {
                if (!await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false)) return null;
            }
            catch (OperationCanceledException)
            {
                return null;
            }
            while (!cancellationToken.IsCancellationRequested && reader.TryRead(out var item))
            {
                _rt.Instrumentation.SetQueueDepth(_rt.Queue.Count);
                Ingest(item);
                if (FinishReason() is { } reason) return reason;
                while (_rt.Algorithm.ReadyToUpdate) Update();
                if (_cycle.Starved(_rt.Algorithm.ReadyToUpdate, _rt.LiveActors())) PublishStarved();
                PublishSnapshot();
                if (FinishReason() is { } afterUpdate) return afterUpdate;
            }
        }
    }

    /// <summary>Saves a checkpoint now (from this loop, or once it has stopped).</summary>
    public void SaveCheckpoint()
    {
        var node = new Dictionary<string, string>(StringComparer.Ordinal);
        const string p = Checkpointing.LearnerCheckpoints.NodePrefix;
        var c = CultureInfo.InvariantCulture;
        node[p + "run_id"] = _rt.RunId;
        node[p + "algorithm"] = _rt.Algorithm.Name;
        node[p + "env"] = _rt.Env.Id;
        node[p + "dedup"] = _rt.Dedup.SaveDone();
        node[p + "elapsed_s"] = _rt.Clock.Seconds.ToString("R", c);
        node[p + "accepted_batches"] = _rt.Counters.Accepted.ToString(c);
        node[p + "duplicate_batches"] = _rt.Counters.Duplicate.ToString(c);
        node[p + "rejected_batches"] = _rt.Counters.Rejected.ToString(c);
        _rt.Progress.Save(node, p);
        try
        {
            _rt.Checkpoints.Save(_rt.Progress.Updates, _rt.Algorithm.SaveState(), node);
            (_lastCheckpointUpdate, _lastCheckpointSeconds) = (_rt.Progress.Updates, _rt.Clock.Seconds);
            _rt.Instrumentation.CountCheckpoint(saved: true);
            LearnerLog.CheckpointSaved(_rt.Logger, _rt.Progress.Updates, _rt.Progress.PolicyVersion);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A full disk must not end training; the previous checkpoint stays in force and the next one tries again.
            _rt.Instrumentation.CountCheckpoint(saved: false);
            LearnerLog.CheckpointFailed(_rt.Logger, _rt.Progress.Updates, e.Message);
        }
    }

    /// <summary>
    /// Publishes the weights the loop starts with: version 0, or a restored run's version plus the updates its
    /// checkpoint took since that was published (the weights are those of the learner version).
    /// </summary>
    public void PublishFirst() => Publish(_rt.Progress.PolicyVersion + _rt.Progress.UpdatesSincePublish);

    /// <summary>Publishes the current weights as <paramref name="version"/>; a new publish cycle starts.</summary>
    public void Publish(long version)
    {
        using var activity = _rt.Instrumentation.StartPublish();
        _rt.Publisher.Publish(_rt.Algorithm.Policy, version, _rt.Progress.Updates, activity?.Context ?? default);
        _rt.Progress.PolicyVersion = version;
        _cycle.Published();
        _rt.Instrumentation.SetPolicyVersion(version);
        activity?.SetTag("asyncrl.policy_version", version);
        activity?.SetTag("asyncrl.update", _rt.Progress.Updates);
    }

    /// <summary>Every live actor waits for a version the algorithm cannot produce without more data: publish now.</summary>
    private void PublishStarved()
    {
        long latest = _rt.Publisher.LatestVersion;
        LearnerLog.StarvedPublish(_rt.Logger, latest, _rt.Progress.UpdatesSincePublish, _cycle.FragmentsOfLatest);
        Publish(_cycle.NextVersion(latest));
    }

    private void Ingest(IngestItem item)
    {
        _rt.Algorithm.Ingest(item.Batch);
        _cycle.Ingested(item.Batch.PolicyVersion, _rt.Publisher.LatestVersion);
        _rt.Progress.AddEnvSteps(item.Batch.EnvSteps);
        _rt.Instrumentation.Rows.Add(item.Batch.Rows);
        _rt.Instrumentation.EnvSteps.Add(item.Batch.EnvSteps);
        foreach (var episode in item.Episodes)
        {
            _rt.Progress.AddEpisode(episode.EpisodeReturn);
            _rt.Instrumentation.EpisodeReturn.Record(episode.EpisodeReturn);
            _lineReturnSum += episode.EpisodeReturn;
            _lineEpisodes++;
        }
    }

    private string? FinishReason()
    {
        bool solved = _rt.Progress.CheckSolved(_rt.Env.SolvedThreshold, _rt.Clock.Seconds, _confirm);
        if (solved && !_rt.Options.NoEarlyStop) return "solved";
        return _rt.Progress.EnvSteps >= _rt.Options.Steps ? "budget" : null;
    }

    /// <summary>The algorithm's own check of a solved window, spaced out: it runs whole greedy episodes.</summary>
    private bool Confirm(ISolvedConfirmation confirmation, float threshold)
    {
        if (_rt.Progress.EnvSteps < _nextConfirmAtEnvSteps) return false;
        if (confirmation.ConfirmSolved(threshold)) return true;
        _nextConfirmAtEnvSteps = _rt.Progress.EnvSteps + ConfirmSpacingEnvSteps;
        return false;
    }

    private void Update()
    {
        var progress = _rt.Progress;
        long latest = _rt.Publisher.LatestVersion;
        long learnerVersion = _cycle.LearnerVersion(latest);
        using var activity = _rt.Instrumentation.StartUpdate();
        long start = _rt.Time.GetTimestamp();
        LearnerUpdateResult result = _rt.Algorithm.Update(learnerVersion);
        double seconds = _rt.Time.GetElapsedTime(start).TotalSeconds;
        progress.Updates++;
        progress.AddStaleness(result.Staleness, result.Rows);
        if (_rt.Options.TargetScore is { } target && result.Metrics.TryGetValue("score", out double score) && score >= target)
            progress.MarkSolved(_rt.Clock.Seconds);

        foreach (var batch in result.Consumed)
        {
            _rt.Dedup.MarkTrained(batch.ActorId, batch.Seq);
            long staleness = learnerVersion - batch.PolicyVersion;
            _rt.Instrumentation.Staleness.Record(staleness);
            if (activity is not null && batch.Context != default)
                activity.AddLink(new ActivityLink(batch.Context, new ActivityTagsCollection { [LearnerInstrumentation.StalenessAttribute] = staleness }));
        }
        _rt.Instrumentation.UpdateDuration.Record(seconds);
        _rt.Instrumentation.Updates.Add(1);
        _rt.Instrumentation.RowsDropped.Add(result.RowsDropped);
        if (activity is not null)
        {
            activity.SetTag("asyncrl.update", progress.Updates);
            activity.SetTag("asyncrl.learner_version", learnerVersion);
            activity.SetTag("asyncrl.rows", result.Rows);
            activity.SetTag("asyncrl.staleness.mean", result.Staleness.Mean);
            activity.SetTag("asyncrl.staleness.max", result.Staleness.Max);
        }

        // The metrics line is written before the version goes out, so whoever sees the version sees its line.
        bool publish = _cycle.Updated();
        long version = publish ? _cycle.NextVersion(latest) : latest;
        WriteMetrics(result, seconds, version, learnerVersion);
        if (publish) Publish(version);
        PublishSnapshot();
        if (CheckpointDue()) SaveCheckpoint();
    }

    private bool CheckpointDue()
    {
        var o = _rt.Options;
        if (o.CheckpointEveryUpdates > 0 && _rt.Progress.Updates - _lastCheckpointUpdate >= o.CheckpointEveryUpdates) return true;
        return o.CheckpointInterval > TimeSpan.Zero && _rt.Clock.Seconds - _lastCheckpointSeconds >= o.CheckpointInterval.TotalSeconds;
    }

    private void WriteMetrics(LearnerUpdateResult result, double updateSeconds, long policyVersion, long learnerVersion)
    {
        var p = _rt.Progress;
        double now = _rt.Clock.Seconds;
        double interval = now - _lineSeconds;
        var fields = new List<KeyValuePair<string, object?>>
        {
            new("time_s", now),
            new("env_steps", p.EnvSteps),
            new("update", p.Updates),
            new("policy_version", policyVersion),
            new("learner_version", learnerVersion),
            new("staleness_min", result.Staleness.Min),
            new("staleness_mean", result.Staleness.Mean),
            new("staleness_max", result.Staleness.Max),
            new("staleness_hist", result.Staleness.Histogram),
        };
        if (_lineEpisodes > 0) fields.Add(new("episode_return_mean", _lineReturnSum / _lineEpisodes));
        fields.Add(new("episodes", _lineEpisodes));
        fields.Add(new("return_mean_20", p.ReturnMean));
        fields.Add(new("samples_per_s", interval > 0 ? (p.EnvSteps - _lineEnvSteps) / interval : double.NaN));
        fields.Add(new("rows", result.Rows));
        fields.Add(new("rows_dropped", result.RowsDropped));
        fields.Add(new("update_s", updateSeconds));
        fields.Add(new("accepted_batches", _rt.Counters.Accepted));
        fields.Add(new("rejected_batches", _rt.Counters.Rejected));
        fields.Add(new("duplicate_batches", _rt.Counters.Duplicate));
        fields.Add(new("queue_depth", _rt.Queue.Count));
        if (_rt.Clustered)
        {
            var cluster = _rt.Cluster.Summary;
            fields.Add(new("cluster_members", cluster.Members));
            fields.Add(new("cluster_unreachable", cluster.Unreachable));
            fields.Add(new("cluster_actor_nodes", cluster.UpActorNodes));
        }
        foreach (var (name, value) in result.Metrics) fields.Add(new(name, value));
        try
        {
            _rt.RunDirectory.AppendMetrics(fields);
        }
        catch (IOException e)
        {
            LearnerLog.RunLogFailed(_rt.Logger, RunLog.RunDirectory.MetricsFileName, e);
        }
        (_lineSeconds, _lineEnvSteps, _lineReturnSum, _lineEpisodes) = (now, p.EnvSteps, 0, 0);
    }

    /// <summary>Refreshes <see cref="Snapshot"/> (the loop does after every batch; the node at the end).</summary>
    public void PublishSnapshot()
    {
        var p = _rt.Progress;
        double seconds = _rt.Clock.Seconds;
        var (_, mean, max) = p.Staleness;
        Volatile.Write(ref _snapshot, new LearnerProgress(seconds, p.EnvSteps, p.Updates, p.PolicyVersion, p.Episodes, p.ReturnMean,
            seconds > 0 ? p.EnvSteps / seconds : 0, mean, max, _rt.Counters.Accepted, _rt.Counters.Duplicate, _rt.Counters.Rejected,
            p.Solved, _rt.Lifetime.IsFinished));
    }
}
