namespace AsyncRL.Actors.Sending;

/// <summary>
/// Free places in a sender's window of un-acked batches. Taking never blocks: a rollout actor that finds the
/// window full leaves a callback, which the next answered batch calls, and the actor goes back to its mailbox
/// (backpressure as a message rather than a parked thread).
/// </summary>
internal sealed class WindowRoom(int capacity)
{
    private readonly Lock _gate = new();
    private int _free = capacity >= 1 ? capacity : throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "The window holds at least one batch.");
    private Action? _waiter;

    /// <summary>Places free now.</summary>
    public int Free
    {
        get { lock (_gate) return _free; }
    }

    /// <summary>
    /// Takes a place if one is free. Otherwise remembers <paramref name="onFree"/> (replacing an earlier one) to be
    /// called once, outside the lock, when a place is given back, and returns false.
    /// </summary>
    public bool TryTake(Action onFree)
    {
        ArgumentNullException.ThrowIfNull(onFree);
        lock (_gate)
        {
            if (_free > 0)
            {
                _free--;
                return true;
            }
            _waiter = onFree;
            return false;
        }
    }

    /// <summary>Gives a place back and wakes the waiter, if any.</summary>
    public void Give()
    {
        Action? wake;
        lock (_gate)
        {
            _free++;
            (wake, _waiter) = (_waiter, null);
        }
        wake?.Invoke();
    }
}
