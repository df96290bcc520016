using System.Diagnostics;
using Grpc.Core;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace AsyncRL.Learner.Wire;

/// <summary>
/// Counts and logs every gRPC call by method and final status (CANCELLED for a call its client abandoned). A middleware rather than an interceptor: it
/// also sees the calls that never reach a handler — an oversized unary request (RESOURCE_EXHAUSTED), an unknown
/// method (UNIMPLEMENTED), a refused token — whose status grpc-dotnet writes in the trailers, or in the headers
/// of a Trailers-Only answer.
/// </summary>
internal sealed partial class GrpcCallObserver(RequestDelegate next, LearnerInstrumentation instrumentation, ILoggerFactory loggers)
{
    private readonly ILogger _logger = loggers.CreateLogger("AsyncRL.Learner.Wire");

    public async Task InvokeAsync(HttpContext context)
    {
        long start = Stopwatch.GetTimestamp();
        await next(context).ConfigureAwait(false);
        string? status = context.Features.Get<IHttpResponseTrailersFeature>()?.Trailers["grpc-status"].FirstOrDefault()
            ?? context.Response.Headers["grpc-status"].FirstOrDefault();
        // A call the client cancelled or whose connection dropped ends with whatever the handler threw (often UNKNOWN),
        // and no status reaches anyone: it is counted as what it was, CANCELLED.
        bool aborted = context.RequestAborted.IsCancellationRequested;
        int value = 0;
        if (!aborted && (status is null || !int.TryParse(status, System.Globalization.CultureInfo.InvariantCulture, out value))) return;
        if (aborted && status is null && context.Request.ContentType?.StartsWith("application/grpc", StringComparison.Ordinal) != true) return;
        var code = aborted ? StatusCode.Cancelled : (StatusCode)value;
        value = (int)code;
        string method = context.Request.Path.Value ?? "";
        var tags = new TagList { { "rpc.method", method }, { "rpc.grpc.status_code", value } };
        instrumentation.RpcCalls.Add(1, tags);
        instrumentation.RpcDuration.Record(Stopwatch.GetElapsedTime(start).TotalSeconds, tags);
        if (code is StatusCode.OK or StatusCode.Cancelled) return;
        string? message = context.Features.Get<IHttpResponseTrailersFeature>()?.Trailers["grpc-message"].FirstOrDefault()
            ?? context.Response.Headers["grpc-message"].FirstOrDefault();
        if (code is StatusCode.Unauthenticated or StatusCode.ResourceExhausted or StatusCode.Unimplemented or StatusCode.Internal)
            Refused(_logger, method, code, Uri.UnescapeDataString(message ?? ""), context.Connection.RemoteIpAddress?.ToString() ?? "?");
        else
            Ended(_logger, method, code, Uri.UnescapeDataString(message ?? ""));
    }

    [LoggerMessage(3101, LogLevel.Warning, "gRPC call {Method} from {Peer} answered {Code}: {Detail}")]
    private static partial void Refused(ILogger logger, string method, StatusCode code, string detail, string peer);

    [LoggerMessage(3102, LogLevel.Debug, "gRPC call {Method} ended {Code}: {Detail}")]
    private static partial void Ended(ILogger logger, string method, StatusCode code, string detail);
}
