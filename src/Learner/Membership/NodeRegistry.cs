using System.Globalization;

namespace AsyncRL.Learner.Membership;

/// <summary>One actor node as the learner knows it.</summary>
/// <param name="NodeId">The node's stable id.</param>
/// <param name="ActorIds">Its actors' ids (<c>{node_id}/{i}</c>).</param>
/// <param name="EnvsPerActor">Environments each actor steps.</param>
/// <param name="Capabilities">Optional features it announced.</param>
/// <param name="RegisteredAt">When it (last) registered.</param>
/// <param name="LastSeen">When it last registered or had a stream open.</param>
/// <param name="OpenStreams">Its PushSamples and WatchWeights calls now open.</param>
/// <param name="Live">Whether its lease holds: not removed from the cluster, and a stream is open or it was seen within the lease.</param>
/// <param name="ClusterAddress">Its cluster member address, once it announced itself there; null for a node outside the cluster.</param>
/// <param name="ClusterStatus">Its member status as the learner last saw it (up, unreachable, removed); null outside the cluster.</param>
public sealed record ActorNodeInfo(
    string NodeId, IReadOnlyList<string> ActorIds, uint EnvsPerActor, IReadOnlyList<string> Capabilities,
    DateTimeOffset RegisteredAt, DateTimeOffset LastSeen, int OpenStreams, bool Live, string? ClusterAddress = null, string? ClusterStatus = null);

