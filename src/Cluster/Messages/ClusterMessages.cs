namespace AsyncRL.Cluster.Messages;

/// <summary>Where the nodes' well-known actors live (<c>{member address}{path}</c>).</summary>
public static class ClusterPaths
{
    /// <summary>The learner's directory: answers <see cref="FindLearner"/>.</summary>
    public const string Learner = "/user/learner";

    /// <summary>An actor node's status actor: answers <see cref="GetNodeStatus"/>.</summary>
    public const string ActorNode = "/user/actor-node";
}

// Control messages only: samples and weights travel over gRPC. They cross processes through Akka's default
// serializer (JSON with type names), so they are plain records of strings, numbers and lists; a list must be
// an array or a List<T>, not a collection expression's compiler-made type, which the far side cannot build.

/// <summary>An actor node asks the learner for its gRPC endpoint, announcing itself.</summary>
/// <param name="NodeId">The node's stable id (the one it registers with over gRPC).</param>
/// <param name="Actors">Rollout actors it runs.</param>
/// <param name="EnvsPerActor">Environments per actor.</param>
/// <param name="Protocol">Its <see cref="ClusterSettings.Protocol"/>; the learner refuses another.</param>
public sealed record FindLearner(string NodeId, int Actors, int EnvsPerActor, string Protocol);

/// <summary>The learner's answer: where to send samples and fetch weights.</summary>
/// <param name="GrpcAddress">The learner's gRPC address (<c>http://…</c> or <c>https://…</c>).</param>
/// <param name="RunId">The run now being trained.</param>
public sealed record LearnerFound(string GrpcAddress, string RunId);

/// <summary>Asks the learner where it serves (answered with <see cref="LearnerFound"/>), without announcing a node: for observers.</summary>
public sealed record DescribeLearner
{
    /// <summary>The one instance.</summary>
    public static DescribeLearner Instance { get; } = new();
}

/// <summary>The learner will not have this node: why (the node stops and leaves).</summary>
public sealed record JoinRefused(string Reason);

/// <summary>Asks an actor node for its <see cref="NodeStatus"/>.</summary>
public sealed record GetNodeStatus
{
    /// <summary>The one instance.</summary>
    public static GetNodeStatus Instance { get; } = new();
}

/// <summary>An actor node's progress, for <c>asyncrl cluster</c>.</summary>
/// <param name="NodeId">The node's id.</param>
/// <param name="RunId">The run it acts for (null before registering).</param>
/// <param name="EnvSteps">Environment steps so far.</param>
/// <param name="StepsPerSecond">Steps per second since acting started.</param>
/// <param name="PolicyVersion">Newest version its actors act with.</param>
/// <param name="LearnerVersion">Newest learner version its acks reported.</param>
/// <param name="BatchesAccepted">Batches the learner accepted.</param>
/// <param name="Restarts">Rollout actor restarts.</param>
/// <param name="Actors">Each rollout actor.</param>
public sealed record NodeStatus(string NodeId, string? RunId, long EnvSteps, double StepsPerSecond, long PolicyVersion, long LearnerVersion,
    long BatchesAccepted, long Restarts, IReadOnlyList<RolloutStatus> Actors)
{
    /// <summary>How many versions behind the learner the node's newest samples were made (learner version − policy version).</summary>
    public long Staleness => Math.Max(0, LearnerVersion - PolicyVersion);
}

/// <summary>One rollout actor of a node.</summary>
/// <param name="ActorId">Its id.</param>
/// <param name="Restarts">Times its supervisor restarted it.</param>
/// <param name="LastSeq">Last batch seq it submitted.</param>
/// <param name="Unacked">Batches submitted and not yet answered.</param>
public sealed record RolloutStatus(string ActorId, long Restarts, ulong LastSeq, int Unacked);
