namespace AsyncRL.Cluster;

/// <summary>
/// How a node takes part in the cluster: where Akka.Remote listens, which nodes it joins, and how fast a dead
/// node is noticed. A node with no seeds and no bootstrap seeds itself (the learner's default).
/// </summary>
public sealed record ClusterSettings
{
    /// <summary>Every node's actor system has this name; a node of another name cannot join.</summary>
    public const string SystemName = "asyncrl";

    /// <summary>Interface Akka.Remote binds (and, unless <see cref="PublicHost"/> says otherwise, the host others reach it at).</summary>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>Port Akka.Remote binds; 0: any free port.</summary>
    public int Port { get; init; }

    /// <summary>Host name other nodes use to reach this one (a pod's IP); null: <see cref="Host"/>.</summary>
    public string? PublicHost { get; init; }

    /// <summary>Nodes to join, <c>akka.tcp://asyncrl@HOST:PORT</c>; empty: join itself (or bootstrap).</summary>
    public IReadOnlyList<SeedNode> SeedNodes { get; init; } = [];

    /// <summary>This node's roles (<see cref="ClusterRoles"/>).</summary>
    public IReadOnlyList<string> Roles { get; init; } = [];

    /// <summary>Kubernetes cluster bootstrap through Akka.Management instead of seed nodes; null: none.</summary>
    public KubernetesBootstrap? Bootstrap { get; init; }

    /// <summary>How often members heartbeat each other.</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Heartbeats may be late by this much before the failure detector marks a member unreachable.</summary>
    public TimeSpan AcceptableHeartbeatPause { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>The split brain resolver downs the unreachable side once membership has been stable this long.</summary>
    public TimeSpan StableAfter { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Wire compatibility of cluster members: a node announcing another value is refused at join.</summary>
    public string Protocol { get; init; } = "asyncrl.v1";

    /// <summary>Throws when a value is out of range or the seeds and bootstrap contradict each other.</summary>
    public void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(Host);
        if (Port is < 0 or > 65535) throw new ArgumentException($"--cluster-port: {Port} is not a port (0-65535; 0 picks a free one).");
        if (Bootstrap is not null && SeedNodes.Count > 0) throw new ArgumentException("--seed-nodes and Kubernetes bootstrap exclude each other: bootstrap finds the seeds itself.");
        if (HeartbeatInterval <= TimeSpan.Zero || AcceptableHeartbeatPause <= TimeSpan.Zero || StableAfter <= TimeSpan.Zero)
            throw new ArgumentException("Cluster: heartbeat interval, acceptable pause and stable-after must be positive.");
        foreach (string role in Roles)
            if (!ClusterRoles.All.Contains(role)) throw new ArgumentException($"Cluster: unknown role '{role}' (known: {string.Join(", ", ClusterRoles.All)}).");
        Bootstrap?.Validate();
    }
}

/// <summary>The cluster's roles.</summary>
public static class ClusterRoles
{
    /// <summary>The node that trains and publishes weights (one per run).</summary>
    public const string Learner = "learner";

    /// <summary>A node running rollout actors.</summary>
    public const string Actor = "actor";

    /// <summary>An operator's short-lived <c>asyncrl cluster</c> process.</summary>
    public const string Observer = "observer";

    /// <summary>Every role.</summary>
    public static IReadOnlyList<string> All { get; } = [Learner, Actor, Observer];
}

/// <summary>Cluster bootstrap on Kubernetes: pods found through the API by label, contacted on the management port.</summary>
/// <param name="PodLabelSelector">Label selector of the pods of this run (e.g. <c>app.kubernetes.io/part-of=asyncrl</c>).</param>
/// <param name="ManagementPort">Port of the management HTTP endpoint: the bootstrap contact point, <c>/alive</c> and <c>/ready</c>.</param>
/// <param name="RequiredContactPoints">Pods that must be found before the first forms the cluster.</param>
/// <param name="Namespace">Namespace to look in; null: the pod's own.</param>
public sealed record KubernetesBootstrap(string PodLabelSelector, int ManagementPort = 8558, int RequiredContactPoints = 1, string? Namespace = null)
{
    /// <summary>Throws when a value is out of range.</summary>
    public void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(PodLabelSelector);
        if (ManagementPort is < 1 or > 65535) throw new ArgumentException($"Cluster bootstrap: management port {ManagementPort} is not a port.");
        if (RequiredContactPoints < 1) throw new ArgumentException($"Cluster bootstrap: needs at least one contact point, got {RequiredContactPoints}.");
    }
}
