using System.Diagnostics;
using AsyncRL.Actors.Telemetry;
using AsyncRL.Actors.Weights;
using AsyncRL.Algorithms;
using AsyncRL.Models.Nn;
using Microsoft.Extensions.Logging;

namespace AsyncRL.Actors.Rollout;

/// <summary>
/// One incarnation of a rollout actor: a loop on its own thread that owns its algorithm (vector env and policy
/// copy), swaps in new weights from its mailbox between fragments, and hands each fragment to its sender.
/// Acting never waits for weights except before the first version and in two schedules:
/// <list type="bullet">
/// <item>N fragments per version (<c>--n N</c>; <c>--sync</c> is N = 1): after the N-th fragment pushed with one
/// version, wait for a newer one.</item>
/// <item>Free-running with a pipeline depth D ≥ 2: fragment k (counted from 0 in this incarnation, whose first
/// fragment used version v₀) uses no version older than v₀ + k − (D − 1). With one actor and one update per
/// fragment, D = 2 is the asynchronous schedule where fragment i + 1 is generated while the learner trains on
/// fragment i and never further ahead; a version that arrives late does not lose the overlap, as the bound is
/// counted, not chained. Fragments the learner rejected trained nothing and are not counted.</item>
/// </list>
/// A fault ends the incarnation; the supervisor decides what next.
/// </summary>
internal sealed class RolloutActor
{
    private readonly ActorSlot _slot;
    private readonly Func<IActorAlgorithm> _createAlgorithm;
    private readonly Func<PolicyWeights?> _currentWeights;
    private readonly int _fragmentsPerVersion;
    private readonly int _pipelineDepth;
    private readonly ActorInstrumentation _instrumentation;
    private readonly ILogger _logger;
    private volatile bool _progressed;

    /// <param name="fragmentsPerVersion">Fragments generated with one version before waiting for a newer one; 0: never wait.</param>
    /// <param name="pipelineDepth">For free-running actors (<paramref name="fragmentsPerVersion"/> 0): 0 or 1 never waits; D ≥ 2: see the class summary.</param>
    public RolloutActor(ActorSlot slot, Func<IActorAlgorithm> createAlgorithm, Func<PolicyWeights?> currentWeights, int fragmentsPerVersion, int pipelineDepth,
        ActorInstrumentation instrumentation, ILogger logger)
    {
        _slot = slot;
        _createAlgorithm = createAlgorithm;
        _currentWeights = currentWeights;
        ArgumentOutOfRangeException.ThrowIfNegative(fragmentsPerVersion);
        _fragmentsPerVersion = fragmentsPerVersion;
        ArgumentOutOfRangeException.ThrowIfNegative(pipelineDepth);
        _pipelineDepth = pipelineDepth;
        _instrumentation = instrumentation;
        _logger = logger;
    }

    /// <summary>Whether this incarnation handed at least one fragment to its sender.</summary>
    public bool Progressed => _progressed;

