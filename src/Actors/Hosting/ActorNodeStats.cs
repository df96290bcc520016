namespace AsyncRL.Actors;

/// <summary>How a node's run ended.</summary>
public enum ActorNodeOutcome
{
    /// <summary>Stopped by the caller's cancellation.</summary>
    Cancelled,

    /// <summary>The learner said the run finished (solved or step budget reached): exit 0.</summary>
    RunFinished,
}

/// <summary>A snapshot of a node's progress, for the CLI's display.</summary>
/// <param name="RunId">The learner's run (null before registration).</param>
/// <param name="EnvSteps">Environment steps taken.</param>
/// <param name="StepsPerSecond">Env steps per second since acting started.</param>
/// <param name="Episodes">Episodes finished.</param>
/// <param name="PolicyVersion">Version the actors act with (−1 before the first).</param>
/// <param name="LearnerPolicyVersion">Learner's newest version as the last ack said (−1 before the first ack).</param>
/// <param name="Restarts">Actor restarts after faults, all actors together.</param>
/// <param name="BatchesSent">Batches written to a stream, re-sends included.</param>
/// <param name="BatchesAccepted">Batches the learner stored.</param>
/// <param name="BatchesDuplicate">Re-sent batches the learner had already stored.</param>
/// <param name="BatchesRejected">Batches the learner found invalid (never re-sent).</param>
/// <param name="WeightsRejected">Weights versions refused (corrupt or not fitting the model).</param>
/// <param name="Actors">Per actor: id, restarts, last seq, un-acked batches.</param>
/// <param name="PushAck">Time from writing each answered batch to its answer.</param>
public sealed record ActorNodeStats(
    string? RunId,
    long EnvSteps,
    double StepsPerSecond,
    long Episodes,
    long PolicyVersion,
    long LearnerPolicyVersion,
    long Restarts,
    long BatchesSent,
    long BatchesAccepted,
    long BatchesDuplicate,
    long BatchesRejected,
    long WeightsRejected,
    IReadOnlyList<ActorStats> Actors,
    LatencySnapshot PushAck);

/// <summary>One rollout actor's state.</summary>
/// <param name="ActorId">The id the learner assigned.</param>
/// <param name="Restarts">Times the supervisor restarted it.</param>
/// <param name="LastSeq">Last seq it submitted.</param>
/// <param name="Unacked">Batches not yet answered by the learner.</param>
public sealed record ActorStats(string ActorId, long Restarts, ulong LastSeq, int Unacked);
