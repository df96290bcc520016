using System.CommandLine;
using AsyncRL.Cli.Configuration;
using AsyncRL.Cluster;

namespace AsyncRL.Cli.Commands;

/// <summary>The cluster options of <c>learner</c>, <c>actor</c> and <c>cluster</c> (flags, <c>ASYNCRL_*</c> variables, config keys).</summary>
internal sealed class ClusterArgs
{
    public Option<string> Host { get; } = new("--cluster-host") { Description = "Interface Akka.Remote listens on for cluster traffic (0.0.0.0: all, with --cluster-public-host).", DefaultValueFactory = _ => "127.0.0.1" };

    public Option<string?> PublicHost { get; } = new("--cluster-public-host") { Description = "Host other nodes reach this one at (e.g. the pod IP), when --cluster-host is a wildcard." };

    public Option<int> Port { get; } = new("--cluster-port") { Description = "Akka.Remote port for cluster traffic (0: any free port; the learner prints its address).", DefaultValueFactory = _ => 0 };

    public Option<string?> SeedNodes { get; } = new("--seed-nodes") { Description = "Cluster nodes to join, akka.tcp://asyncrl@HOST:PORT[,...] (the learner seeds itself when none are given)." };

    public Option<string?> Bootstrap { get; } = new("--cluster-bootstrap") { Description = "Kubernetes: form the cluster with Akka.Management bootstrap, finding pods by this label selector (instead of --seed-nodes)." };

    public Option<int> ManagementPort { get; } = new("--management-port") { Description = "With --cluster-bootstrap: the management HTTP port (bootstrap contact point /bootstrap/seed-nodes, probes /alive and /ready).", DefaultValueFactory = _ => 8558 };

    public Option<int> ContactPoints { get; } = new("--required-contact-points") { Description = "With --cluster-bootstrap: pods to find before the first one forms the cluster.", DefaultValueFactory = _ => 1 };

    public void AddTo(Command command)
    {
        foreach (Option option in new Option[] { Host, PublicHost, Port, SeedNodes, Bootstrap, ManagementPort, ContactPoints }) command.Options.Add(option);
    }

    /// <summary>Whether seeds or bootstrap were given (an actor node is a cluster member only then).</summary>
    public bool Joins(SettingSource s) => !string.IsNullOrWhiteSpace(s.Get(SeedNodes)) || !string.IsNullOrWhiteSpace(s.Get(Bootstrap));

    /// <summary>The settings for a node with <paramref name="role"/>; usage errors name the option.</summary>
    public ClusterSettings Build(SettingSource s, string role)
    {
        IReadOnlyList<SeedNode> seeds;
        try
        {
            seeds = SeedNode.ParseList(s.Get(SeedNodes));
        }
        catch (ArgumentException ex)
        {
            throw new CliUsageException(ex.Message);
        }
        string? bootstrap = s.Get(Bootstrap);
        var settings = new ClusterSettings
        {
            Host = s.Get(Host),
            PublicHost = string.IsNullOrWhiteSpace(s.Get(PublicHost)) ? null : s.Get(PublicHost),
            Port = s.Get(Port),
            SeedNodes = seeds,
            Roles = [role],
            Bootstrap = string.IsNullOrWhiteSpace(bootstrap) ? null : new KubernetesBootstrap(bootstrap, s.Get(ManagementPort), s.Get(ContactPoints)),
        };
        try
        {
            settings.Validate();
        }
        catch (ArgumentException ex)
        {
            throw new CliUsageException(ex.Message);
        }
        return settings;
    }
}
