using Akka.Actor;
using Akka.Cluster;
using Microsoft.Extensions.Logging;
using AkkaCluster = Akka.Cluster.Cluster;

namespace AsyncRL.Cluster.Membership;

/// <summary>
/// Follows membership and reachability events (MemberUp, UnreachableMember, ReachableMember, MemberRemoved and
/// the rest) into a <see cref="ClusterMembers"/> snapshot, and logs each change a reader of the log needs.
/// </summary>
public sealed class ClusterWatcher : ReceiveActor
{
    private readonly ClusterMembers _members;
    private readonly ILogger _logger;
    private readonly AkkaCluster _cluster = AkkaCluster.Get(Context.System);

    /// <summary>A watcher writing into <paramref name="members"/>.</summary>
    public ClusterWatcher(ClusterMembers members, ILogger logger)
    {
        _members = members;
        _logger = logger;
        Receive<ClusterEvent.CurrentClusterState>(state =>
        {
            foreach (Member m in state.Members) _members.Set(Info(m, !state.Unreachable.Contains(m)));
        });
        Receive<ClusterEvent.MemberUp>(e =>
        {
            var info = Info(e.Member, true);
            _members.Set(info);
            MembershipLog.MemberUp(_logger, info.Address, string.Join(",", info.Roles));
            _members.RaiseUp(info);
        });
        Receive<ClusterEvent.UnreachableMember>(e =>
        {
            var info = Info(e.Member, false);
            _members.Set(info);
            MembershipLog.Unreachable(_logger, info.Address, string.Join(",", info.Roles));
            _members.RaiseUnreachable(info);
        });
        Receive<ClusterEvent.ReachableMember>(e =>
        {
            var info = Info(e.Member, true);
            _members.Set(info);
            MembershipLog.Reachable(_logger, info.Address);
        });
        Receive<ClusterEvent.MemberRemoved>(e =>
        {
            var info = Info(e.Member, false);
            MembershipLog.Removed(_logger, info.Address, string.Join(",", info.Roles), e.PreviousStatus.ToString().ToLowerInvariant());
            _members.Remove(info);
        });
        Receive<ClusterEvent.IMemberEvent>(e => _members.Set(Info(e.Member, Reachable(e.Member))));
    }

    /// <summary>Props of a watcher writing into <paramref name="members"/>.</summary>
    public static Props Props(ClusterMembers members, ILogger logger) => Akka.Actor.Props.Create(() => new ClusterWatcher(members, logger));

    /// <inheritdoc />
    protected override void PreStart() =>
        _cluster.Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsSnapshot, typeof(ClusterEvent.IMemberEvent), typeof(ClusterEvent.IReachabilityEvent));

    /// <inheritdoc />
    protected override void PostStop() => _cluster.Unsubscribe(Self);

    private bool Reachable(Member member) => !_cluster.State.Unreachable.Contains(member);

    /// <summary>A member as <see cref="MemberInfo"/>.</summary>
    public static MemberInfo Info(Member member, bool reachable) =>
        new(member.Address.ToString(), [.. member.Roles.Order(StringComparer.Ordinal)], member.Status.ToString().ToLowerInvariant(), reachable);
}
