using System.Reflection;
using Akka.Actor;
using AsyncRL.Actors.Hosting;
using AsyncRL.Actors.Membership;
using AsyncRL.Actors.Rollout;
using AsyncRL.Actors.Sending;
using AsyncRL.Actors.Telemetry;
using AsyncRL.Actors.Weights;
using AsyncRL.Algorithms;
using AsyncRL.Cluster;
using AsyncRL.Cluster.Messages;
using AsyncRL.Contracts.V1;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AsyncRL.Actors;

/// <summary>
/// An actor node (DESIGN.md §4): an actor system <c>asyncrl</c> (a cluster member with role <c>actor</c>, or local),
/// which finds the learner (through the cluster, or at the given address), registers over gRPC, then runs the
/// weights client, one sample sender and one supervised rollout actor (an Akka actor) per actor id, until the
/// caller cancels or the learner says the run finished. The whole data flow is wired in <see cref="RunSessionAsync"/>.
/// </summary>
public sealed class ActorNode
{
    private static readonly string ClientVersion =
        typeof(ActorNode).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    private readonly ActorNodeOptions _options;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly ActorInstrumentation _instrumentation;
    private readonly Lock _gate = new();
    private IReadOnlyList<ActorSlot> _slots = [];
    private string? _runId;
    private long _actingSince;
    private int _started;
    private int _groups;

    /// <summary>A node with the given options; logs to <paramref name="loggerFactory"/>, measures into <paramref name="instrumentation"/>.</summary>
    public ActorNode(ActorNodeOptions options, ILoggerFactory? loggerFactory = null, ActorInstrumentation? instrumentation = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        _logger = _loggerFactory.CreateLogger("AsyncRL.Actors");
        _instrumentation = instrumentation ?? new ActorInstrumentation();
    }

    /// <summary>The node's progress so far.</summary>
    public ActorNodeStats Stats
    {
        get
        {
            ActorTotals totals = _instrumentation.Totals();
            IReadOnlyList<ActorSlot> slots;
            string? runId;
            long since;
            lock (_gate) (slots, runId, since) = (_slots, _runId, _actingSince);
            double seconds = since == 0 ? 0 : _options.TimeProvider.GetElapsedTime(since).TotalSeconds;
            return new ActorNodeStats(runId, totals.EnvSteps, seconds > 0 ? totals.EnvSteps / seconds : 0, totals.Episodes,
                totals.PolicyVersion, totals.LearnerVersion, totals.Restarts, totals.BatchesSent, totals.BatchesAccepted,
                totals.BatchesDuplicate, totals.BatchesRejected, totals.WeightsRejected,
                [.. slots.Select(s => new ActorStats(s.ActorId, s.Restarts, s.Sender.LastSeq, s.Sender.Unacked))], _instrumentation.PushAck());
        }
    }