/// <summary>
/// The membership view: registered nodes and their actors. Leases are renewed by open streams and expire a
/// lease after the last one closed; expiry is computed when asked, so nothing runs on a timer. A node the
/// cluster removed (crashed, downed) loses its lease at once and its open streams are cancelled, which ends
/// the credits they held; registering again, or rejoining the cluster, brings it back.
/// </summary>
internal sealed class NodeRegistry(TimeProvider time, TimeSpan lease)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Entry> _nodes = new(StringComparer.Ordinal);

    /// <summary>Registers (or re-registers) a node; the same node id always gets the same actor ids.</summary>
    public IReadOnlyList<string> Register(string nodeId, uint actorCount, uint envsPerActor, IEnumerable<string> capabilities)
    {
        var ids = Enumerable.Range(0, (int)actorCount).Select(i => ActorId(nodeId, i)).ToArray();
        var now = time.GetUtcNow();
        lock (_lock)
        {
            var entry = Get(nodeId, now);
            (entry.ActorIds, entry.EnvsPerActor, entry.Capabilities, entry.RegisteredAt, entry.LastSeen) = (ids, envsPerActor, [.. capabilities], now, now);
            entry.Revive();
        }
        return ids;
    }

    /// <summary>Streams a node may hold open at once beyond two per actor (one per actor, plus those a reconnect overlaps).</summary>
    public const int SpareStreamsPerNode = 8;

    /// <summary>
    /// A stream of <paramref name="nodeId"/> opens, unless the node already holds as many as it may
    /// (<see cref="StreamLimit"/>): then false, and nothing changes. A node the registry does not know yet is added
    /// (a watcher that never registered). <paramref name="released"/> is cancelled when the cluster removes the node.
    /// </summary>
    public bool TryOpenStream(string nodeId, out CancellationToken released, out int limit)
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            var entry = Get(nodeId, now);
            limit = StreamLimit(entry.ActorIds.Length);
            released = entry.Released;
            if (entry.OpenStreams >= limit) return false;
            entry.OpenStreams++;
            entry.LastSeen = now;
            return true;
        }
    }

    /// <summary>The open streams a node with <paramref name="actors"/> actors may hold.</summary>
    public static int StreamLimit(int actors) => 2 * actors + SpareStreamsPerNode;

    /// <summary>Whether <paramref name="actorId"/> is one of the ids a node's registration gave out.</summary>
    public bool IsRegisteredActor(string actorId)
    {
        int slash = actorId.LastIndexOf('/');
        if (slash <= 0 || !int.TryParse(actorId.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int index)) return false;
        lock (_lock)
        {
            return _nodes.TryGetValue(actorId[..slash], out var entry) && index < entry.ActorIds.Length
                && string.Equals(entry.ActorIds[index], actorId, StringComparison.Ordinal);
        }
    }

    /// <summary>A stream of <paramref name="nodeId"/> closed; its lease runs from now.</summary>
    public void StreamClosed(string nodeId)
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            if (!_nodes.TryGetValue(nodeId, out var entry)) return;
            entry.OpenStreams = Math.Max(0, entry.OpenStreams - 1);
            entry.LastSeen = now;
        }
    }

    /// <summary>The node announced itself from cluster member <paramref name="address"/> (up).</summary>
    public void MemberJoined(string nodeId, string address)
    {
        lock (_lock)
        {
            var entry = Get(nodeId, time.GetUtcNow());
            entry.ClusterAddress = address;
            entry.ClusterStatus = "up";
            entry.Revive();
        }
    }

    /// <summary>The failure detector's verdict on a member changed; the node, if the member is one.</summary>
    public string? MemberReachability(string address, bool reachable)
    {
        lock (_lock)
        {
            if (ByAddress(address) is not { } entry) return null;
            entry.Value.ClusterStatus = reachable ? "up" : "unreachable";
            return entry.Key;
        }
    }

    /// <summary>
    /// The cluster removed the member: its node (if it is one) loses its lease and its open streams end. Returns the
    /// node id, or null when the member was no actor node known here.
    /// </summary>
    public string? MemberRemoved(string address)
    {
        CancellationTokenSource? release;
        string nodeId;
        lock (_lock)
        {
            if (ByAddress(address) is not { } entry) return null;
            nodeId = entry.Key;
            entry.Value.ClusterStatus = "removed";
            entry.Value.Removed = true;
            release = entry.Value.Release;
        }
        release.Cancel(); // outside the lock: stream callbacks run here
        return nodeId;
    }

    /// <summary>The nodes now, with their lease state.</summary>
    public IReadOnlyList<ActorNodeInfo> Snapshot()
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            return [.. _nodes.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => new ActorNodeInfo(
                kv.Key, kv.Value.ActorIds, kv.Value.EnvsPerActor, kv.Value.Capabilities, kv.Value.RegisteredAt, kv.Value.LastSeen,
                kv.Value.OpenStreams, IsLive(kv.Value, now), kv.Value.ClusterAddress, kv.Value.ClusterStatus))];
        }
    }

    /// <summary>Actors of the nodes whose lease holds now.</summary>
    public int LiveActorCount()
    {
        var now = time.GetUtcNow();
        lock (_lock) return _nodes.Values.Where(e => IsLive(e, now)).Sum(e => e.ActorIds.Length);
    }

    /// <summary>The node an actor id belongs to (the part before the last '/').</summary>
    public static string NodeOf(string actorId)
    {
        int slash = actorId.LastIndexOf('/');
        return slash > 0 ? actorId[..slash] : actorId;
    }

    private bool IsLive(Entry entry, DateTimeOffset now) => !entry.Removed && (entry.OpenStreams > 0 || now - entry.LastSeen <= lease);

    private Entry Get(string nodeId, DateTimeOffset now)
    {
        if (!_nodes.TryGetValue(nodeId, out var entry)) _nodes[nodeId] = entry = new Entry { RegisteredAt = now, LastSeen = now };
        return entry;
    }

    private KeyValuePair<string, Entry>? ByAddress(string address)
    {
        foreach (var kv in _nodes)
            if (string.Equals(kv.Value.ClusterAddress, address, StringComparison.Ordinal)) return kv;
        return null;
    }

    private static string ActorId(string nodeId, int index) => string.Create(CultureInfo.InvariantCulture, $"{nodeId}/{index}");

    private sealed class Entry
    {
        public string[] ActorIds { get; set; } = [];

        public uint EnvsPerActor { get; set; }

        public string[] Capabilities { get; set; } = [];

        public DateTimeOffset RegisteredAt { get; set; }

        public DateTimeOffset LastSeen { get; set; }

        public int OpenStreams { get; set; }

        public string? ClusterAddress { get; set; }

        public string? ClusterStatus { get; set; }

        public bool Removed { get; set; }

        public CancellationTokenSource Release { get; private set; } = new();

        public CancellationToken Released => Release.Token;

        /// <summary>Back after a removal: live again, with a fresh token for its streams.</summary>
        public void Revive()
        {
            if (!Removed) return;
            Removed = false;
            Release = new CancellationTokenSource();
        }
    }
}
