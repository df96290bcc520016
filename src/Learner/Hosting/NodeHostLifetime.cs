using Microsoft.Extensions.Hosting;

namespace AsyncRL.Learner;

/// <summary>
/// Keeps the web host from taking Ctrl-C and SIGTERM for itself (the default console lifetime does): the
/// program that composes the node decides when it stops, so it can checkpoint first.
/// </summary>
internal sealed class NodeHostLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
