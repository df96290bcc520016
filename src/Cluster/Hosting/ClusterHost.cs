using Akka.Actor;
using Akka.Cluster.Hosting;
using Akka.Discovery.KubernetesApi;
using Akka.Hosting;
using Akka.Management.Cluster.Bootstrap;
using Akka.Remote.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using AkkaCluster = Akka.Cluster.Cluster;

namespace AsyncRL.Cluster;

/// <summary>
/// One node's actor system <c>asyncrl</c>, hosted by Akka.Hosting in a generic host of its own: clustered
/// (Akka.Remote and Akka.Cluster, seeds or Kubernetes bootstrap) when given <see cref="ClusterSettings"/>, local
/// otherwise. Disposing it leaves the cluster through CoordinatedShutdown. A cluster member that was downed
/// cannot join again: its owner starts a fresh host (see <see cref="Terminated"/>).
/// </summary>
public sealed class ClusterHost : IAsyncDisposable
{
    /// <summary>The longest a stop waits for leaving the cluster (CoordinatedShutdown) before the system is abandoned.</summary>
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(15);

    private readonly IHost _host;
    private readonly ILogger _logger;
    private ContactPointServer? _contactPoint;
    private int _disposed;

    private ClusterHost(IHost host, ActorSystem system, ClusterSettings? settings, ILogger logger)
    {
        _host = host;
        System = system;
        Settings = settings;
        _logger = logger;
    }

    /// <summary>The node's actor system.</summary>
    public ActorSystem System { get; }

    /// <summary>The host's services (tests: what the host was built with).</summary>
    internal IServiceProvider Services => _host.Services;

    /// <summary>The cluster settings; null for a local system.</summary>
    public ClusterSettings? Settings { get; }

    /// <summary>Whether the system is a cluster member.</summary>
    public bool Clustered => Settings is not null;

    /// <summary>This node's address in the cluster (<c>akka.tcp://asyncrl@HOST:PORT</c>, the port bound when 0 was asked for); null when local.</summary>
    public Address? SelfAddress => Clustered ? AkkaCluster.Get(System).SelfAddress : null;

    /// <summary>Completes when the actor system has terminated: disposed, or downed and shut down by the cluster.</summary>
    public Task Terminated => System.WhenTerminated;

    /// <summary>Starts the system; a clustered one starts joining its seeds (or itself) in the background.</summary>
    public static Task<ClusterHost> StartAsync(ClusterSettings? settings, ILoggerFactory loggerFactory, CancellationToken cancellationToken = default) =>
        StartAsync(settings, loggerFactory, configure: null, cancellationToken);

