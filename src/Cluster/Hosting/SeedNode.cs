using System.Globalization;

namespace AsyncRL.Cluster;

/// <summary>A seed node's address, <c>akka.tcp://asyncrl@HOST:PORT</c>, checked when given rather than when joining fails.</summary>
public sealed record SeedNode(string Host, int Port)
{
    /// <summary>The address as Akka writes it.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"akka.tcp://{ClusterSettings.SystemName}@{Host}:{Port}");

    /// <summary>Parses one address; throws with what is wrong with it.</summary>
    public static SeedNode Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string s = text.Trim();
        const string scheme = "akka.tcp://";
        if (!s.StartsWith(scheme, StringComparison.Ordinal))
            throw new ArgumentException($"--seed-nodes: '{text}' is not an akka.tcp://{ClusterSettings.SystemName}@HOST:PORT address.");
        int at = s.IndexOf('@', StringComparison.Ordinal);
        if (at < 0) throw new ArgumentException($"--seed-nodes: '{text}' names no actor system (akka.tcp://{ClusterSettings.SystemName}@HOST:PORT).");
        string system = s[scheme.Length..at];
        if (!string.Equals(system, ClusterSettings.SystemName, StringComparison.Ordinal))
            throw new ArgumentException($"--seed-nodes: '{text}' is a node of system '{system}'; AsyncRL nodes are all '{ClusterSettings.SystemName}'.");
        string hostPort = s[(at + 1)..].TrimEnd('/');
        int colon = hostPort.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(hostPort[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port is < 1 or > 65535)
            throw new ArgumentException($"--seed-nodes: '{text}' has no port between 1 and 65535.");
        return new SeedNode(hostPort[..colon].Trim('[', ']'), port);
    }

    /// <summary>Parses a comma-separated list; empty or null: none.</summary>
    public static IReadOnlyList<SeedNode> ParseList(string? text) =>
        string.IsNullOrWhiteSpace(text) ? [] : [.. text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Parse)];
}
