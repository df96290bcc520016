using Microsoft.Extensions.Logging;

namespace AsyncRL.Learner;

/// <summary>The learner node's log lines. Event ids 3001–3099 are the learner's; they never change meaning.</summary>
internal static partial class LearnerLog
{
    [LoggerMessage(3001, LogLevel.Information, "Learner {RunId} listening on {Address} ({Algorithm} on {Env}, seed {Seed})")]
    public static partial void Listening(ILogger logger, string runId, Uri address, string algorithm, string env, ulong seed);

    [LoggerMessage(3002, LogLevel.Information, "Node {NodeId} registered with {ActorCount} actors ({EnvsPerActor} envs each)")]
    public static partial void Registered(ILogger logger, string nodeId, uint actorCount, uint envsPerActor);

    [LoggerMessage(3003, LogLevel.Warning, "Rejected batch {Seq} from {ActorId}: {Reason}")]
    public static partial void Rejected(ILogger logger, string actorId, ulong seq, string reason);

    [LoggerMessage(3004, LogLevel.Debug, "Duplicate batch {Seq} from {ActorId}")]
    public static partial void Duplicate(ILogger logger, string actorId, ulong seq);

    [LoggerMessage(3005, LogLevel.Information, "Restored checkpoint at update {Update}: policy version {Version}, {EnvSteps} env steps")]
    public static partial void Restored(ILogger logger, long update, long version, long envSteps);

    [LoggerMessage(3006, LogLevel.Warning, "Checkpoint skipped on restore: {Problem}")]
    public static partial void CheckpointSkipped(ILogger logger, string problem);

    [LoggerMessage(3007, LogLevel.Debug, "Checkpoint saved at update {Update} (policy version {Version})")]
    public static partial void CheckpointSaved(ILogger logger, long update, long version);

    [LoggerMessage(3008, LogLevel.Error, "Checkpoint at update {Update} failed, the previous one stays in force: {Problem}")]
    public static partial void CheckpointFailed(ILogger logger, long update, string problem);

    [LoggerMessage(3009, LogLevel.Information, "Run finished ({Reason}) after {EnvSteps} env steps, {Updates} updates, {WallSeconds:F1} s; mean return of the last episodes {ReturnMean:F1}")]
    public static partial void Finished(ILogger logger, string reason, long envSteps, long updates, double wallSeconds, double returnMean);

    [LoggerMessage(3010, LogLevel.Error, "The update loop failed")]
    public static partial void UpdateLoopFailed(ILogger logger, Exception exception);

    [LoggerMessage(3011, LogLevel.Debug, "Batch {Seq} from {ActorId} waits for room in the ingestion queue")]
    public static partial void Backpressure(ILogger logger, string actorId, ulong seq);

    [LoggerMessage(3012, LogLevel.Warning, "Actor {ActorId} left a gap of more than {Limit} sequence numbers; the oldest are treated as seen")]
    public static partial void SeqGap(ILogger logger, string actorId, int limit);

    [LoggerMessage(3013, LogLevel.Error, "Writing the run directory failed ({File})")]
    public static partial void RunLogFailed(ILogger logger, string file, Exception exception);

    [LoggerMessage(3014, LogLevel.Information, "Learner stopping")]
    public static partial void Stopping(ILogger logger);

    [LoggerMessage(3015, LogLevel.Debug, "Every actor delivered its fragments of version {Version} but the algorithm cannot update ({Updates} updates taken since it was published, {Fragments} fragments): publishing early")]
    public static partial void StarvedPublish(ILogger logger, long version, long updates, long fragments);

    [LoggerMessage(3016, LogLevel.Information, "Learner in the cluster as {Address}; actor nodes find it through --seed-nodes {Address}")]
    public static partial void ClusterJoined(ILogger logger, string address);

    [LoggerMessage(3025, LogLevel.Warning, "The cluster downed this learner ({Address}): its actor system stopped; rejoining in a fresh one on the same address (training and the gRPC endpoint go on)")]
    public static partial void ClusterRejoining(ILogger logger, string address);

    [LoggerMessage(3017, LogLevel.Information, "Actor node {NodeId} announced itself from {Address}")]
    public static partial void NodeAnnounced(ILogger logger, string nodeId, string address);

    [LoggerMessage(3018, LogLevel.Warning, "Actor node {NodeId} is unreachable ({Address})")]
    public static partial void NodeUnreachable(ILogger logger, string nodeId, string address);

    [LoggerMessage(3019, LogLevel.Warning, "Actor node {NodeId} was removed from the cluster ({Address}): its lease and open streams are released")]
    public static partial void NodeRemoved(ILogger logger, string nodeId, string address);

    [LoggerMessage(3020, LogLevel.Warning, "Refused cluster member {Address} (node {NodeId}): {Reason}")]
    public static partial void NodeRefused(ILogger logger, string address, string nodeId, string reason);
}