    /// <summary>As <see cref="StartAsync(ClusterSettings?, ILoggerFactory, CancellationToken)"/>, with more configuration on top (tests: another discovery method).</summary>
    internal static async Task<ClusterHost> StartAsync(ClusterSettings? settings, ILoggerFactory loggerFactory, Action<AkkaConfigurationBuilder>? configure,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(loggerFactory);
        settings?.Validate();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(loggerFactory);
        builder.Services.AddSingleton<IHostLifetime, NodeHostLifetime>();
        builder.Services.AddAkka(ClusterSettings.SystemName, akka =>
        {
            akka.ConfigureLoggers(loggers =>
            {
                loggers.ClearLoggers();
                loggers.AddLoggerFactory();
                // Akka's own info lines (each association, each gossip step) drown ours; its warnings and errors stay.
                loggers.LogLevel = Akka.Event.LogLevel.WarningLevel;
            });
            akka.AddHocon(ClusterHocon.For(settings), HoconAddMode.Prepend);
            if (settings is not null) Configure(akka, settings);
            configure?.Invoke(akka);
        });
        IHost host = builder.Build();
        ClusterHost? clusterHost = null;
        try
        {
            await host.StartAsync(cancellationToken).ConfigureAwait(false);
            var system = host.Services.GetRequiredService<ActorSystem>();
            clusterHost = new ClusterHost(host, system, settings, loggerFactory.CreateLogger("AsyncRL.Cluster"));
            if (settings is { SeedNodes.Count: 0, Bootstrap: null })
            {
                var cluster = AkkaCluster.Get(system);
                cluster.Join(cluster.SelfAddress); // the first node: the cluster starts here
            }
            if (settings?.Bootstrap is not null)
                clusterHost._contactPoint = await ContactPointServer.StartAsync(system, settings, loggerFactory, cancellationToken).ConfigureAwait(false);
            if (settings is not null) ClusterLog.Starting(clusterHost._logger, clusterHost.SelfAddress!.ToString(), string.Join(",", settings.Roles), Seeds(settings));
            return clusterHost;
        }
        catch
        {
            // Cancelled (a signal while starting) or failed half way: stop what did start, in order, before rethrowing.
            if (clusterHost is not null) await clusterHost.DisposeAsync().ConfigureAwait(false);
            else await StopAsync(host).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Waits until this node is an Up member, logging every <paramref name="logEvery"/> that it is still waiting
    /// (and for which seeds); completes at once for a local system. Throws when the system terminates first.
    /// </summary>
    public async Task WaitUntilUpAsync(TimeSpan logEvery, CancellationToken cancellationToken)
    {
        if (!Clustered || AkkaCluster.Get(System).SelfMember.Status == Akka.Cluster.MemberStatus.Up) return;
        var up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        AkkaCluster.Get(System).RegisterOnMemberUp(() => up.TrySetResult());
        var started = DateTimeOffset.UtcNow;
        while (true)
        {
            Task done = await Task.WhenAny(up.Task, Terminated, Task.Delay(logEvery, cancellationToken)).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            if (done == up.Task) return;
            if (done == Terminated) throw new InvalidOperationException("The actor system terminated before this node joined the cluster.");
            ClusterLog.StillJoining(_logger, (DateTimeOffset.UtcNow - started).TotalSeconds, Seeds(Settings!));
        }
    }

    /// <summary>Leaves the cluster (CoordinatedShutdown: leave, exit, remove) and stops the system.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        try
        {
            if (!await StopAsync(_host).ConfigureAwait(false)) ClusterLog.SlowShutdown(_logger);
        }
        finally
        {
            if (_contactPoint is not null) await _contactPoint.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Stops and disposes <paramref name="host"/>, giving CoordinatedShutdown a bounded time; false when it ran out.</summary>
    private static async Task<bool> StopAsync(IHost host)
    {
        try
        {
            using var bound = new CancellationTokenSource(StopTimeout);
            await host.StopAsync(bound.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        finally
        {
            host.Dispose();
        }
    }

    private static void Configure(AkkaConfigurationBuilder akka, ClusterSettings settings)
    {
        akka.WithRemoting(new RemoteOptions { HostName = settings.Host, Port = settings.Port, PublicHostName = settings.PublicHost });
        akka.WithClustering(new ClusterOptions
        {
            Roles = [.. settings.Roles],
            SeedNodes = [.. settings.SeedNodes.Select(s => s.ToString())],
        });
        if (settings.Bootstrap is { } bootstrap)
        {
            // Pods find each other through the Kubernetes API (the label selector) and contact each other's
            // management port; the lowest address among the first contact points forms the cluster. Started by
            // hand once our contact-point server listens (ContactPointServer says why it is ours).
            akka.WithClusterBootstrap(serviceName: ClusterSettings.SystemName, portName: "management", requiredContactPoints: bootstrap.RequiredContactPoints, autoStart: false);
            // Without Akka.Management's HTTP settings the bootstrap cannot infer our management port: say it.
            akka.AddHocon($"akka.management.cluster.bootstrap.contact-point.fallback-port = {bootstrap.ManagementPort}", HoconAddMode.Prepend);
            akka.WithKubernetesDiscovery(options =>
            {
                options.PodLabelSelector = bootstrap.PodLabelSelector;
                if (bootstrap.Namespace is { } ns) options.PodNamespace = ns;
            });
        }
    }

    private static string Seeds(ClusterSettings settings) =>
        settings.Bootstrap is { } b ? $"Kubernetes bootstrap ({b.PodLabelSelector})"
        : settings.SeedNodes.Count == 0 ? "itself" : string.Join(",", settings.SeedNodes);
}
