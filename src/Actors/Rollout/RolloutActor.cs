using System.Diagnostics;
using Akka.Actor;
using Akka.Pattern;
using AsyncRL.Actors.Telemetry;
using AsyncRL.Actors.Weights;
using AsyncRL.Algorithms;
using Microsoft.Extensions.Logging;

namespace AsyncRL.Actors.Rollout;

/// <summary>
/// One incarnation of a rollout actor (an Akka actor on a thread of its own): it owns its algorithm (vector env
/// and policy copy), collects one fragment per <see cref="Collect"/> message and sends itself the next, so new
/// weights and room to send are read from the mailbox between fragments. Acting never waits for weights except
/// before the first version and in two schedules:
/// <list type="bullet">
/// <item>N fragments per version (<c>--n N</c>; <c>--sync</c> is N = 1): after the N-th fragment pushed with one
/// version, wait for a newer one.</item>
/// <item>Free-running with a pipeline depth D ≥ 2: fragment k (counted from 0 in this incarnation, whose first
/// fragment used version v₀) uses no version older than v₀ + k − (D − 1). With one actor and one update per
/// fragment, D = 2 is the asynchronous schedule where fragment i + 1 is generated while the learner trains on
/// fragment i and never further ahead; a version that arrives late does not lose the overlap, as the bound is
/// counted, not chained. Fragments the learner rejected trained nothing and are not counted.</item>
/// </list>
/// A fault ends the incarnation; its <see cref="RolloutSupervision">backoff supervisor</see> starts the next.
/// </summary>
internal sealed class RolloutActor : UntypedActor
{
    private readonly ActorSlot _slot;
    private readonly Func<int, IActorAlgorithm> _createAlgorithm;
    private readonly Func<PolicyWeights?> _currentWeights;
    private readonly RolloutSchedule _schedule;
    private readonly ActorInstrumentation _instrumentation;
    private readonly ILogger _logger;
    private IActorAlgorithm? _algorithm;
    private int _incarnation;
    private PolicyWeights? _applied, _pending;
    private long _pushedWith; // Sequence of the weights the last fragment was pushed with
    private int _pushedWithCount; // Fragments pushed with that sequence
    private long _firstVersion = -1, _pushed; // the pipeline's count: version of fragment 0, fragments pushed
    private long _rejectedBefore; // the sender outlives incarnations: count this one's rejections only
    private bool _collectQueued, _waitingForRoom, _progressed;

    /// <param name="slot">What outlives the incarnation.</param>
    /// <param name="createAlgorithm">Builds the algorithm of incarnation n (its seed depends on n).</param>
    /// <param name="currentWeights">The node's newest weights, applied at start.</param>
    /// <param name="schedule">When to wait for a newer version.</param>
    /// <param name="instrumentation">Counts steps, episodes and restarts.</param>
    /// <param name="logger">Logs swaps, faults and restarts.</param>
    public RolloutActor(ActorSlot slot, Func<int, IActorAlgorithm> createAlgorithm, Func<PolicyWeights?> currentWeights, RolloutSchedule schedule,
        ActorInstrumentation instrumentation, ILogger logger)
    {
        _slot = slot;
        _createAlgorithm = createAlgorithm;
        _currentWeights = currentWeights;
        _schedule = schedule;
        _instrumentation = instrumentation;
        _logger = logger;
    }

    /// <inheritdoc />
    protected override void PreStart()
    {
        _incarnation = _slot.NextIncarnation();
        if (_incarnation > 0)
        {
            _slot.CountRestart();
            _instrumentation.Restart();
            ActorLog.ActorRestarted(_logger, _slot.ActorId, _incarnation);
        }
        _algorithm = _createAlgorithm(_incarnation);
        _rejectedBefore = _slot.Sender.Rejected;
        _pending = _currentWeights();
        QueueCollect();
    }

    /// <inheritdoc />
    protected override void PostStop()
    {
        _algorithm?.Dispose();
        _algorithm = null;
    }

