using System.Net.Security;
using AsyncRL.Algorithms;
using AsyncRL.Cluster;
using AsyncRL.Contracts.V1;

namespace AsyncRL.Actors;

/// <summary>How an actor node connects, how many actors it runs, and how it acts. Everything else comes from the learner's run spec.</summary>
public sealed record ActorNodeOptions
{
    /// <summary>
    /// The learner's gRPC address (<c>http://host:port</c>, or https:// for TLS); null: asked of the learner through
    /// the cluster (<see cref="Cluster"/>). Given together with a cluster, it overrides what the learner announces.
    /// </summary>
    public Uri? LearnerAddress { get; init; }

    /// <summary>The cluster to join (role <c>actor</c>); null: a local actor system, with <see cref="LearnerAddress"/> required.</summary>
    public ClusterSettings? Cluster { get; init; }

    /// <summary>
    /// An actor system the caller owns (<c>asyncrl train</c> runs learner and actors in one); null: the node starts
    /// its own from <see cref="Cluster"/>, and starts a fresh one when the cluster removed it.
    /// </summary>
    public ClusterHost? Host { get; init; }

    /// <summary>
    /// Told, synchronously, of each phase the node enters (<see cref="ActorNode.Phases"/>): the program composing the
    /// node can log them, and its signal tests hold the node there.
    /// </summary>
    public Action<string>? PhaseReached { get; init; }

    /// <summary>Stable id of this node (e.g. the pod name); registering again with it returns the same actor ids.</summary>
    public string NodeId { get; init; } = DefaultNodeId();

    /// <summary>Rollout actors on this node (Akka actors, one thread each).</summary>
    public int Actors { get; init; } = 2;

    /// <summary>Environments each actor steps together.</summary>
    public int EnvsPerActor { get; init; } = 8;

    /// <summary>Act with the version this many behind the newest, instead of the run spec's <c>lag</c>.</summary>
    public uint? Lag { get; init; }

    /// <summary>
    /// The synchronous baseline: after pushing a fragment generated with version v, wait for a version newer than
    /// v before the next one. Needs lag 0 (with lag N the version after v only comes N updates later, which need
    /// samples this node is waiting to generate).
    /// </summary>
    public bool Sync { get; init; }

    /// <summary>
    /// Off-policyness N instead of the run spec's <c>fragments_per_version</c>: each actor generates N fragments with the
    /// version it holds, then waits for a newer one. Null: the run spec's (and 1 under <see cref="Sync"/> when the run spec
    /// has none). Needs lag 0, as <see cref="Sync"/> does. Normally left to the learner, whose publishing it must match.
    /// </summary>
    public int? OffPolicyN { get; init; }

    /// <summary>Sent as <c>authorization: Bearer …</c> on every call when the learner has a token.</summary>
    public string? AuthToken { get; init; }

    /// <summary>Validates the learner's certificate on an https:// address; null: the system's trust store.</summary>
    public RemoteCertificateValidationCallback? RemoteCertificateValidation { get; init; }

    /// <summary>Un-acked batches kept per actor (sent or waiting for credits); a full window blocks the actor.</summary>
    public int MaxUnackedBatches { get; init; } = 16;

    /// <summary>Backoff of registration, reconnects of the sample and weights streams, and weights fetches.</summary>
    public BackoffOptions Reconnect { get; init; } = new();

    /// <summary>Backoff between restarts of an actor that keeps faulting before producing anything.</summary>
    public BackoffOptions Restart { get; init; } = new() { InitialDelay = TimeSpan.FromMilliseconds(100), MaxDelay = TimeSpan.FromSeconds(30) };

    /// <summary>Deadline of a <c>Register</c> call.</summary>
    public TimeSpan CallTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Deadline of one <c>GetWeights</c> call.</summary>
    public TimeSpan FetchTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Weights encoding to ask for; null: the run spec's.</summary>
    public WeightsEncoding? WeightsEncoding { get; init; }

    /// <summary>Clock for backoff delays, deadlines and rates.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>
    /// Builds each actor's algorithm from the run spec (default: <see cref="ActorAlgorithms.Create"/>). Also called
    /// once with actor id <c>{node}/probe</c> for the model that new weights are checked against.
    /// </summary>
    public Func<RunSpec, ActorAlgorithmSettings, IActorAlgorithm> AlgorithmFactory { get; init; } = ActorAlgorithms.Create;

    /// <summary>Host name and process id: unique per process, readable in the learner's log.</summary>
    public static string DefaultNodeId() => $"{Environment.MachineName.ToLowerInvariant()}-{Environment.ProcessId}";

    /// <summary>Throws when a value is out of range.</summary>
    public void Validate()
    {
        if (LearnerAddress is null && Cluster is null && Host is not { Clustered: true })
            throw new ArgumentException("Actor node: give the learner's address (--learner) or seed nodes to find it through the cluster (--seed-nodes).");
        if (LearnerAddress is not null && (!LearnerAddress.IsAbsoluteUri || (LearnerAddress.Scheme != Uri.UriSchemeHttp && LearnerAddress.Scheme != Uri.UriSchemeHttps)))
            throw new ArgumentException($"Actor node: the learner address must be http:// or https://, not '{LearnerAddress}'.");
        Cluster?.Validate();
        ArgumentException.ThrowIfNullOrWhiteSpace(NodeId);
        if (Actors < 1) throw new ArgumentException($"Actor node: needs at least one actor, got {Actors}.");
        if (EnvsPerActor < 1) throw new ArgumentException($"Actor node: needs at least one env per actor, got {EnvsPerActor}.");
        if (OffPolicyN < 1) throw new ArgumentException($"Actor node: N (fragments per version) must be at least 1, got {OffPolicyN}.");
        if (MaxUnackedBatches < 1) throw new ArgumentException($"Actor node: the un-acked window must hold at least one batch, got {MaxUnackedBatches}.");
        if (CallTimeout <= TimeSpan.Zero || FetchTimeout <= TimeSpan.Zero) throw new ArgumentException("Actor node: call timeouts must be positive.");
        ArgumentNullException.ThrowIfNull(TimeProvider);
        ArgumentNullException.ThrowIfNull(AlgorithmFactory);
        Reconnect.Validate();
        Restart.Validate();
    }
}
