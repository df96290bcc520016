using System.Collections.Concurrent;
using System.Diagnostics.Tracing;
using System.Runtime.CompilerServices;

namespace AsyncRL.Tests.Support;

/// <summary>
/// Counts, by type, the TorchSharp objects (Scalars, tensors, modules, and types derived from them) that reach their
/// finalizer while it listens, from the runtime's FinalizeObject events. Such an object was dropped without being
/// disposed; while another thread forces collections, that is what frees a native object under a running call.
/// </summary>
internal sealed class TorchFinalizations : EventListener
{
    private const string RuntimeSource = "Microsoft-Windows-DotNETRuntime";
    private const EventKeywords GcKeyword = (EventKeywords)0x1; // FinalizeObject is a verbose GC event
    private static readonly System.Reflection.Assembly TorchSharp = typeof(TorchSharp.Scalar).Assembly;
    private static readonly nint SentinelType = typeof(Sentinel).TypeHandle.Value;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    // Events can arrive while the base constructor runs, before these are assigned.
    private readonly ConcurrentDictionary<string, int>? _counts = new(StringComparer.Ordinal);
    private readonly ManualResetEventSlim? _sentinelSeen = new();

    /// <summary>TorchSharp objects finalized so far, by type name.</summary>
    public IReadOnlyDictionary<string, int> Counts => _counts!;

    /// <summary>Collects, runs the finalizers and waits until their events have all been delivered to this listener.</summary>
    public void Flush()
    {
        // The finalizers of everything unreachable now have run, and raised their events, once this returns.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        // One thread runs the finalizers, so the sentinel's event, raised after those, arrives after them too.
        _sentinelSeen!.Reset();
        DropSentinel();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        if (!_sentinelSeen.Wait(Timeout))
            throw new TimeoutException($"The runtime's FinalizeObject event for a sentinel object did not arrive within {Timeout.TotalSeconds} s.");
    }

    /// <summary>Forgets the counts so far.</summary>
    public void Clear() => _counts!.Clear();

    /// <inheritdoc />
    public override void Dispose()
    {
        base.Dispose();
        _sentinelSeen?.Dispose();
    }

    /// <inheritdoc />
    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == RuntimeSource) EnableEvents(eventSource, EventLevel.Verbose, GcKeyword);
    }

    /// <inheritdoc />
    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (_counts is null || _sentinelSeen is null || eventData.EventName != "FinalizeObject" || eventData.PayloadNames is not { } names) return;
        int at = names.IndexOf("TypeID");
        if (at < 0 || eventData.Payload?[at] is not { } raw) return;
        nint typeId = raw switch
        {
            ulong u => (nint)u,
            long l => (nint)l,
            nint p => p,
            nuint p => (nint)p,
            _ => 0,
        };
        if (typeId == 0) return;
        if (typeId == SentinelType)
        {
            _sentinelSeen.Set();
            return;
        }
        var type = Type.GetTypeFromHandle(RuntimeTypeHandle.FromIntPtr(typeId));
        if (type is not null && FromTorchSharp(type)) _counts.AddOrUpdate(type.Name, 1, (_, n) => n + 1);
    }

    private static bool FromTorchSharp(Type type)
    {
        // TorchSharp's PinnedArray does not suppress its finalizer on Dispose: every one gets there, disposed or not.
        if (type.IsGenericType && type.GetGenericTypeDefinition().Name == "PinnedArray`1") return false;
        for (var t = type; t is not null; t = t.BaseType)
            if (t.Assembly == TorchSharp) return true;
        return false;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void DropSentinel() => _ = new Sentinel();

    private sealed class Sentinel
    {
        private static int s_finalized;

        ~Sentinel() => Interlocked.Increment(ref s_finalized);
    }
}
