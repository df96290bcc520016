using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace AsyncRL.Learner;

/// <summary>
/// The learner node's spans and instruments (DESIGN.md §6): <c>ingest</c> continues the actor's rollout
/// trace, <c>update</c> links to the batches it consumed with their staleness, <c>publish_weights</c>
/// follows the update. Tags stay low-cardinality on instruments; actor ids go on spans only.
/// </summary>
public sealed class LearnerInstrumentation : IDisposable
{
    /// <summary>The name of the <see cref="ActivitySource"/> and the <see cref="Meter"/>.</summary>
    public const string Name = "AsyncRL.Learner";

    /// <summary>The attribute on an update's link that says how stale the linked batch was.</summary>
    public const string StalenessAttribute = "asyncrl.staleness";

    private long _policyVersion;
    private int _queueDepth;
    private Func<IReadOnlyList<(string Role, string Status, bool Reachable, int Count)>>? _clusterCounts;

    /// <summary>Creates the source and meter (one per node, so tests can listen to one node alone).</summary>
    public LearnerInstrumentation()
    {
        ActivitySource = new ActivitySource(Name, typeof(LearnerInstrumentation).Assembly.GetName().Version?.ToString());
        Meter = new Meter(Name, typeof(LearnerInstrumentation).Assembly.GetName().Version?.ToString());
        Staleness = Meter.CreateHistogram<long>("asyncrl.learner.staleness", "{version}",
            "learner_version − policy_version of each batch an update consumed");
        UpdateDuration = Meter.CreateHistogram<double>("asyncrl.learner.update.duration", "s", "Time one update takes");
        Batches = Meter.CreateCounter<long>("asyncrl.learner.batches", "{batch}", "Sample batches answered, by status");
        Rows = Meter.CreateCounter<long>("asyncrl.learner.rows", "{row}", "Rows accepted into the store");
        RowsDropped = Meter.CreateCounter<long>("asyncrl.learner.rows.dropped", "{row}", "Rows left out of an update for staleness");
        EnvSteps = Meter.CreateCounter<long>("asyncrl.learner.env_steps", "{step}", "Environment steps of accepted batches");
        Updates = Meter.CreateCounter<long>("asyncrl.learner.updates", "{update}", "Updates run");
        BackpressureWaits = Meter.CreateCounter<long>("asyncrl.learner.ingest.backpressure", "{batch}",
            "Batches whose ack waited for room in the full ingestion queue");
        EpisodeReturn = Meter.CreateHistogram<double>("asyncrl.learner.episode.return", "1", "Returns of finished episodes");
        Meter.CreateObservableGauge("asyncrl.learner.policy_version", () => Volatile.Read(ref _policyVersion), "{version}",
            "Newest published policy version");
        RpcCalls = Meter.CreateCounter<long>("asyncrl.rpc.server.calls", "{call}", "gRPC calls answered, by method and status code");
        RpcDuration = Meter.CreateHistogram<double>("asyncrl.rpc.server.duration", "s", "Time from a gRPC call's arrival to its status");
        RefusedCalls = Meter.CreateCounter<long>("asyncrl.rpc.server.refused", "{call}",
            "gRPC calls refused RESOURCE_EXHAUSTED for a concurrency bound, by reason (node_streams, concurrent_calls)");
        StalledMessages = Meter.CreateCounter<long>("asyncrl.rpc.server.stalled_messages", "{call}",
            "gRPC calls cut off because a request message stopped arriving half way, by method");
        Checkpoints = Meter.CreateCounter<long>("asyncrl.learner.checkpoints", "{checkpoint}", "Checkpoint saves, by status (saved, failed)");
        Meter.CreateObservableGauge("asyncrl.learner.ingest.queue_depth", () => Volatile.Read(ref _queueDepth), "{batch}",
            "Batches waiting in the ingestion queue");
        Meter.CreateObservableGauge("asyncrl.cluster.members", ObserveClusterMembers, "{member}",
            "Cluster members as this learner sees them, by role, member status and reachability");
    }

    /// <summary>Where the learner's spans come from.</summary>
    public ActivitySource ActivitySource { get; }

    /// <summary>Where the learner's instruments live.</summary>
    public Meter Meter { get; }

    internal Histogram<long> Staleness { get; }

    internal Counter<long> RpcCalls { get; }

    internal Histogram<double> RpcDuration { get; }

    internal Counter<long> RefusedCalls { get; }

    internal Counter<long> StalledMessages { get; }

    internal Counter<long> Checkpoints { get; }

    internal Histogram<double> UpdateDuration { get; }

    internal Counter<long> Batches { get; }

    internal Counter<long> Rows { get; }

    internal Counter<long> RowsDropped { get; }

    internal Counter<long> EnvSteps { get; }

    internal Counter<long> Updates { get; }

    internal Counter<long> BackpressureWaits { get; }

    internal Histogram<double> EpisodeReturn { get; }

    internal void SetPolicyVersion(long version) => Volatile.Write(ref _policyVersion, version);

    internal void SetQueueDepth(int depth) => Volatile.Write(ref _queueDepth, depth);

    internal void ObserveCluster(Func<IReadOnlyList<(string Role, string Status, bool Reachable, int Count)>> counts) => Volatile.Write(ref _clusterCounts, counts);

    private IEnumerable<Measurement<int>> ObserveClusterMembers()
    {
        if (Volatile.Read(ref _clusterCounts) is not { } counts) yield break;
        foreach (var (role, status, reachable, count) in counts())
            yield return new Measurement<int>(count, new KeyValuePair<string, object?>("role", role), new KeyValuePair<string, object?>("status", status),
                new KeyValuePair<string, object?>("reachable", reachable));
    }

    internal void CountBatch(string status) => Batches.Add(1, new KeyValuePair<string, object?>("status", status));

    /// <summary>A rejected batch, with the kind of fault (<see cref="Service.RejectKind"/>) as <c>reason</c>.</summary>
    internal void CountRejected(string reason) =>
        Batches.Add(1, new KeyValuePair<string, object?>("status", "rejected"), new KeyValuePair<string, object?>("reason", reason));

    /// <summary>A call refused for a concurrency bound (<see cref="Service.RefusalKind"/>).</summary>
    internal void CountRefusedCall(string reason) => RefusedCalls.Add(1, new KeyValuePair<string, object?>("reason", reason));

    internal void CountCheckpoint(bool saved) => Checkpoints.Add(1, new KeyValuePair<string, object?>("status", saved ? "saved" : "failed"));

    /// <summary>Starts the <c>ingest</c> span of one batch, continuing the rollout span named by its traceparent.</summary>
    internal Activity? StartIngest(ActivityContext rollout) =>
        ActivitySource.HasListeners() ? ActivitySource.StartActivity("ingest", ActivityKind.Server, rollout) : null;

    /// <summary>Starts the <c>update</c> span (links are added once the consumed batches are known).</summary>
    internal Activity? StartUpdate() =>
        ActivitySource.HasListeners() ? ActivitySource.StartActivity("update", ActivityKind.Internal, parentContext: default) : null;

    /// <summary>Starts the <c>publish_weights</c> span, a child of the current (update) span.</summary>
    internal Activity? StartPublish() => ActivitySource.StartActivity("publish_weights", ActivityKind.Internal);

    /// <inheritdoc />
    public void Dispose()
    {
        ActivitySource.Dispose();
        Meter.Dispose();
    }
}
