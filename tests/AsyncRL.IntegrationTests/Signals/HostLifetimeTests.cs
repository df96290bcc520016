using AsyncRL.Cluster;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;

namespace AsyncRL.IntegrationTests.Signals;

/// <summary>
/// The hosts a node builds take no signals of their own: the default console lifetime registers SIGINT and SIGTERM
/// handlers that stop just that host and mark the signal handled, which is how a SIGTERM during start-up once stopped
/// only the actor system and left the process training.
/// </summary>
public sealed class HostLifetimeTests
{
    [Fact]
    public async Task ClusterHost_UsesTheNodeLifetime_NotTheConsoleOne()
    {
        using var bound = new CancellationTokenSource(Eventually.Wait);
        await using var host = await ClusterHost.StartAsync(null, NullLoggerFactory.Instance, bound.Token);
        Assert.IsType<NodeHostLifetime>(host.Services.GetRequiredService<IHostLifetime>());
    }
}
