using Microsoft.Extensions.Hosting;

namespace AsyncRL.Cluster;

/// <summary>
/// A host lifetime that takes no signals. The default console lifetime registers SIGINT and SIGTERM handlers of
/// its own, which stop only that one host and mark the signal handled, so the process's own shutdown path never
/// hears it. Every host a node builds (the actor system's, the gRPC and health servers, the contact-point server)
/// uses this instead: the program that composes the node owns the signals and stops each part in order.
/// </summary>
public sealed class NodeHostLifetime : IHostLifetime
{
    /// <inheritdoc />
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
