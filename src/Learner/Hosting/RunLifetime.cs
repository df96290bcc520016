namespace AsyncRL.Learner;

/// <summary>
/// The two ways a node's calls end: the run <em>finished</em> (solved or out of budget: streams end OK with
/// the run-finished trailer, later calls get FAILED_PRECONDITION) or the node is <em>stopping</em> (streams
/// end UNAVAILABLE, so actors reconnect to the restarted learner).
/// </summary>
internal sealed class RunLifetime : IDisposable
{
    private readonly CancellationTokenSource _finished = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly CancellationTokenSource _ending;

    public RunLifetime() => _ending = CancellationTokenSource.CreateLinkedTokenSource(_finished.Token, _stopping.Token);

    public bool IsFinished => _finished.IsCancellationRequested;

    public bool IsStopping => _stopping.IsCancellationRequested;

    /// <summary>Cancelled when the run finishes or the node stops.</summary>
    public CancellationToken Ending => _ending.Token;

    public CancellationToken Stopping => _stopping.Token;

    public void Finish() => _finished.Cancel();

    public void Stop() => _stopping.Cancel();

    public void Dispose()
    {
        _ending.Dispose();
        _finished.Dispose();
        _stopping.Dispose();
    }
}

/// <summary>What ingestion answered, counted for metrics.jsonl and the progress view.</summary>
internal sealed class IngestCounters
{
    private long _accepted;
    private long _duplicate;
    private long _rejected;
    private long _backpressure;

    public long Accepted => Interlocked.Read(ref _accepted);

    public long Duplicate => Interlocked.Read(ref _duplicate);

    public long Rejected => Interlocked.Read(ref _rejected);

    public long Backpressure => Interlocked.Read(ref _backpressure);

    public void CountAccepted() => Interlocked.Increment(ref _accepted);

    public void CountDuplicate() => Interlocked.Increment(ref _duplicate);

    public void CountRejected() => Interlocked.Increment(ref _rejected);

    public void CountBackpressure() => Interlocked.Increment(ref _backpressure);

    public void Restore(long accepted, long duplicate, long rejected)
    {
        Interlocked.Exchange(ref _accepted, accepted);
        Interlocked.Exchange(ref _duplicate, duplicate);
        Interlocked.Exchange(ref _rejected, rejected);
    }
}
