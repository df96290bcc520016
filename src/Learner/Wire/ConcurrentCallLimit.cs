using System.Globalization;
using AsyncRL.Learner.Service;
using Microsoft.AspNetCore.Http;

namespace AsyncRL.Learner.Wire;

/// <summary>
/// Bounds the calls the learner's port serves at once, whoever opens them: past the bound a call is answered at once,
/// Trailers-Only, RESOURCE_EXHAUSTED, and counted; the calls already in flight go on. HTTP/2 bounds the streams of
/// one connection (Kestrel's <c>MaxStreamsPerConnection</c>); this bounds them across connections, so a client that
/// opens connection after connection cannot hold unbounded memory. Health checks have their own port.
/// </summary>
internal sealed class ConcurrentCallLimit(RequestDelegate next, LearnerInstrumentation instrumentation, int limit)
{
    private int _inFlight;

    public async Task InvokeAsync(HttpContext context)
    {
        if (Interlocked.Increment(ref _inFlight) > limit)
        {
            Interlocked.Decrement(ref _inFlight);
            instrumentation.CountRefusedCall(RefusalKind.ConcurrentCalls);
            var response = context.Response;
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = "application/grpc";
            response.Headers["grpc-status"] = ((int)Grpc.Core.StatusCode.ResourceExhausted).ToString(CultureInfo.InvariantCulture);
            // Plain ASCII, so no percent-encoding is needed.
            response.Headers["grpc-message"] = $"the learner is serving its limit of {limit} concurrent calls; try again later";
            return;
        }
        try
        {
            await next(context).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }
}
