using Microsoft.Extensions.Logging;

namespace AsyncRL.Cluster;

internal static partial class ClusterLog
{
    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "Cluster node {Address} (roles {Roles}) joining {Seeds}")]
    public static partial void Starting(ILogger logger, string address, string roles, string seeds);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Warning, Message = "Not a cluster member yet after {Seconds:F0} s: no seed node answers ({Seeds}); still trying")]
    public static partial void StillJoining(ILogger logger, double seconds, string seeds);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Warning, Message = "Leaving the cluster took longer than 15 s; stopped without waiting for the rest")]
    public static partial void SlowShutdown(ILogger logger);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Error, Message = "Cluster bootstrap failed to start")]
    public static partial void BootstrapFailed(ILogger logger, Exception exception);
}
