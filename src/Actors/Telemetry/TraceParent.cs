using System.Diagnostics;

namespace AsyncRL.Actors.Telemetry;

/// <summary>W3C trace context in and out of spans (https://www.w3.org/TR/trace-context/).</summary>
internal static class TraceParent
{
    /// <summary>The <c>traceparent</c> of a span context: version 00, trace id, span id, flags.</summary>
    public static string Format(ActivityContext context) =>
        $"00-{context.TraceId.ToHexString()}-{context.SpanId.ToHexString()}-{((context.TraceFlags & ActivityTraceFlags.Recorded) != 0 ? "01" : "00")}";

    /// <summary>
    /// Starts a span under an explicit parent without making it the ambient <see cref="Activity.Current"/>: spans
    /// that outlive the code that starts them (a push lasts until its ack) must not become the parent of
    /// whatever that code starts next.
    /// </summary>
    public static Activity? StartDetached(string name, ActivityKind kind, ActivityContext parent)
    {
        Activity? previous = Activity.Current;
        Activity? span = ActorInstrumentation.ActivitySource.StartActivity(name, kind, parent);
        Activity.Current = previous;
        return span;
    }
}
