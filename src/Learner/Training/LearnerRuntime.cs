using AsyncRL.Algorithms;
using AsyncRL.Learner.Checkpointing;
using AsyncRL.Learner.Ingestion;
using AsyncRL.Learner.Publishing;
using AsyncRL.Learner.RunLog;
using Microsoft.Extensions.Logging;
using EnvSpec = AsyncRL.Environments.EnvSpec;

namespace AsyncRL.Learner.Training;

/// <summary>The parts of a running learner node that the update loop works with, wired once by <see cref="LearnerNode"/>.</summary>
/// <remarks><c>LiveActors</c>: actors of the registered nodes whose lease holds (for <see cref="PublishCycle"/>). <c>Cluster</c>: the members as the learner sees them.</remarks>
internal sealed record LearnerRuntime(
    LearnerNodeOptions Options,
    ILearnerAlgorithm Algorithm,
    EnvSpec Env,
    string RunId,
    IngestionQueue Queue,
    WeightsPublisher Publisher,
    Deduplicator Dedup,
    IngestCounters Counters,
    RunLifetime Lifetime,
    LearnerInstrumentation Instrumentation,
    RunDirectory RunDirectory,
    LearnerCheckpoints Checkpoints,
    RunProgress Progress,
    RunClock Clock,
    TimeProvider Time,
    ILogger Logger,
    Func<int> LiveActors,
    AsyncRL.Cluster.Membership.ClusterMembers Cluster)
{
    /// <summary>Whether the learner is a cluster member (so metrics lines carry the cluster's size).</summary>
    public bool Clustered => Options.Cluster is not null || Options.ClusterHost is not null;
}

/// <summary>Seconds since the start of training, continuing a restored run's count.</summary>
internal sealed class RunClock(TimeProvider time)
{
    private long _origin = time.GetTimestamp();
    private double _offset;

    public double Seconds => _offset + time.GetElapsedTime(_origin).TotalSeconds;

    /// <summary>Training starts now, <paramref name="offsetSeconds"/> into the run.</summary>
    public void Start(double offsetSeconds = 0)
    {
        _offset = offsetSeconds;
        _origin = time.GetTimestamp();
    }
}
