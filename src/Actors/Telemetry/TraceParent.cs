using System.Diagnostics;

namespace AsyncRL.Actors.Telemetry;

/// <summary>Spans started under an explicit parent (the wire side of trace context is <c>TraceContexts</c>).</summary>
internal static class TraceParent
{
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
