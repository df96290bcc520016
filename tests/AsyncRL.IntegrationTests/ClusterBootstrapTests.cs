using System.Globalization;
using System.Net;
using Akka.Hosting;
using Akka.Management.Cluster.Bootstrap.ContactPoint;
using AsyncRL.Cluster;
using Microsoft.Extensions.Logging.Abstractions;
using Newtonsoft.Json;

namespace AsyncRL.IntegrationTests;

/// <summary>
/// Cluster bootstrap through Akka.Management against our contact-point server, on loopback: the Kubernetes API
/// is not here, so discovery is Akka's config method listing both nodes' management ports; everything after
/// discovery (probing each contact point's <c>/bootstrap/seed-nodes</c>, the join decision) is Akka.Management's.
/// </summary>
public sealed class ClusterBootstrapTests
{
    [Fact]
    public async Task TwoNodes_BootstrapThroughEachOthersContactPoints_FormOneCluster_AndReportReadiness()
    {
        int[] management = [CliProcess.FreePort(), CliProcess.FreePort()];
        string endpoints = string.Join(", ", management.Select(p => string.Create(CultureInfo.InvariantCulture, $"\"127.0.0.1:{p}\"")));
        void ConfigDiscovery(AkkaConfigurationBuilder akka) => akka.AddHocon($$"""
            akka.discovery.method = config
            akka.discovery.config.services.asyncrl.endpoints = [{{endpoints}}]
            akka.management.cluster.bootstrap.contact-point-discovery {
              discovery-method = config
              port-name = ""
              stable-margin = 1s
              interval = 500ms
            }
            akka.management.cluster.bootstrap.contact-point {
              probe-interval = 500ms
              filter-on-fallback-port = false # the two nodes' management ports differ here; pods all use one
            }
            """, HoconAddMode.Prepend);
        ClusterSettings Node(int port, string role) => new()
        {
            Roles = [role],
            Bootstrap = new KubernetesBootstrap("app=asyncrl", port, RequiredContactPoints: 2),
        };
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await using var learner = await ClusterHost.StartAsync(Node(management[0], ClusterRoles.Learner), NullLoggerFactory.Instance, ConfigDiscovery, bound.Token);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{management[0]}/") };
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("alive", bound.Token)).StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await http.GetAsync("ready", bound.Token)).StatusCode); // one contact point of the two required

        await using var actor = await ClusterHost.StartAsync(Node(management[1], ClusterRoles.Actor), NullLoggerFactory.Instance, ConfigDiscovery, bound.Token);
        await learner.WaitUntilUpAsync(TimeSpan.FromSeconds(10), bound.Token);
        await actor.WaitUntilUpAsync(TimeSpan.FromSeconds(10), bound.Token);

        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("ready", bound.Token)).StatusCode);
        var seeds = JsonConvert.DeserializeObject<HttpBootstrapJsonProtocol.SeedNodes>(await http.GetStringAsync("bootstrap/seed-nodes", bound.Token))!;
        Assert.Equal(learner.SelfAddress, seeds.SelfNode);
        while (Akka.Cluster.Cluster.Get(learner.System).State.Members.Count < 2) await Task.Delay(100, bound.Token);
        Assert.Equal(2, Akka.Cluster.Cluster.Get(learner.System).State.Members.Count);
    }
}