    /// <inheritdoc />
    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case NewWeights { Weights: var weights }:
                // Only the newest matters: applied once, just before the next fragment.
                if (_pending is null || weights.Sequence > _pending.Sequence) _pending = weights;
                QueueCollect();
                break;
            case RoomFree:
                _waitingForRoom = false;
                QueueCollect();
                break;
            case Collect:
                _collectQueued = false;
                Step();
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private void Step()
    {
        ApplyPending();
        if (_applied is null || MustWait(_applied) || _waitingForRoom) return; // woken by NewWeights or RoomFree

        // Wait for room to send before generating, then act with whatever arrived meanwhile; on a learner-bound
        // run a fragment made first would sit out the wait and reach the learner a version or more staler.
        IActorRef self = Self;
        if (!_slot.Sender.TryReserve(() => self.Tell(RoomFree.Instance)))
        {
            _waitingForRoom = true;
            return;
        }
        PolicyWeights applied = _applied;
        ActorFragment fragment;
        ActivityContext rolloutContext;
        try
        {
            using Activity? rollout = ActorInstrumentation.ActivitySource.StartActivity("rollout");
            rollout?.SetTag("asyncrl.actor.id", _slot.ActorId);
            rollout?.SetTag("asyncrl.policy_version", applied.Version);
            fragment = _algorithm!.Collect(applied.Version);
            rollout?.SetTag("asyncrl.env_steps", fragment.EnvSteps);
            rollout?.SetTag("asyncrl.episodes", fragment.EpisodeCount);
            rolloutContext = rollout?.Context ?? default;
        }
        catch (Exception ex)
        {
            ActorLog.ActorFaulted(_logger, _slot.ActorId, _incarnation, ex);
            throw; // the supervisor restarts a fresh incarnation (new algorithm, next seed)
        }
        _instrumentation.EnvSteps(fragment.EnvSteps, fragment.EpisodeCount);
        foreach (var episode in fragment.Batch.FinishedEpisodes) _instrumentation.EpisodeReturn(episode.EpisodeReturn);

        _slot.Sender.Submit(fragment.Batch, rolloutContext); // uses the reserved place
        _pushedWithCount = applied.Sequence == _pushedWith ? _pushedWithCount + 1 : 1;
        _pushedWith = applied.Sequence;
        if (_firstVersion < 0) _firstVersion = applied.Version;
        _pushed++;
        if (!_progressed)
        {
            // It worked: a later fault restarts after the shortest delay, not after the backoff so far.
            _progressed = true;
            Context.Parent.Tell(BackoffSupervisor.Reset.Instance);
        }
        QueueCollect();
    }

    private bool MustWait(PolicyWeights applied) =>
        MustWaitForNewer(applied.Sequence, _pushedWith, _pushedWithCount, _schedule.FragmentsPerVersion)
        || (_schedule.FragmentsPerVersion == 0 && _schedule.PipelineDepth > 1 && _firstVersion >= 0
            && applied.Version < _firstVersion + _pushed - (_slot.Sender.Rejected - _rejectedBefore) - (_schedule.PipelineDepth - 1));

    /// <summary>
    /// Whether the actor has generated its N fragments with the weights it holds (sequence <paramref name="applied"/>)
    /// and must wait for newer ones; N = 0 never waits.
    /// </summary>
    internal static bool MustWaitForNewer(long applied, long pushedWith, int pushedWithCount, int fragmentsPerVersion) =>
        fragmentsPerVersion > 0 && applied <= pushedWith && pushedWithCount >= fragmentsPerVersion;

    private void QueueCollect()
    {
        if (_collectQueued) return;
        _collectQueued = true;
        Self.Tell(Collect.Instance);
    }

    private void ApplyPending()
    {
        if (_pending is not { } weights) return;
        _pending = null;
        // A restarted incarnation may be handed versions older than the one it started from.
        if (_applied is not null && weights.Sequence <= _applied.Sequence) return;
        ModuleWeights.Apply(_algorithm!.Policy, weights.Blob.Span, weights.Parameters, weights.Encoding);
        ActorLog.ActorSwappedWeights(_logger, _slot.ActorId, weights.Version);
        _applied = weights;
    }
}

/// <summary>When a rollout actor waits for a newer version (see <see cref="RolloutActor"/>).</summary>
/// <param name="FragmentsPerVersion">Fragments generated with one version before waiting for a newer one; 0: never wait.</param>
/// <param name="PipelineDepth">For free-running actors: 0 or 1 never waits; D ≥ 2: the pipeline bound.</param>
internal sealed record RolloutSchedule(int FragmentsPerVersion, int PipelineDepth)
{
    public int FragmentsPerVersion { get; } = FragmentsPerVersion >= 0 ? FragmentsPerVersion : throw new ArgumentOutOfRangeException(nameof(FragmentsPerVersion));

    public int PipelineDepth { get; } = PipelineDepth >= 0 ? PipelineDepth : throw new ArgumentOutOfRangeException(nameof(PipelineDepth));
}
