using Microsoft.Extensions.Logging;

namespace AsyncRL.Contracts.Transport;

/// <summary>Client log messages; event ids are stable.</summary>
internal static partial class GrpcClientLog
{
    [LoggerMessage(EventId = 2001, Level = LogLevel.Debug, Message = "{Method}: call failed with {StatusCode}: {Detail}")]
    public static partial void CallFailed(ILogger logger, string method, StatusCode statusCode, string detail, Exception? exception);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Debug, Message = "{Method}: deadline reached; resetting the stream.")]
    public static partial void DeadlineReached(ILogger logger, string method);
}
