using System.Collections.Immutable;

namespace AsyncRL.Cluster.Membership;

/// <summary>One cluster member as the cluster's gossip shows it.</summary>
/// <param name="Address">Its address, <c>akka.tcp://asyncrl@HOST:PORT</c>.</param>
/// <param name="Roles">Its roles.</param>
/// <param name="Status">Its member status, lower case: joining, up, leaving, exiting, down, removed, weaklyup.</param>
/// <param name="Reachable">Whether the failure detector of this node (or of any member, as gossiped) can reach it.</param>
public sealed record MemberInfo(string Address, IReadOnlyList<string> Roles, string Status, bool Reachable)
{
    /// <summary>Whether the member has the role.</summary>
    public bool HasRole(string role) => Roles.Contains(role, StringComparer.Ordinal);
}

/// <summary>
/// The latest membership as one immutable snapshot, replaced on every cluster event (by <see cref="ClusterWatcher"/>)
/// and read from any thread: metrics, the run log, the learner's view of its actor nodes.
/// </summary>
public sealed class ClusterMembers
{
    private ImmutableSortedDictionary<string, MemberInfo> _members = ImmutableSortedDictionary<string, MemberInfo>.Empty.WithComparers(StringComparer.Ordinal);
    private ClusterSummary _summary = new(0, 0, 0);

    /// <summary>The members now, ordered by address.</summary>
    public IReadOnlyList<MemberInfo> Snapshot() => [.. Volatile.Read(ref _members).Values];

    /// <summary>Members per (role, status, reachable), for the <c>asyncrl.cluster.members</c> gauge.</summary>
    public IReadOnlyList<(string Role, string Status, bool Reachable, int Count)> Counts() =>
        [.. Snapshot().SelectMany(m => m.Roles.Select(r => (Role: r, m.Status, m.Reachable)))
            .GroupBy(k => k).Select(g => (g.Key.Role, g.Key.Status, g.Key.Reachable, g.Count()))];

    /// <summary>The counts every metrics line carries, kept with each change (events are rare, lines are not).</summary>
    public ClusterSummary Summary => Volatile.Read(ref _summary);

    /// <summary>Raised (on the watcher's thread) when a member is marked unreachable.</summary>
    public event Action<MemberInfo>? Unreachable;

    /// <summary>Raised (on the watcher's thread) when a member is removed from the cluster.</summary>
    public event Action<MemberInfo>? Removed;

    /// <summary>Raised (on the watcher's thread) when a member is up.</summary>
    public event Action<MemberInfo>? Up;

    internal void Set(MemberInfo member)
    {
        ImmutableInterlocked.Update(ref _members, (m, v) => m.SetItem(v.Address, v), member);
        Summarize();
    }

    internal void Remove(MemberInfo member)
    {
        ImmutableInterlocked.Update(ref _members, (m, a) => m.Remove(a), member.Address);
        Summarize();
        Removed?.Invoke(member with { Status = "removed" });
    }

    // Only the watcher writes, one event at a time: the summary follows the snapshot it was computed from.
    private void Summarize()
    {
        var members = Volatile.Read(ref _members);
        Volatile.Write(ref _summary, new ClusterSummary(members.Count, members.Values.Count(m => !m.Reachable),
            members.Values.Count(m => m.HasRole(ClusterRoles.Actor) && m.Status == "up" && m.Reachable)));
    }

    /// <summary>
    /// Removes every member, raising <see cref="Removed"/> for each: the actor system that saw them is gone (its
    /// node was downed). Only while no <see cref="ClusterWatcher"/> writes here.
    /// </summary>
    public void Forget()
    {
        foreach (MemberInfo member in Snapshot()) Remove(member);
    }

    internal void RaiseUp(MemberInfo member) => Up?.Invoke(member);

    internal void RaiseUnreachable(MemberInfo member) => Unreachable?.Invoke(member);
}

/// <summary>The cluster's size as a metrics line gives it.</summary>
/// <param name="Members">Members not removed, of any status.</param>
/// <param name="Unreachable">Members the failure detector cannot reach.</param>
/// <param name="UpActorNodes">Reachable Up members with the actor role.</param>
public sealed record ClusterSummary(int Members, int Unreachable, int UpActorNodes);
