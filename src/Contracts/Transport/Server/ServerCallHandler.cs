using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;

namespace AsyncRL.Contracts.Transport;

/// <summary>
/// Runs one gRPC call on an HTTP/2 request: checks the protocol, applies deadline, authentication and
/// tracing, invokes the typed method, and ends the call with a status. The typed part is in subclasses.
/// </summary>
internal abstract class ServerCallHandler(GrpcServerRuntime runtime, string method, bool allowAnonymous)
{
    protected GrpcServerRuntime Runtime { get; } = runtime;

    protected string MethodName { get; } = method;

    public async Task HandleAsync(HttpContext httpContext)
    {
        long start = Stopwatch.GetTimestamp();
        if (!await CheckProtocolAsync(httpContext, Runtime).ConfigureAwait(false)) return;

        var context = new ServerCallContext(httpContext, MethodName, Runtime.Options);
        using Activity? activity = StartActivity(context);
        Runtime.Telemetry.ActiveCalls.Add(1);
        Status status = default;
        try
        {
            status = await RunAsync(context).ConfigureAwait(false);
        }
        finally
        {
            Runtime.Telemetry.ActiveCalls.Add(-1);
            Runtime.Telemetry.CallEnded(MethodName, status.StatusCode, start);
            if (activity is not null)
            {
                activity.SetTag("rpc.grpc.status_code", (int)status.StatusCode);
                if (status.StatusCode != StatusCode.OK) activity.SetStatus(ActivityStatusCode.Error, status.Detail);
            }
            context.Dispose();
        }
    }

    /// <summary>Reads the request messages, runs the handler, writes the response messages.</summary>
    protected abstract Task InvokeAsync(ServerCallContext context);

    private async Task<Status> RunAsync(ServerCallContext context)
    {
        Status? refusal = context.Start(out ProtocolError protocolError);
        if (refusal is null && !allowAnonymous && Runtime.Options.Authenticator is { } authenticator)
        {
            Status verdict = await authenticator.AuthenticateAsync(context).ConfigureAwait(false);
            if (verdict.StatusCode != StatusCode.OK) refusal = verdict;
        }
        if (refusal is { } refused)
        {
            GrpcServerLog.Refused(Runtime.Logger, MethodName, refused.StatusCode, refused.Detail);
            if (protocolError != ProtocolError.None) Runtime.Telemetry.ProtocolError(protocolError);
            await FinishAsync(context, refused, completeResponse: false).ConfigureAwait(false);
            return refused;
        }

        Task invocation = InvokeAsync(context);
        if (context.DeadlineTask is { } deadline && await Task.WhenAny(invocation, deadline).ConfigureAwait(false) != invocation)
        {
            // The handler is still running: tell the client now, then wait for the handler to notice its
            // cancelled token (the HttpContext must outlive it).
            var expired = new Status(StatusCode.DeadlineExceeded, "Deadline exceeded.");
            GrpcServerLog.DeadlineExceeded(Runtime.Logger, MethodName);
            await FinishAsync(context, expired, completeResponse: true).ConfigureAwait(false);
            try
            {
                await invocation.ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                // The client already has its status. Cancellation or "call finished" is the expected ending;
                // anything else is a handler fault worth a log line.
                if (ex is not (OperationCanceledException or RpcException or InvalidOperationException))
                {
                    GrpcServerLog.HandlerFailed(Runtime.Logger, MethodName, ex);
                }
            }
            return expired;
        }

        Status status = await ObserveAsync(context, invocation).ConfigureAwait(false);
        if (context.ProtocolErrorStatus is { } violation)
        {
            // A broken request stream decides the status even when the handler swallowed the exception.
            status = violation;
            Runtime.Telemetry.ProtocolError(context.ProtocolError);
            GrpcServerLog.ProtocolViolation(Runtime.Logger, MethodName, GrpcTelemetry.ErrorName(context.ProtocolError), violation.Detail);
        }
        await FinishAsync(context, status, completeResponse: false).ConfigureAwait(false);
        return status;
    }

