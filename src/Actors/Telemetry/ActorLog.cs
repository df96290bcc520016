using AsyncRL.Actors.Hosting;
using AsyncRL.Contracts.V1;
using Microsoft.Extensions.Logging;

namespace AsyncRL.Actors.Telemetry;

/// <summary>The actor node's log messages. Event ids are stable (3001–3099 belong to the actor node).</summary>
internal static partial class ActorLog
{
    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Actor node {NodeId}: connecting to {Learner} with {Actors} actors × {Envs} envs")]
    public static partial void NodeStarting(ILogger logger, string nodeId, string learner, int actors, int envs);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Information, Message = "Node {NodeId} registered: run {RunId}, {Actors} actor ids, learner at v{Latest}, {Credits} initial credits")]
    public static partial void Registered(ILogger logger, string nodeId, string runId, int actors, long latest, uint credits);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Warning, Message = "Register failed (attempt {Attempt}); retrying in {DelaySeconds:0.00} s: {Error}")]
    public static partial void RegisterRetry(ILogger logger, int attempt, double delaySeconds, string error);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Information, Message = "Registered again with run {RunId} (generation {Generation}); learner at v{Latest}")]
    public static partial void Renewed(ILogger logger, string runId, int generation, long latest);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Warning, Message = "The learner now runs {NewRun} instead of {OldRun}: starting over")]
    public static partial void RunChanged(ILogger logger, string oldRun, string newRun);

    [LoggerMessage(EventId = 3006, Level = LogLevel.Information, Message = "Session with the learner ended: {Reason}")]
    public static partial void SessionEnded(ILogger logger, SessionEnd reason);

    [LoggerMessage(EventId = 3007, Level = LogLevel.Warning, Message = "Registration got {Actual} actor ids for {Asked} actors; running {Actual}")]
    public static partial void ActorCountMismatch(ILogger logger, int asked, int actual);

    [LoggerMessage(EventId = 3008, Level = LogLevel.Information, Message = "Acting started with v{Version}")]
    public static partial void ActingStarted(ILogger logger, long version);

    [LoggerMessage(EventId = 3009, Level = LogLevel.Information, Message = "Actor node stopped ({Outcome}) after {EnvSteps} env steps")]
    public static partial void NodeStopped(ILogger logger, ActorNodeOutcome outcome, long envSteps);

    [LoggerMessage(EventId = 3010, Level = LogLevel.Information, Message = "Actor {ActorId}: the learner has seen its batches before; continuing at seq {Seq}")]
    public static partial void ContinuingSeq(ILogger logger, string actorId, ulong seq);

    [LoggerMessage(EventId = 3020, Level = LogLevel.Debug, Message = "Weights v{Version} installed from {Source} (learner at v{Latest})")]
    public static partial void WeightsInstalled(ILogger logger, long version, string source, long latest);

    [LoggerMessage(EventId = 3021, Level = LogLevel.Error, Message = "Weights v{Version} refused: {Problem}")]
    public static partial void WeightsRefused(ILogger logger, long version, string problem);

    [LoggerMessage(EventId = 3022, Level = LogLevel.Error, Message = "Corrupt weights stream: {Problem}")]
    public static partial void WeightsCorrupt(ILogger logger, string problem);

    [LoggerMessage(EventId = 3023, Level = LogLevel.Warning, Message = "The learner went back from v{From} to v{To} (restored from a checkpoint): following it")]
    public static partial void WeightsRolledBack(ILogger logger, long from, long to);

    [LoggerMessage(EventId = 3024, Level = LogLevel.Warning, Message = "{Call} failed (attempt {Attempt}); retrying in {DelaySeconds:0.00} s: {Error}")]
    public static partial void CallRetry(ILogger logger, string call, int attempt, double delaySeconds, string error);

    [LoggerMessage(EventId = 3040, Level = LogLevel.Warning, Message = "Sample stream of {ActorId} failed (attempt {Attempt}); reconnecting in {DelaySeconds:0.00} s: {Error}")]
    public static partial void PushRetry(ILogger logger, string actorId, int attempt, double delaySeconds, string error);

    [LoggerMessage(EventId = 3041, Level = LogLevel.Warning, Message = "Batch {ActorId}#{Seq} rejected (code {Code}): {Reason}")]
    public static partial void BatchRejected(ILogger logger, string actorId, ulong seq, int code, string reason);

    [LoggerMessage(EventId = 3042, Level = LogLevel.Debug, Message = "Ack for {ActorId}#{Seq} ({Status}) matches no un-acked batch")]
    public static partial void UnexpectedAck(ILogger logger, string actorId, ulong seq, AckStatus status);

    [LoggerMessage(EventId = 3060, Level = LogLevel.Error, Message = "Actor {ActorId} (incarnation {Incarnation}) faulted")]
    public static partial void ActorFaulted(ILogger logger, string actorId, int incarnation, Exception exception);

    [LoggerMessage(EventId = 3061, Level = LogLevel.Warning, Message = "Actor {ActorId} restarted by its supervisor (incarnation {Incarnation}, fresh seed)")]
    public static partial void ActorRestarted(ILogger logger, string actorId, int incarnation);

    [LoggerMessage(EventId = 3063, Level = LogLevel.Trace, Message = "Actor {ActorId} now acts with v{Version}")]
    public static partial void ActorSwappedWeights(ILogger logger, string actorId, long version);

    [LoggerMessage(EventId = 3070, Level = LogLevel.Information, Message = "Found the learner through the cluster: {Address} (run {RunId}, member {Member})")]
    public static partial void LearnerFound(ILogger logger, string address, string runId, string member);

    [LoggerMessage(EventId = 3071, Level = LogLevel.Information, Message = "No learner in the cluster yet after {Seconds:F0} s; still looking")]
    public static partial void StillLookingForLearner(ILogger logger, double seconds);

    [LoggerMessage(EventId = 3072, Level = LogLevel.Error, Message = "The learner refused this node: {Reason}")]
    public static partial void JoinRefused(ILogger logger, string reason);

    [LoggerMessage(EventId = 3073, Level = LogLevel.Warning, Message = "This node was removed from the cluster; rejoining in a fresh actor system (un-acked batches kept)")]
    public static partial void Rejoining(ILogger logger);

    [LoggerMessage(EventId = 3074, Level = LogLevel.Warning, Message = "No learner in this node's cluster for {Seconds:F0} s (it left); leaving and joining the seeds again (un-acked batches kept)")]
    public static partial void LearnerLeft(ILogger logger, double seconds);
}
