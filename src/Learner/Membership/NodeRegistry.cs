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
/// <param name="Live">Whether its lease holds: a stream is open, or it was seen within the lease.</param>
public sealed record ActorNodeInfo(
    string NodeId, IReadOnlyList<string> ActorIds, uint EnvsPerActor, IReadOnlyList<string> Capabilities,
    DateTimeOffset RegisteredAt, DateTimeOffset LastSeen, int OpenStreams, bool Live);

/// <summary>
/// The membership view: registered nodes and their actors. Leases are renewed by open streams and expire a
/// lease after the last one closed; expiry is computed when asked, so nothing runs on a timer.
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
            int open = _nodes.TryGetValue(nodeId, out var old) ? old.OpenStreams : 0;
            _nodes[nodeId] = new Entry(ids, envsPerActor, [.. capabilities], now) { LastSeen = now, OpenStreams = open };
        }
        return ids;
    }

    /// <summary>A stream of <paramref name="nodeId"/> opened (a node the registry does not know yet is added: a restarted learner meets running actors).</summary>
    public void StreamOpened(string nodeId)
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            if (!_nodes.TryGetValue(nodeId, out var entry)) _nodes[nodeId] = entry = new Entry([], 0, [], now);
            entry.OpenStreams++;
            entry.LastSeen = now;
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

    /// <summary>The nodes now, with their lease state.</summary>
    public IReadOnlyList<ActorNodeInfo> Snapshot()
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            return [.. _nodes.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => new ActorNodeInfo(
                kv.Key, kv.Value.ActorIds, kv.Value.EnvsPerActor, kv.Value.Capabilities, kv.Value.RegisteredAt, kv.Value.LastSeen,
                kv.Value.OpenStreams, kv.Value.OpenStreams > 0 || now - kv.Value.LastSeen <= lease))];
        }
    }

    /// <summary>Actors of the nodes whose lease holds now.</summary>
    public int LiveActorCount()
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            int count = 0;
            foreach (var entry in _nodes.Values)
                if (entry.OpenStreams > 0 || now - entry.LastSeen <= lease) count += entry.ActorIds.Length;
            return count;
        }
    }

    /// <summary>The node an actor id belongs to (the part before the last '/').</summary>
    public static string NodeOf(string actorId)
    {
        int slash = actorId.LastIndexOf('/');
        return slash > 0 ? actorId[..slash] : actorId;
    }

    private static string ActorId(string nodeId, int index) => string.Create(CultureInfo.InvariantCulture, $"{nodeId}/{index}");

    private sealed class Entry(string[] actorIds, uint envsPerActor, string[] capabilities, DateTimeOffset registeredAt)
    {
        public string[] ActorIds { get; } = actorIds;

        public uint EnvsPerActor { get; } = envsPerActor;

        public string[] Capabilities { get; } = capabilities;

        public DateTimeOffset RegisteredAt { get; } = registeredAt;

        public DateTimeOffset LastSeen { get; set; }

        public int OpenStreams { get; set; }
    }
}
