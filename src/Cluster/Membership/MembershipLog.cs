using Microsoft.Extensions.Logging;

namespace AsyncRL.Cluster.Membership;

internal static partial class MembershipLog
{
    [LoggerMessage(EventId = 4101, Level = LogLevel.Information, Message = "Cluster member up: {Address} ({Roles})")]
    public static partial void MemberUp(ILogger logger, string address, string roles);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Warning, Message = "Cluster member unreachable: {Address} ({Roles}); the split brain resolver downs it unless it comes back")]
    public static partial void Unreachable(ILogger logger, string address, string roles);

    [LoggerMessage(EventId = 4103, Level = LogLevel.Information, Message = "Cluster member reachable again: {Address}")]
    public static partial void Reachable(ILogger logger, string address);

    [LoggerMessage(EventId = 4104, Level = LogLevel.Information, Message = "Cluster member removed: {Address} ({Roles}), was {PreviousStatus}")]
    public static partial void Removed(ILogger logger, string address, string roles, string previousStatus);
}