    private async Task<Status> ObserveAsync(ServerCallContext context, Task invocation)
    {
        try
        {
            await invocation.ConfigureAwait(false);
            return context.Status;
        }
        catch (RpcException ex)
        {
            foreach (MetadataEntry entry in ex.Trailers) context.ResponseTrailers.Add(entry);
            return ex.Status;
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            if (context.DeadlineExceeded)
            {
                GrpcServerLog.DeadlineExceeded(Runtime.Logger, MethodName);
                return new Status(StatusCode.DeadlineExceeded, "Deadline exceeded.");
            }
            GrpcServerLog.ClientCancelled(Runtime.Logger, MethodName);
            return new Status(StatusCode.Cancelled, "The call was cancelled by the client.");
        }
        catch (Exception) when (context.HttpContext.RequestAborted.IsCancellationRequested)
        {
            // A read or write failing because the client reset the stream or dropped the connection: not a
            // handler fault, whatever the exception type (IOException, ConnectionAbortedException, ...).
            GrpcServerLog.ClientCancelled(Runtime.Logger, MethodName);
            return new Status(StatusCode.Cancelled, "The call was cancelled by the client.");
        }
        catch (Exception ex)
        {
            GrpcServerLog.HandlerFailed(Runtime.Logger, MethodName, ex);
            return new Status(StatusCode.Unknown, Runtime.Options.IncludeExceptionDetails
                ? $"Exception was thrown by handler. {ex.GetType().Name}: {ex.Message}"
                : "Exception was thrown by handler.");
        }
    }

    private async ValueTask FinishAsync(ServerCallContext context, Status status, bool completeResponse)
    {
        if (status.StatusCode != StatusCode.OK) GrpcServerLog.Finished(Runtime.Logger, MethodName, status.StatusCode, status.Detail);
        try
        {
            await context.FinishAsync(status, completeResponse).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or InvalidOperationException)
        {
            GrpcServerLog.StatusNotSent(Runtime.Logger, MethodName, ex);
        }
    }

    private Activity? StartActivity(ServerCallContext context)
    {
        if (!GrpcTelemetry.ActivitySource.HasListeners()) return null;
        Activity? activity = GrpcTelemetry.ActivitySource.StartActivity(MethodName.TrimStart('/'), ActivityKind.Server, context.TraceParent);
        activity?.SetTag("rpc.system", "grpc");
        activity?.SetTag("rpc.method", MethodName);
        return activity;
    }

    /// <summary>
    /// Answers requests that are not gRPC over HTTP/2 the way the spec asks: 415 for a foreign
    /// content-type (so no HTTP client mistakes it for success), 426 with an INTERNAL status for HTTP/1.x.
    /// </summary>
    internal static async ValueTask<bool> CheckProtocolAsync(HttpContext httpContext, GrpcServerRuntime runtime)
    {
        HttpRequest request = httpContext.Request;
        if (!HttpProtocol.IsHttp2(request.Protocol))
        {
            GrpcServerLog.NotHttp2(runtime.Logger, request.Path, request.Protocol);
            runtime.Telemetry.ProtocolError(ProtocolError.NotHttp2);
            httpContext.Response.Headers.Upgrade = "h2";
            await WriteHttpErrorAsync(httpContext, StatusCodes.Status426UpgradeRequired, $"Request protocol '{request.Protocol}' is not supported; gRPC needs HTTP/2.").ConfigureAwait(false);
            return false;
        }
        if (!GrpcProtocol.IsGrpcContentType(request.ContentType))
        {
            GrpcServerLog.BadContentType(runtime.Logger, request.Path, request.ContentType);
            runtime.Telemetry.ProtocolError(ProtocolError.BadContentType);
            await WriteHttpErrorAsync(httpContext, StatusCodes.Status415UnsupportedMediaType, $"Content-Type '{request.ContentType}' is not supported.").ConfigureAwait(false);
            return false;
        }
        // Streams are bounded by the message size limit, deadlines and the stall timeout, not by Kestrel's
        // whole-body size and minimum data rate, which would cut long-lived sample and weight streams.
        if (httpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } maxBody) maxBody.MaxRequestBodySize = null;
        if (httpContext.Features.Get<IHttpMinRequestBodyDataRateFeature>() is { } minRequestRate) minRequestRate.MinDataRate = null;
        if (httpContext.Features.Get<IHttpMinResponseDataRateFeature>() is { } minResponseRate) minResponseRate.MinDataRate = null;
        httpContext.Response.ContentType = GrpcProtocol.ContentType;
        return true;
    }

    private static Task WriteHttpErrorAsync(HttpContext httpContext, int httpStatus, string detail)
    {
        var response = httpContext.Response;
        response.StatusCode = httpStatus;
        response.Headers[GrpcProtocol.StatusHeader] = GrpcProtocol.StatusString(StatusCode.Internal);
        response.Headers[GrpcProtocol.MessageHeader] = PercentEncoding.Encode(detail);
        return response.CompleteAsync();
    }
}