    /// <summary>Runs the loop on a dedicated thread; completes when it stops, faults with the actor's fault.</summary>
    public Task RunAsync(CancellationToken cancellationToken)
    {
        var completion = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                Run(cancellationToken);
                completion.SetResult();
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                completion.SetResult();
            }
            catch (Exception ex)
            {
                completion.SetException(ex);
            }
        })
        {
            // CPU-bound acting gets its own thread rather than starving the thread pool the streams run on.
            IsBackground = true,
            Name = $"rollout {_slot.ActorId}",
        };
        thread.Start();
        return completion.Task;
    }

    private void Run(CancellationToken cancellationToken)
    {
        using IActorAlgorithm algorithm = _createAlgorithm();
        PolicyWeights? applied = null;
        if (_currentWeights() is { } current) applied = Apply(algorithm.Policy, current, applied);
        long pushedWith = 0; // Sequence of the weights the last fragment was pushed with
        int pushedWithCount = 0; // Fragments pushed with that sequence
        long firstVersion = -1, pushed = 0; // the pipeline's count: version of fragment 0, fragments pushed
        long rejectedBefore = _slot.Sender.Rejected; // the sender outlives incarnations: count this one's rejections only
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!DrainMailbox(algorithm.Policy, ref applied)) return;
            bool mustWait = applied is null
                || MustWaitForNewer(applied.Sequence, pushedWith, pushedWithCount, _fragmentsPerVersion)
                || (_fragmentsPerVersion == 0 && _pipelineDepth > 1 && firstVersion >= 0
                    && applied.Version < firstVersion + pushed - (_slot.Sender.Rejected - rejectedBefore) - (_pipelineDepth - 1));
            if (mustWait)
            {
                if (!WaitForMail(cancellationToken)) return;
                continue;
            }

            // Wait for room to send before generating, then act with whatever arrived meanwhile; on a learner-bound
            // run a fragment made first would sit out the wait and reach the learner a version or more staler.
            _slot.Sender.Reserve(cancellationToken);
            if (!DrainMailbox(algorithm.Policy, ref applied)) return;

            ActorFragment fragment;
            ActivityContext rolloutContext;
            using (Activity? rollout = ActorInstrumentation.ActivitySource.StartActivity("rollout"))
            {
                rollout?.SetTag("asyncrl.actor.id", _slot.ActorId);
                rollout?.SetTag("asyncrl.policy_version", applied!.Version);
                fragment = algorithm.Collect(applied!.Version);
                rollout?.SetTag("asyncrl.env_steps", fragment.EnvSteps);
                rollout?.SetTag("asyncrl.episodes", fragment.EpisodeCount);
                rolloutContext = rollout?.Context ?? default;
            }
            _instrumentation.EnvSteps(fragment.EnvSteps, fragment.EpisodeCount);
            foreach (var episode in fragment.Batch.FinishedEpisodes) _instrumentation.EpisodeReturn(episode.EpisodeReturn);

            _slot.Sender.Submit(fragment.Batch, rolloutContext, cancellationToken); // uses the reserved place
            pushedWithCount = applied.Sequence == pushedWith ? pushedWithCount + 1 : 1;
            pushedWith = applied.Sequence;
            if (firstVersion < 0) firstVersion = applied.Version;
            pushed++;
            _progressed = true;
        }
    }

    /// <summary>
    /// Whether the actor has generated its N fragments with the weights it holds (sequence <paramref name="applied"/>)
    /// and must wait for newer ones; N = 0 never waits.
    /// </summary>
    internal static bool MustWaitForNewer(long applied, long pushedWith, int pushedWithCount, int fragmentsPerVersion) =>
        fragmentsPerVersion > 0 && applied <= pushedWith && pushedWithCount >= fragmentsPerVersion;

    /// <summary>Applies the newest weights waiting in the mailbox; false when told to stop.</summary>
    private bool DrainMailbox(Module policy, ref PolicyWeights? applied)
    {
        while (_slot.Mailbox.Reader.TryRead(out ActorMessage? message))
        {
            switch (message)
            {
                case StopActor stop:
                    ActorLog.ActorStopping(_logger, _slot.ActorId, stop.Reason);
                    return false;
                case NewWeights { Weights: var weights }:
                    applied = Apply(policy, weights, applied);
                    break;
            }
        }
        return !_slot.Mailbox.Reader.Completion.IsCompleted;
    }

    /// <summary>Blocks this actor's own thread until a message arrives; false when the mailbox was closed.</summary>
    private bool WaitForMail(CancellationToken cancellationToken) =>
        _slot.Mailbox.Reader.WaitToReadAsync(cancellationToken).AsTask().GetAwaiter().GetResult();

    private PolicyWeights Apply(Module policy, PolicyWeights weights, PolicyWeights? applied)
    {
        // The mailbox may still hold versions older than the one a restarted incarnation started from.
        if (applied is not null && weights.Sequence <= applied.Sequence) return applied;
        ModuleWeights.Apply(policy, weights.Blob.Span, weights.Parameters, weights.Encoding);
        ActorLog.ActorSwappedWeights(_logger, _slot.ActorId, weights.Version);
        return weights;
    }
}