    /// <summary>
    /// Runs until <paramref name="cancellationToken"/> is cancelled or the learner ends the run. Waits for the
    /// learner as long as it takes (with backoff); follows it through restarts. Throws for what retrying cannot
    /// cure: a refused token, an algorithm or environment this node cannot run.
    /// </summary>
    public async Task<ActorNodeOutcome> RunAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _started, 1) == 1) throw new InvalidOperationException("An actor node runs once.");
        ActorLog.NodeStarting(_logger, _options.NodeId, _options.LearnerAddress?.ToString() ?? "(through the cluster)", _options.Actors, _options.EnvsPerActor);
        Reach(Phases.Connect);
        await using var membership = await NodeMembership.StartAsync(_options, Status, _loggerFactory, _logger, cancellationToken).ConfigureAwait(false);
        var request = new RegisterRequest
        {
            NodeId = _options.NodeId,
            ActorCount = (uint)_options.Actors,
            EnvsPerActor = (uint)_options.EnvsPerActor,
            Capabilities = { "weights.bf16" },
            ClientVersion = ClientVersion,
        };
        try
        {
            while (true)
            {
                Uri address = await LearnerAddressAsync(membership, cancellationToken).ConfigureAwait(false);
                using var channel = LearnerChannel.Create(address, _options, _loggerFactory);
                var invoker = LearnerChannel.Invoker(channel, _options.AuthToken);
                using var session = new LearnerSession(invoker, request, _options, _instrumentation, _logger);
                SessionEnd end = await RunSessionAsync(session, membership, cancellationToken).ConfigureAwait(false);
                if (end == SessionEnd.RunChanged && !cancellationToken.IsCancellationRequested) continue; // a new run: start over
                var outcome = end == SessionEnd.RunFinished ? ActorNodeOutcome.RunFinished : ActorNodeOutcome.Cancelled;
                ActorLog.NodeStopped(_logger, outcome, _instrumentation.Totals().EnvSteps);
                return outcome;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            ActorLog.NodeStopped(_logger, ActorNodeOutcome.Cancelled, _instrumentation.Totals().EnvSteps);
            return ActorNodeOutcome.Cancelled;
        }
    }

    /// <summary>The given address, or the one the learner announces in the cluster (announcing this node either way).</summary>
    private async Task<Uri> LearnerAddressAsync(NodeMembership membership, CancellationToken cancellationToken)
    {
        bool clustered = _options.Cluster is not null || _options.Host is { Clustered: true };
        if (!clustered) return _options.LearnerAddress!;
        var hello = new FindLearner(_options.NodeId, _options.Actors, _options.EnvsPerActor, _options.Cluster?.Protocol ?? _options.Host!.Settings!.Protocol);
        if (_options.LearnerAddress is { } given)
        {
            // The address was given: announce this node to the learner in the background, and start at once.
            _ = AnnounceAsync(membership, hello, cancellationToken);
            return given;
        }
        LearnerFound found = await membership.FindLearnerAsync(hello, cancellationToken).ConfigureAwait(false);
        if (!Uri.TryCreate(found.GrpcAddress, UriKind.Absolute, out Uri? address))
            throw new InvalidDataException($"The learner announced '{found.GrpcAddress}', which is not an address.");
        return address;
    }

    private static async Task AnnounceAsync(NodeMembership membership, FindLearner hello, CancellationToken cancellationToken)
    {
        try
        {
            await membership.FindLearnerAsync(hello, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or JoinRefusedException or ObjectDisposedException or InvalidOperationException)
        {
            // Stopping (the system may be gone already); or refused, which the membership logged. The data plane,
            // on the given address, goes its own way either way.
        }
    }

    private NodeStatus Status()
    {
        ActorNodeStats s = Stats;
        return new NodeStatus(_options.NodeId, s.RunId, s.EnvSteps, s.StepsPerSecond, s.PolicyVersion, s.LearnerPolicyVersion, s.BatchesAccepted, s.Restarts,
            s.Actors.Select(a => new RolloutStatus(a.ActorId, a.Restarts, a.LastSeq, a.Unacked)).ToArray()); // an array: the serializer names the list's type, and a collection expression's is compiler-made
    }

    /// <summary>One run: register, then weights client + senders + supervised actors until the session ends.</summary>
    private async Task<SessionEnd> RunSessionAsync(LearnerSession session, NodeMembership membership, CancellationToken cancellationToken)
    {
        Registration? registration;
        Reach(Phases.Register);
        try
        {
            registration = await session.RegisterAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return SessionEnd.None;
        }
        if (registration is null) return session.End;

        RunSpec spec = registration.Spec ?? throw new InvalidDataException("The learner's registration reply has no run spec.");
        uint lag = _options.Lag ?? spec.Lag;
        int fragmentsPerVersion = FragmentsPerVersion(_options, spec);
        if (fragmentsPerVersion > 0 && lag > 0)
            throw new InvalidOperationException($"Sync mode (N = {fragmentsPerVersion}) needs lag 0 (got {lag}): the version after v only comes {lag} updates later, from samples sync mode would be waiting to generate.");
        if (registration.Reply.ActorIds.Count != _options.Actors)
            ActorLog.ActorCountMismatch(_logger, _options.Actors, registration.Reply.ActorIds.Count);

        using IActorAlgorithm probe = _options.AlgorithmFactory(spec, new ActorAlgorithmSettings($"{_options.NodeId}/probe", spec.Seed, 1));
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, session.Ended);
        ActorSlot[] slots = [.. registration.Reply.ActorIds.Select((id, i) => new ActorSlot(i, id,
            new SampleSender(id, session, registration, _options.MaxUnackedBatches, _options.Reconnect, _instrumentation, _logger, _options.TimeProvider)))];
        lock (_gate) (_slots, _runId) = (slots, registration.RunId);

        var weights = new WeightsClient(session,
            new WeightsClientSettings(_options.NodeId, lag, _options.WeightsEncoding ?? spec.WeightsEncoding, _options.FetchTimeout),
            new WeightsValidator(probe.Policy),
            installed => { foreach (ActorSlot slot in slots) slot.Actor.Tell(new NewWeights(installed)); },
            _instrumentation, _logger, _options.Reconnect, _options.TimeProvider);
        session.Renewed += renewed => weights.Rebase(renewed.LatestPolicyVersion);

        var schedule = new RolloutSchedule(fragmentsPerVersion, fragmentsPerVersion > 0 ? 0 : PipelineDepth(spec, lag));
        Props RolloutProps(ActorSlot slot) => Props.Create(() => new RolloutActor(slot,
            incarnation => _options.AlgorithmFactory(spec, new ActorAlgorithmSettings(slot.ActorId, ActorSeed.Derive(spec.Seed, slot.ActorId, incarnation), _options.EnvsPerActor)),
            () => weights.Current, schedule, _instrumentation, _logger));
        IActorRef? group = null;
        var groupGate = new Lock();
        void SpawnGroup(ActorSystem system)
        {
            lock (groupGate)
            {
                if (stop.IsCancellationRequested) return;
                group = system.ActorOf(RolloutGroup.Props(slots, RolloutProps, _options.Restart), $"rollout-{Interlocked.Increment(ref _groups)}");
            }
        }

        List<Task> components = [weights.RunAsync(registration.LatestPolicyVersion, stop.Token), .. slots.Select(s => s.Sender.RunAsync(stop.Token))];
        bool acting = false;
        // A node the cluster removed rejoins in a fresh actor system: its rollout actors start again there.
        void OnRestarted(ActorSystem system)
        {
            if (Volatile.Read(ref acting)) SpawnGroup(system);
        }
        membership.Restarted += OnRestarted;
        try
        {
            // UpdateAndWait: acting starts with the first version; a component failing first ends the wait too.
            Task first = weights.WaitForFirstAsync(stop.Token);
            await Task.WhenAny(components.Append(first)).ConfigureAwait(false);
            if (first.IsCompletedSuccessfully)
            {
                lock (_gate) _actingSince = _options.TimeProvider.GetTimestamp();
                ActorLog.ActingStarted(_logger, weights.Current!.Version);
                Volatile.Write(ref acting, true);
                SpawnGroup(membership.System);
                Reach(Phases.Act);
            }
            // Runs until the caller cancels, the run ends, or a component fails in a way retrying cannot cure.
            await Task.WhenAny(components.Append(Task.Delay(Timeout.Infinite, stop.Token))).ConfigureAwait(false);
        }
        finally
        {
            membership.Restarted -= OnRestarted;
            await stop.CancelAsync().ConfigureAwait(false);
            IActorRef? last;
            lock (groupGate) last = group;
            await StopGroupAsync(last).ConfigureAwait(false);
            await Task.WhenAll(components.Select(SwallowCancellation)).ConfigureAwait(false);
        }
        Task? failed = components.FirstOrDefault(t => t.IsFaulted);
        if (failed is not null) await failed.ConfigureAwait(false); // rethrows the component's failure
        return session.End;
    }

    private void Reach(string phase) => _options.PhaseReached?.Invoke(phase);

    /// <summary>The phases an actor node reports through <see cref="ActorNodeOptions.PhaseReached"/>, in order.</summary>
    public static class Phases
    {
        /// <summary>Starting the actor system and finding the learner (through the cluster, when clustered).</summary>
        public const string Connect = "connect";

        /// <summary>Registering with the learner over gRPC.</summary>
        public const string Register = "register";

        /// <summary>Acting: the first weights arrived and the rollout actors run.</summary>
        public const string Act = "act";
    }

    /// <summary>Fragments each actor generates per version: the node's own N, else the run spec's, else 1 under --sync; 0: free-running.</summary>
    internal static int FragmentsPerVersion(ActorNodeOptions options, RunSpec spec) =>
        options.OffPolicyN ?? (spec.FragmentsPerVersion > 0 ? checked((int)spec.FragmentsPerVersion) : options.Sync ? 1 : 0);

    /// <summary>Stops the rollout actors (each finishes the fragment it is collecting) before the senders go.</summary>
    private static async Task StopGroupAsync(IActorRef? group)
    {
        if (group is null) return;
        try
        {
            await group.GracefulStop(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TaskCanceledException or AskTimeoutException or OperationCanceledException)
        {
            // A fragment longer than the grace, or a system already gone with the cluster: nothing left to wait for.
        }
    }

    private static async Task SwallowCancellation(Task task)
    {
        try
        {
            await task.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Shutdown.
        }
        catch (Exception)
        {
            // Observed (and rethrown) by RunSessionAsync after every component stopped.
        }
    }

    /// <summary>
    /// Sync mode waits for a new version after every fragment (depth 1); otherwise a run spec may ask for a pipeline
    /// (<c>acting.pipeline_depth</c>, the language algorithms' asynchronous schedule) when acting with the newest version.
    /// </summary>
    /// <summary>The run spec's pipeline depth for free-running actors (0: none; N-mode and sync wait their own way).</summary>
    private static int PipelineDepth(RunSpec spec, uint lag)
    {
        if (lag > 0 || spec.Acting is null || !spec.Acting.Fields.TryGetValue("pipeline_depth", out var depth)) return 0;
        return depth.KindCase == Google.Protobuf.WellKnownTypes.Value.KindOneofCase.NumberValue ? Math.Max(0, (int)depth.NumberValue) : 0;
    }
}
