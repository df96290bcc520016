using Akka.Actor;
using AsyncRL.Actors.Telemetry;
using AsyncRL.Cluster;
using AsyncRL.Cluster.Messages;
using Microsoft.Extensions.Logging;
using AkkaCluster = Akka.Cluster.Cluster;

namespace AsyncRL.Actors.Membership;

/// <summary>
/// The actor node's actor system and its place in the cluster. A clustered node that the cluster removed (its
/// learner crashed, so the split brain resolver downed the learner-less side; or it was cut off too long) cannot
/// join again with the same system: this starts a fresh one, which joins the seeds as soon as they answer, and
/// raises <see cref="Restarted"/> so the node respawns its rollout actors there. Samples and weights do not
/// pass through here: the senders keep their un-acked batches meanwhile.
/// </summary>
internal sealed class NodeMembership : IAsyncDisposable
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(3);
    private readonly ActorNodeOptions _options;
    private readonly Func<NodeStatus> _status;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly bool _owned;
    private ClusterHost _host;
    private Task _watch = Task.CompletedTask;
    private volatile string? _refusal;

    private NodeMembership(ActorNodeOptions options, ClusterHost host, bool owned, Func<NodeStatus> status, ILoggerFactory loggerFactory, ILogger logger)
    {
        _options = options;
        _host = host;
        _owned = owned;
        _status = status;
        _loggerFactory = loggerFactory;
        _logger = logger;
    }

    /// <summary>The current actor system.</summary>
    public ActorSystem System => Volatile.Read(ref _host).System;

    /// <summary>Raised with the new actor system after the node rejoined in one.</summary>
    public event Action<ActorSystem>? Restarted;

    /// <summary>Why the learner refused this node, once it did.</summary>
    public string? Refusal => _refusal;

    /// <summary>Starts (or adopts the caller's) actor system, with the node's status actor in it.</summary>
    public static async Task<NodeMembership> StartAsync(ActorNodeOptions options, Func<NodeStatus> status, ILoggerFactory loggerFactory, ILogger logger,
        CancellationToken cancellationToken)
    {
        bool owned = options.Host is null;
        ClusterHost host = options.Host ?? await ClusterHost.StartAsync(options.Cluster, loggerFactory, cancellationToken).ConfigureAwait(false);
        var membership = new NodeMembership(options, host, owned, status, loggerFactory, logger);
        membership.SpawnStatus(host.System);
        if (owned && host.Clustered) membership._watch = membership.WatchAsync();
        return membership;
    }

    /// <summary>
    /// Finds the learner's gRPC endpoint through the cluster: asks each Up member with the learner role, until one
    /// answers (however long that takes; logged every 10 s). Throws <see cref="JoinRefusedException"/> when the
    /// learner refuses this node.
    /// </summary>
    public async Task<LearnerFound> FindLearnerAsync(FindLearner hello, CancellationToken cancellationToken)
    {
        DateTimeOffset started = DateTimeOffset.UtcNow, logged = started;
        while (true)
        {
            ClusterHost host = Volatile.Read(ref _host);
            try
            {
                await host.WaitUntilUpAsync(TimeSpan.FromSeconds(10), cancellationToken).ConfigureAwait(false);
                if (await AskLearnersAsync(host, hello, cancellationToken).ConfigureAwait(false) is { } found) return found;
            }
            catch (InvalidOperationException) when (host.Terminated.IsCompleted && !cancellationToken.IsCancellationRequested)
            {
                // Removed while looking: the watcher starts the next system.
            }
            if (DateTimeOffset.UtcNow - logged >= TimeSpan.FromSeconds(10))
            {
                logged = DateTimeOffset.UtcNow;
                ActorLog.StillLookingForLearner(_logger, (logged - started).TotalSeconds);
            }
            await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Leaves the cluster (CoordinatedShutdown) unless the system belongs to the caller.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _watch.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // stopped while starting a fresh system
        }
        if (_owned) await Volatile.Read(ref _host).DisposeAsync().ConfigureAwait(false);
        _stop.Dispose();
    }

    private async Task<LearnerFound?> AskLearnersAsync(ClusterHost host, FindLearner hello, CancellationToken cancellationToken)
    {
        var learners = AkkaCluster.Get(host.System).State.Members
            .Where(m => m.Status == Akka.Cluster.MemberStatus.Up && m.HasRole(ClusterRoles.Learner)).ToList();
        foreach (var member in learners)
        {
            object answer;
            try
            {
                answer = await host.System.ActorSelection(member.Address + ClusterPaths.Learner).Ask(hello, AskTimeout, cancellationToken).ConfigureAwait(false);
            }
            catch (AskTimeoutException)
            {
                continue; // up, but its directory not (yet) answering: a learner still starting
            }
            switch (answer)
            {
                case LearnerFound found:
                    ActorLog.LearnerFound(_logger, found.GrpcAddress, found.RunId, member.Address.ToString());
                    return found;
                case JoinRefused refused:
                    _refusal = refused.Reason;
                    ActorLog.JoinRefused(_logger, refused.Reason);
                    throw new JoinRefusedException(refused.Reason);
            }
        }
        return null;
    }

    private async Task WatchAsync()
    {
        while (true)
        {
            ClusterHost host = Volatile.Read(ref _host);
            await Task.WhenAny(host.Terminated, LearnerGoneAsync(host, _stop.Token)).ConfigureAwait(false);
            if (_stop.IsCancellationRequested || _refusal is not null) return;
            if (host.Terminated.IsCompleted) ActorLog.Rejoining(_logger);
            else ActorLog.LearnerLeft(_logger, LearnerAbsence.TotalSeconds);
            await host.DisposeAsync().ConfigureAwait(false);
            ClusterHost next = await StartFreshAsync().ConfigureAwait(false);
            Volatile.Write(ref _host, next);
            SpawnStatus(next.System);
            Restarted?.Invoke(next.System);
        }
    }

    /// <summary>
    /// Completes when this node has been an Up member without any Up learner for <see cref="LearnerAbsence"/>: the
    /// learner left (stopped in order, so nobody was downed) and, restarted on its seed address, formed a cluster
    /// of its own. Leaving and joining the seeds again brings the node into that one.
    /// </summary>
    private static async Task LearnerGoneAsync(ClusterHost host, CancellationToken cancellationToken)
    {
        var cluster = AkkaCluster.Get(host.System);
        DateTimeOffset? since = null;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        while (!host.Terminated.IsCompleted)
        {
            try
            {
                await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return; // the node is stopping
            }
            bool up = cluster.SelfMember.Status == Akka.Cluster.MemberStatus.Up;
            bool learner = cluster.State.Members.Any(m => m.Status == Akka.Cluster.MemberStatus.Up && m.HasRole(ClusterRoles.Learner));
            if (!up || learner)
            {
                since = null;
                continue;
            }
            since ??= DateTimeOffset.UtcNow;
            if (DateTimeOffset.UtcNow - since >= LearnerAbsence) return;
        }
    }

    /// <summary>How long an Up node goes without a learner in its cluster before it joins the seeds again.</summary>
    internal static TimeSpan LearnerAbsence { get; } = TimeSpan.FromSeconds(10);

    /// <summary>A new system on the same settings, retried while, say, its fixed port is still held by the old one.</summary>
    private async Task<ClusterHost> StartFreshAsync()
    {
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                return await ClusterHost.StartAsync(_options.Cluster, _loggerFactory, _stop.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                _logger.LogWarning(ex, "Starting a fresh actor system failed (attempt {Attempt}); retrying in 1 s", attempt);
                await Task.Delay(TimeSpan.FromSeconds(1), _stop.Token).ConfigureAwait(false);
            }
        }
    }

    private void SpawnStatus(ActorSystem system) => system.ActorOf(NodeStatusActor.Props(_status), ClusterPaths.ActorNode["/user/".Length..]);
}

/// <summary>The learner refused this node at join (another protocol, say): retrying cannot help.</summary>
public sealed class JoinRefusedException(string reason) : Exception($"The learner refused this node: {reason}");
