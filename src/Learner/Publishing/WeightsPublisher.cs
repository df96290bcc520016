using System.Diagnostics;
using AsyncRL.Algorithms;
using AsyncRL.Contracts;
using AsyncRL.Contracts.V1;
using AsyncRL.Models.Nn;

namespace AsyncRL.Learner.Publishing;

/// <summary>
/// The versions actors can fetch: the newest <c>history</c> of them (at least lag + 1, so a lagged actor
/// always finds its version), and a signal that fires at each publish for the WatchWeights streams.
/// Published from the update loop only; read from any thread.
/// </summary>
internal sealed class WeightsPublisher
{
    private readonly int _history;
    private readonly Lock _lock = new();
    private readonly LinkedList<PublishedVersion> _versions = new();
    private TaskCompletionSource _next = NewSignal();

    public WeightsPublisher(int history)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(history, 1);
        _history = history;
    }

    /// <summary>The newest version (−1 before the first publish).</summary>
    public long LatestVersion
    {
        get
        {
            lock (_lock)
            {
                return _versions.Last?.Value.Version ?? -1;
            }
        }
    }

    /// <summary>Packs the module's current parameters as <paramref name="version"/> and wakes the watchers.</summary>
    public PublishedVersion Publish(Module module, long version, long learnerUpdate, ActivityContext trace = default)
    {
        var (blob, layout) = ModuleWeights.Pack(module, WeightsEncoding.F32);
        var published = new PublishedVersion(version, learnerUpdate, blob, layout, TraceContexts.ToMessage(trace));
        TaskCompletionSource woken;
        lock (_lock)
        {
            if (_versions.Last is { } last && version <= last.Value.Version)
                throw new InvalidOperationException($"Version {version} is not newer than {last.Value.Version}.");
            _versions.AddLast(published);
            while (_versions.Count > _history) _versions.RemoveFirst();
            woken = _next;
            _next = NewSignal();
        }
        woken.TrySetResult();
        return published;
    }

    /// <summary>The newest version and a task that completes at the next publish (null before the first).</summary>
    public (PublishedVersion? Latest, Task Next) Watch()
    {
        lock (_lock)
        {
            return (_versions.Last?.Value, _next.Task);
        }
    }

    /// <summary>A retained version, or null.</summary>
    public PublishedVersion? Find(long version)
    {
        lock (_lock)
        {
            foreach (var v in _versions)
                if (v.Version == version) return v;
            return null;
        }
    }

    /// <summary>The oldest and newest retained versions.</summary>
    public (long Oldest, long Latest) Range()
    {
        lock (_lock)
        {
            return (_versions.First?.Value.Version ?? -1, _versions.Last?.Value.Version ?? -1);
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
