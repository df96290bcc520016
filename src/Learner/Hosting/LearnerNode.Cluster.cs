using System.Net;
using Akka.Actor;
using AsyncRL.Cluster;
using AsyncRL.Cluster.Membership;
using AsyncRL.Cluster.Messages;
using AsyncRL.Learner.Membership;
using Microsoft.Extensions.Logging;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace AsyncRL.Learner;

public sealed partial class LearnerNode
{
    private readonly CancellationTokenSource _clusterStop = new();
    private ClusterHost? _clusterHost;
    private Task _clusterWatch = Task.CompletedTask;

    /// <summary>The cluster as this learner sees it (empty outside a cluster).</summary>
    public ClusterMembers ClusterMembers { get; } = new();

    /// <summary>This learner's cluster address (<c>akka.tcp://asyncrl@HOST:PORT</c>), the one actor nodes seed from; null outside a cluster.</summary>
    public string? ClusterAddress => Volatile.Read(ref _clusterHost)?.SelfAddress?.ToString();

    /// <summary>
    /// Joins (or forms) the cluster with role learner and announces the gRPC endpoint there: the directory actor
    /// answers actor nodes, the watcher turns membership events into leases, logs and the members gauge.
    /// </summary>
    private async Task StartClusterAsync(Uri grpcAddress, string runId, CancellationToken cancellationToken)
    {
        ClusterSettings? settings = _options.Cluster;
        if (settings is null && _options.ClusterHost is null) return;
        ClusterHost host = _options.ClusterHost
            ?? await ClusterHost.StartAsync(settings! with { Roles = [ClusterRoles.Learner] }, _loggerFactory, cancellationToken).ConfigureAwait(false);
        Volatile.Write(ref _clusterHost, host);
        string protocol = (host.Settings ?? settings)!.Protocol;
        ClusterMembers.Unreachable += m =>
        {
            if (_registry.MemberReachability(m.Address, reachable: false) is { } node) LearnerLog.NodeUnreachable(_logger, node, m.Address);
        };
        ClusterMembers.Up += m => _registry.MemberReachability(m.Address, reachable: true);
        ClusterMembers.Removed += m =>
        {
            // This learner's own member leaving (the process stopping) is no actor node lost, even when asyncrl
            // train's actor node announced itself from it.
            if (m.Address == ClusterAddress) return;
            if (_registry.MemberRemoved(m.Address) is { } node) LearnerLog.NodeRemoved(_logger, node, m.Address);
        };
        string announced = Announced(grpcAddress, host.SelfAddress?.Host).ToString();
        void Spawn(ActorSystem system)
        {
            system.ActorOf(ClusterWatcher.Props(ClusterMembers, _loggerFactory.CreateLogger("AsyncRL.Cluster")), "cluster-watcher");
            system.ActorOf(LearnerDirectory.Props(announced, runId, protocol, _registry, _logger), ClusterPaths.Learner["/user/".Length..]);
        }
        Spawn(host.System);
        Instrumentation.ObserveCluster(ClusterMembers.Counts);
        // Health says SERVING only for a cluster member: probes then cover membership as well as gRPC.
        await host.WaitUntilUpAsync(TimeSpan.FromSeconds(10), cancellationToken).ConfigureAwait(false);
        NotServingWhenTerminated(host);
        LearnerLog.ClusterJoined(_logger, ClusterAddress ?? "(local)");
        // Only a system of its own comes back (asyncrl train's is shared with its actor node), on the port it bound:
        // the address actor nodes were given as their seed.
        if (_options.ClusterHost is null)
            _clusterWatch = RejoinWhenDownedAsync(host.Settings! with { Port = host.SelfAddress?.Port ?? host.Settings!.Port }, Spawn, _clusterStop.Token);
    }

    /// <summary>
    /// A learner the split brain resolver downed (say, seen unreachable by some actor nodes and not by others while a
    /// starved machine delays heartbeats: "indirectly connected" nodes are downed whatever the strategy) has its actor
    /// system shut down, and actor nodes seeded with its address could never join again. Training and the gRPC
    /// endpoint are unaffected, so the learner starts a fresh system on the same address, which forms the cluster
    /// anew; the actor nodes, downed with it or left without a learner, join that one.
    /// </summary>
    private async Task RejoinWhenDownedAsync(ClusterSettings settings, Action<ActorSystem> spawn, CancellationToken stop)
    {
        while (true)
        {
            ClusterHost host = Volatile.Read(ref _clusterHost)!;
            await host.Terminated.WaitAsync(stop).ConfigureAwait(false);
            string address = host.SelfAddress?.ToString() ?? settings.Host;
            LearnerLog.ClusterRejoining(_logger, address);
            await host.DisposeAsync().ConfigureAwait(false);
            ClusterMembers.Forget(); // the old cluster's members: removed, their leases and streams released as for any removal
            ClusterHost next = await StartFreshClusterAsync(settings, stop).ConfigureAwait(false);
            Volatile.Write(ref _clusterHost, next);
            spawn(next.System);
            try
            {
                await next.WaitUntilUpAsync(TimeSpan.FromSeconds(10), stop).ConfigureAwait(false);
            }
            catch (InvalidOperationException) when (next.Terminated.IsCompleted)
            {
                continue; // downed again before it was up: the next round starts another
            }
            NotServingWhenTerminated(next);
            if (!_stopped)
            {
                _health.SetStatus("", ServingStatus.Serving);
                _health.SetStatus(Contracts.LearnerMethods.ServiceName, ServingStatus.Serving);
            }
            LearnerLog.ClusterJoined(_logger, ClusterAddress ?? address);
        }
    }

    /// <summary>A new system on the same settings, retried while the old one's port is still held.</summary>
    private async Task<ClusterHost> StartFreshClusterAsync(ClusterSettings settings, CancellationToken stop)
    {
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                return await ClusterHost.StartAsync(settings, _loggerFactory, stop).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                _logger.LogWarning(ex, "Starting a fresh actor system failed (attempt {Attempt}); retrying in 1 s", attempt);
                await Task.Delay(TimeSpan.FromSeconds(1), stop).ConfigureAwait(false);
            }
        }
    }

    private void NotServingWhenTerminated(ClusterHost host) =>
        _ = host.Terminated.ContinueWith(_ =>
        {
            _health.SetStatus("", ServingStatus.NotServing);
            _health.SetStatus(Contracts.LearnerMethods.ServiceName, ServingStatus.NotServing);
        }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

    private async Task StopClusterAsync()
    {
        await _clusterStop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _clusterWatch.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // stopped while waiting or starting a fresh system
        }
        // Only a system of its own: asyncrl train's is shared with its actor node and outlives both.
        if (Volatile.Read(ref _clusterHost) is { } host && _options.ClusterHost is null) await host.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>A wildcard listen address (0.0.0.0, ::) is announced with the host other members reach this node at.</summary>
    internal static Uri Announced(Uri grpcAddress, string? clusterHost)
    {
        bool wildcard = IPAddress.TryParse(grpcAddress.Host.Trim('[', ']'), out var ip) && (ip.Equals(IPAddress.Any) || ip.Equals(IPAddress.IPv6Any));
        if (!wildcard || string.IsNullOrEmpty(clusterHost)) return grpcAddress;
        return new UriBuilder(grpcAddress) { Host = clusterHost }.Uri;
    }
}
