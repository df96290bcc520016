namespace AsyncRL.Tests.Support;

/// <summary>
/// A thread that forces full collections and runs the finalizers in a tight loop until disposed, so any native
/// object whose managed wrapper became unreachable is freed at once, while the code under test still runs.
/// </summary>
internal sealed class GcHammer : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly Thread _thread;
    private readonly ManualResetEventSlim _started = new();
    private volatile bool _stop;
    private long _collections;

    private GcHammer()
    {
        _thread = new Thread(Run) { IsBackground = true, Name = "gc-hammer" };
        _thread.Start();
        if (!_started.Wait(Timeout)) throw new TimeoutException($"The GC thread did not finish a first collection within {Timeout.TotalSeconds} s.");
    }

    /// <summary>Collections forced so far.</summary>
    public long Collections => Interlocked.Read(ref _collections);

    /// <summary>Starts the thread and returns once it has forced its first collection.</summary>
    public static GcHammer Start() => new();

    private void Run()
    {
        while (!_stop)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            Interlocked.Increment(ref _collections);
            _started.Set();
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _stop = true;
        if (!_thread.Join(Timeout)) throw new TimeoutException($"The GC thread did not stop within {Timeout.TotalSeconds} s.");
        _started.Dispose();
    }
}
