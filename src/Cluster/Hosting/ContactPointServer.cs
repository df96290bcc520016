using System.Collections.Immutable;
using System.Net;
using Akka.Actor;
using Akka.Cluster;
using Akka.Management.Cluster.Bootstrap;
using Akka.Management.Cluster.Bootstrap.ContactPoint;
using Akka.Management.Dsl;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Newtonsoft.Json;
using AkkaCluster = Akka.Cluster.Cluster;

namespace AsyncRL.Cluster;

/// <summary>
/// The management port of a bootstrapping node, on Kestrel: <c>GET /bootstrap/seed-nodes</c>, the contact-point
/// answer Akka.Management's bootstrap asks other pods for (the same JSON as its own route), and the probes
/// <c>/alive</c> (the actor system runs) and <c>/ready</c> (this node is an Up member). Akka.Management's own
/// HTTP server needs Ceen.Httpd 0.9.9, which our registry lacks (0.9.10 fails at start with a missing method),
/// so the route is served here and the bootstrap is started with its routes bound by hand, the way
/// Akka.Management supports for hosts with an HTTP server of their own.
/// </summary>
internal sealed class ContactPointServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ContactPointServer(WebApplication app) => _app = app;

    /// <summary>Serves the management port and starts the bootstrap (discovery, probing, join).</summary>
    public static async Task<ContactPointServer> StartAsync(ActorSystem system, ClusterSettings settings, ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        KubernetesBootstrap bootstrap = settings.Bootstrap!;
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = ["--hostBuilder:reloadConfigOnChange=false"] });
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<IHostLifetime, NodeHostLifetime>();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Any, bootstrap.ManagementPort));
        var app = builder.Build();
        var cluster = AkkaCluster.Get(system);
        const int maxSeeds = 5; // Akka.Management's fixed ContactPoint.MaxSeedNodesToExpose
        app.MapGet("/bootstrap/seed-nodes", () => Results.Content(JsonConvert.SerializeObject(SeedNodes(cluster, maxSeeds)), "application/json"));
        app.MapGet("/alive", () => system.WhenTerminated.IsCompleted ? Results.StatusCode(503) : Results.Text("alive"));
        app.MapGet("/ready", () => cluster.SelfMember.Status is MemberStatus.Up or MemberStatus.WeaklyUp
            ? Results.Text("up") : Results.Text(cluster.SelfMember.Status.ToString().ToLowerInvariant(), statusCode: 503));
        await app.StartAsync(cancellationToken).ConfigureAwait(false);

        // Binding the routes ourselves: tell the bootstrap where this node's contact point is, then start it.
        string host = settings.PublicHost ?? settings.Host;
        var bootstrapper = ClusterBootstrap.Get(system);
        bootstrapper.Routes(ManagementRouteProviderSettings.Create(new Uri($"http://{host}:{bootstrap.ManagementPort}/"), readOnly: true));
        _ = bootstrapper.Start().ContinueWith(t => ClusterLog.BootstrapFailed(loggerFactory.CreateLogger("AsyncRL.Cluster"), t.Exception!),
            CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        return new ContactPointServer(app);
    }

    /// <summary>What Akka.Management's own route answers: this node, and the reachable members that are joining or up.</summary>
    internal static HttpBootstrapJsonProtocol.SeedNodes SeedNodes(AkkaCluster cluster, int maxSeeds)
    {
        Address self = cluster.SelfMember.UniqueAddress.Address;
        if (cluster.SelfMember.Status is MemberStatus.Down or MemberStatus.Exiting or MemberStatus.Leaving or MemberStatus.Removed)
            return new HttpBootstrapJsonProtocol.SeedNodes(self, ImmutableList<HttpBootstrapJsonProtocol.ClusterMember>.Empty);
        var state = cluster.State;
        var members = state.Members
            .Where(m => !state.Unreachable.Contains(m) && m.Status is MemberStatus.Up or MemberStatus.WeaklyUp or MemberStatus.Joining)
            .Take(maxSeeds)
            .Select(m => new HttpBootstrapJsonProtocol.ClusterMember(m.UniqueAddress.Address, m.UniqueAddress.Uid, m.Status, m.Roles))
            .ToImmutableList();
        return new HttpBootstrapJsonProtocol.SeedNodes(self, members);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None).ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
