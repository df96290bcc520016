using System.Diagnostics;
using AsyncRL.Contracts.V1;

namespace AsyncRL.Contracts;

/// <summary>W3C trace context (https://www.w3.org/TR/trace-context/) in and out of the wire's <see cref="TraceContext"/>.</summary>
public static class TraceContexts
{
    /// <summary>The <c>traceparent</c> of a span context: version 00, trace id, span id, flags.</summary>
    public static string Format(ActivityContext context) =>
        $"00-{context.TraceId.ToHexString()}-{context.SpanId.ToHexString()}-{((context.TraceFlags & ActivityTraceFlags.Recorded) != 0 ? "01" : "00")}";

    /// <summary>The message for <paramref name="context"/>; null for the default (no span).</summary>
    public static TraceContext? ToMessage(ActivityContext context) =>
        context == default ? null : new TraceContext { Traceparent = Format(context), Tracestate = context.TraceState ?? "" };

    /// <summary>The span context a message carries; default when it is absent or malformed (tracing is best effort).</summary>
    public static ActivityContext FromMessage(TraceContext? message) =>
        message is not null && ActivityContext.TryParse(message.Traceparent, string.IsNullOrEmpty(message.Tracestate) ? null : message.Tracestate, isRemote: true, out var context)
            ? context
            : default;
}
