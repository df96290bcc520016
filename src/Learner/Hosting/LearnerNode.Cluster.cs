using System.Net;
using Akka.Actor;
using AsyncRL.Cluster;
using AsyncRL.Cluster.Membership;
using AsyncRL.Cluster.Messages;
using AsyncRL.Learner.Membership;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace AsyncRL.Learner;

public sealed partial class LearnerNode
{
    private ClusterHost? _clusterHost;

    /// <summary>The cluster as this learner sees it (empty outside a cluster).</summary>
    public ClusterMembers ClusterMembers { get; } = new();

    /// <summary>This learner's cluster address (<c>akka.tcp://asyncrl@HOST:PORT</c>), the one actor nodes seed from; null outside a cluster.</summary>
    public string? ClusterAddress => _clusterHost?.SelfAddress?.ToString();

    /// <summary>
    /// Joins (or forms) the cluster with role learner and announces the gRPC endpoint there: the directory actor
    /// answers actor nodes, the watcher turns membership events into leases, logs and the members gauge.
    /// </summary>
    private async Task StartClusterAsync(Uri grpcAddress, string runId, CancellationToken cancellationToken)
    {
        ClusterSettings? settings = _options.Cluster;
        if (settings is null && _options.ClusterHost is null) return;
        _clusterHost = _options.ClusterHost
            ?? await ClusterHost.StartAsync(settings! with { Roles = [ClusterRoles.Learner] }, _loggerFactory, cancellationToken).ConfigureAwait(false);
        ActorSystem system = _clusterHost.System;
        string protocol = (_clusterHost.Settings ?? settings)!.Protocol;
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
        system.ActorOf(ClusterWatcher.Props(ClusterMembers, _loggerFactory.CreateLogger("AsyncRL.Cluster")), "cluster-watcher");
        string announced = Announced(grpcAddress, _clusterHost.SelfAddress?.Host).ToString();
        system.ActorOf(LearnerDirectory.Props(announced, runId, protocol, _registry, _logger), ClusterPaths.Learner["/user/".Length..]);
        Instrumentation.ObserveCluster(ClusterMembers.Counts);
        // Health says SERVING only for a cluster member: probes then cover membership as well as gRPC.
        await _clusterHost.WaitUntilUpAsync(TimeSpan.FromSeconds(10), cancellationToken).ConfigureAwait(false);
        _ = _clusterHost.Terminated.ContinueWith(_ =>
        {
            _health.SetStatus("", ServingStatus.NotServing);
            _health.SetStatus(Contracts.LearnerMethods.ServiceName, ServingStatus.NotServing);
        }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        LearnerLog.ClusterJoined(_logger, ClusterAddress ?? "(local)");
    }

    private async Task StopClusterAsync()
    {
        // Only a system of its own: asyncrl train's is shared with its actor node and outlives both.
        if (_clusterHost is not null && _options.ClusterHost is null) await _clusterHost.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>A wildcard listen address (0.0.0.0, ::) is announced with the host other members reach this node at.</summary>
    internal static Uri Announced(Uri grpcAddress, string? clusterHost)
    {
        bool wildcard = IPAddress.TryParse(grpcAddress.Host.Trim('[', ']'), out var ip) && (ip.Equals(IPAddress.Any) || ip.Equals(IPAddress.IPv6Any));
        if (!wildcard || string.IsNullOrEmpty(clusterHost)) return grpcAddress;
        return new UriBuilder(grpcAddress) { Host = clusterHost }.Uri;
    }
}
