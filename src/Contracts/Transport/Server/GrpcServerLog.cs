using Microsoft.Extensions.Logging;

namespace AsyncRL.Contracts.Transport;

/// <summary>Server log messages; event ids are stable (dashboards and alerts key on them).</summary>
internal static partial class GrpcServerLog
{
    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Refused {Path}: protocol {Protocol} is not HTTP/2.")]
    public static partial void NotHttp2(ILogger logger, string path, string protocol);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information, Message = "Refused {Path}: content-type '{ContentType}' is not application/grpc.")]
    public static partial void BadContentType(ILogger logger, string path, string? contentType);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Information, Message = "{Method}: refused before the handler ran: {StatusCode} {Detail}")]
    public static partial void Refused(ILogger logger, string method, StatusCode statusCode, string detail);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Information, Message = "{Method}: protocol violation {Error}: {Detail}")]
    public static partial void ProtocolViolation(ILogger logger, string method, string error, string detail);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Error, Message = "{Method}: the handler threw.")]
    public static partial void HandlerFailed(ILogger logger, string method, Exception exception);

    [LoggerMessage(EventId = 1006, Level = LogLevel.Debug, Message = "{Method}: deadline exceeded.")]
    public static partial void DeadlineExceeded(ILogger logger, string method);

    [LoggerMessage(EventId = 1007, Level = LogLevel.Debug, Message = "{Method}: the client cancelled or went away.")]
    public static partial void ClientCancelled(ILogger logger, string method);

    [LoggerMessage(EventId = 1008, Level = LogLevel.Information, Message = "No gRPC method mapped at {Path}.")]
    public static partial void Unimplemented(ILogger logger, string path);

    [LoggerMessage(EventId = 1009, Level = LogLevel.Debug, Message = "{Method}: finished with {StatusCode} {Detail}")]
    public static partial void Finished(ILogger logger, string method, StatusCode statusCode, string detail);

    [LoggerMessage(EventId = 1010, Level = LogLevel.Debug, Message = "{Method}: failed to send the status; the client has gone.")]
    public static partial void StatusNotSent(ILogger logger, string method, Exception exception);
}
