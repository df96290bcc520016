using AsyncRL.Algorithms;
using AsyncRL.Contracts.V1;
using AsyncRL.Learner.Ingestion;
using AsyncRL.Learner.Membership;
using AsyncRL.Learner.Publishing;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace AsyncRL.Learner.Service;

/// <summary>
/// <c>asyncrl.v1.Learner</c> as docs/wire-protocol.md specifies it. Handlers never throw at bad input: a
/// bad batch is answered REJECTED on its stream, a bad request with INVALID_ARGUMENT, and the node goes on.
/// </summary>
internal sealed partial class LearnerService : LearnerServiceBase
{
    /// <summary>The trailer that tells actors the run is over (they exit 0).</summary>
    public const string RunFinishedTrailer = "asyncrl-run-finished";

    private const int MaxActorsPerNode = 4096;

    private const uint MaxEnvsPerActor = 1 << 16;

    /// <summary>Longest node id: a DNS name (a pod's name) fits.</summary>
    private const int MaxNodeIdLength = 253;

    private readonly LearnerServiceSettings _settings;
    private readonly ILearnerAlgorithm _algorithm;
    private readonly Deduplicator _dedup;
    private readonly IngestionQueue _queue;
    private readonly WeightsPublisher _publisher;
    private readonly NodeRegistry _registry;
    private readonly RunLifetime _lifetime;
    private readonly IngestCounters _counters;
    private readonly LearnerInstrumentation _instrumentation;
    private readonly ILogger _logger;

    public LearnerService(LearnerServiceSettings settings, ILearnerAlgorithm algorithm, Deduplicator dedup, IngestionQueue queue,
        WeightsPublisher publisher, NodeRegistry registry, RunLifetime lifetime, IngestCounters counters,
        LearnerInstrumentation instrumentation, ILogger logger)
    {
        (_settings, _algorithm, _dedup, _queue, _publisher, _registry) = (settings, algorithm, dedup, queue, publisher, registry);
        (_lifetime, _counters, _instrumentation, _logger) = (lifetime, counters, instrumentation, logger);
    }

    public override Task<RegisterReply> Register(RegisterRequest request, ServerCallContext context)
    {
        EnsureRunning();
        if (string.IsNullOrWhiteSpace(request.NodeId)) throw Invalid("node_id is empty");
        if (request.NodeId.Length > MaxNodeIdLength) throw Invalid($"node_id is {request.NodeId.Length} characters long; the limit is {MaxNodeIdLength}");
        if (request.NodeId.Contains('/', StringComparison.Ordinal))
            throw Invalid($"node_id '{request.NodeId}' contains '/', which separates it from the actor index");
        if (request.ActorCount is 0 or > MaxActorsPerNode)
            throw Invalid($"actor_count {request.ActorCount} is outside [1, {MaxActorsPerNode}]");
        // 0 is allowed: older nodes leave it out, and the learner only records it.
        if (request.EnvsPerActor > MaxEnvsPerActor) throw Invalid($"envs_per_actor {request.EnvsPerActor} is more than {MaxEnvsPerActor}");

        var actorIds = _registry.Register(request.NodeId, request.ActorCount, request.EnvsPerActor, request.Capabilities);
        LearnerLog.Registered(_logger, request.NodeId, request.ActorCount, request.EnvsPerActor);
        var reply = new RegisterReply
        {
            RunId = _settings.RunId,
            Run = _settings.RunSpec.Clone(),
            InitialCredits = _settings.InitialCredits,
            LatestPolicyVersion = Math.Max(0, _publisher.LatestVersion),
            Lease = Duration.FromTimeSpan(_settings.Lease),
        };
        reply.ActorIds.AddRange(actorIds);
        foreach (string actorId in actorIds) reply.NextSeqs.Add(_dedup.NextSeq(actorId));
        return Task.FromResult(reply);
    }

    /// <summary>Calls after the end of the run are refused; calls during shutdown are told to come back.</summary>
    private void EnsureRunning()
    {
        if (_lifetime.IsFinished) throw new RpcException(new Status(StatusCode.FailedPrecondition, "run finished"));
        if (_lifetime.IsStopping) throw ShuttingDown();
    }

    /// <summary>Counts a stream of <paramref name="nodeId"/> as open; RESOURCE_EXHAUSTED when the node holds as many as it may.</summary>
    private CancellationToken OpenStream(string nodeId)
    {
        if (_registry.TryOpenStream(nodeId, out var released, out int limit)) return released;
        _instrumentation.CountRefusedCall(RefusalKind.NodeStreams);
        throw new RpcException(new Status(StatusCode.ResourceExhausted,
            $"node '{nodeId}' already holds {limit} open streams, as many as its registration allows (two per actor plus {NodeRegistry.SpareStreamsPerNode})"));
    }

    private static RpcException Invalid(string detail) => new(new Status(StatusCode.InvalidArgument, detail));

    private static RpcException ShuttingDown() => new(new Status(StatusCode.Unavailable, "the learner is shutting down"));

    /// <summary>
    /// How a stream ends when the node ends it: true (OK, with the run-finished trailer) when the run
    /// finished; UNAVAILABLE when the node stops. False when neither happened (the caller rethrows).
    /// </summary>
    private bool EndedByNode(ServerCallContext context)
    {
        if (_lifetime.IsFinished)
        {
            context.ResponseTrailers.Add(RunFinishedTrailer, "true");
            return true;
        }
        if (_lifetime.IsStopping) throw ShuttingDown();
        return false;
    }
}

/// <summary>What the service hands out and enforces, fixed for the run.</summary>
internal sealed record LearnerServiceSettings(string RunId, RunSpec RunSpec, uint InitialCredits, TimeSpan Lease);
