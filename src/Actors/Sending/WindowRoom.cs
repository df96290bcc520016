namespace AsyncRL.Actors.Sending;

/// <summary>
/// Free places in a sender's window of un-acked batches; an actor thread takes one per batch and blocks while
/// there is none. Unlike <see cref="SemaphoreSlim"/>, waiting does not spin first: an actor waits for acks most
/// of the time on a learner-bound run, and spinning there took CPU from the learner it was waiting for
/// (measured: over half of each actor thread's samples inside SemaphoreSlim's spin on a 2-core run).
/// </summary>
internal sealed class WindowRoom(int capacity)
{
    private readonly object _gate = new(); // Monitor.Wait needs a monitor, not a System.Threading.Lock
    private int _free = capacity >= 1 ? capacity : throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "The window holds at least one batch.");

    /// <summary>Places free now.</summary>
    public int Free
    {
        get { lock (_gate) return _free; }
    }

    /// <summary>Takes a place, blocking (without spinning) until one is free; throws when cancelled first.</summary>
    public void Take(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_free > 0)
            {
                _free--;
                return;
            }
        }
        using var wake = cancellationToken.Register(static state => ((WindowRoom)state!).WakeAll(), this);
        lock (_gate)
        {
            while (_free == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                Monitor.Wait(_gate);
            }
            _free--;
        }
    }

    /// <summary>Gives a place back and wakes one waiter.</summary>
    public void Give()
    {
        lock (_gate)
        {
            _free++;
            Monitor.Pulse(_gate);
        }
    }

    private void WakeAll()
    {
        lock (_gate) Monitor.PulseAll(_gate);
    }
}
