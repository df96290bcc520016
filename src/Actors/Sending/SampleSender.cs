using System.Diagnostics;
using System.Runtime.ExceptionServices;
using System.Threading.Channels;
using AsyncRL.Actors.Hosting;
using AsyncRL.Actors.Resilience;
using AsyncRL.Actors.Telemetry;
using AsyncRL.Contracts;
using Grpc.Core;
using AsyncRL.Contracts.V1;
using Microsoft.Extensions.Logging;
using Polly;

namespace AsyncRL.Actors.Sending;

/// <summary>
/// One actor id's <c>PushSamples</c> stream (docs/wire-protocol.md, "Samples"). Batches get seq 1, 2, 3, … at
/// submission, kept across reconnects and actor restarts. At most <c>credits</c> un-acked batches are in flight
/// (the balance starts at <c>initial_credits</c> per stream and grows by each ack's grant); every un-acked batch
/// stays in a bounded window, whose fullness blocks the actor (backpressure). After a broken stream the sender
/// re-registers, reconnects with backoff and re-sends the window in seq order before anything new.
/// </summary>
internal sealed class SampleSender
{
    private readonly string _actorId;
    private readonly LearnerSession _session;
    private readonly ActorInstrumentation _instrumentation;
    private readonly ILogger _logger;
    private readonly ResiliencePipeline _retry;
    private readonly TimeProvider _time;
    private readonly WindowRoom _room;
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly Lock _gate = new();
    private readonly List<PendingBatch> _window = [];
    private Registration _registration;
    private ulong _lastSeq;
    private long _credits;
    private long _rejected;
    private ulong _sentUpTo;
    private bool _progressed;
    private int _reserved; // 1 while the actor holds a window place taken by TryReserve and not yet used by Submit

    public SampleSender(string actorId, LearnerSession session, Registration registration, int windowSize, BackoffOptions backoff,
        ActorInstrumentation instrumentation, ILogger logger, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(windowSize, 1);
        _actorId = actorId;
        _session = session;
        _registration = registration;
        _instrumentation = instrumentation;
        _logger = logger;
        _time = time;
        // A node restarted under the same id continues after what the learner has seen; starting again at 1
        // would make its new batches look like re-sends and be dropped as duplicates.
        _lastSeq = registration.NextSeq(actorId) - 1;
        if (_lastSeq > 0) ActorLog.ContinuingSeq(_logger, actorId, _lastSeq + 1);
        _room = new WindowRoom(windowSize);
        _retry = Backoff.Pipeline(backoff, time, RunEnd.IsRetryable, (ex, attempt, delay) =>
        {
            _instrumentation.Reconnect("PushSamples");
            ActorLog.PushRetry(_logger, _actorId, attempt, delay.TotalSeconds, ex.Message);
        });
    }

    public string ActorId => _actorId;

    /// <summary>Batches the learner rejected (they never trained anything).</summary>
    public long Rejected => Interlocked.Read(ref _rejected);

    /// <summary>The last seq handed out (0 before the first batch).</summary>
    public ulong LastSeq
    {
        get { lock (_gate) return _lastSeq; }
    }

    /// <summary>Batches submitted and not yet answered.</summary>
    public int Unacked
    {
        get { lock (_gate) return _window.Count; }
    }

    /// <summary>
    /// Takes the window place the next <see cref="Submit"/> will use; true when one is held (already, or now). When
    /// the window is full, <paramref name="onRoom"/> is called once an answer frees a place, and this returns false.
    /// An actor reserves before it generates, so that a learner-bound run does not leave a finished fragment
    /// waiting for room while newer weights arrive: the fragment is made with the weights that are newest once it
    /// can be sent. The place survives a faulted incarnation for the next one.
    /// </summary>
    public bool TryReserve(Action onRoom)
    {
        if (Volatile.Read(ref _reserved) == 1) return true;
        if (!_room.TryTake(onRoom)) return false;
        Volatile.Write(ref _reserved, 1);
        return true;
    }

    /// <summary>
    /// Numbers the batch and queues it for sending, using the place taken by <see cref="TryReserve"/>. The batch is
    /// owned by the sender from here on.
    /// </summary>
    public void Submit(SampleBatch batch, ActivityContext rollout)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (Interlocked.Exchange(ref _reserved, 0) == 0) throw new InvalidOperationException($"Actor {_actorId}: a batch was submitted without a reserved window place.");
        batch.TraceContext = TraceContexts.ToMessage(rollout);
        batch.ActorId = _actorId;
        lock (_gate)
        {
            batch.Seq = ++_lastSeq;
            _window.Add(new PendingBatch(batch.Seq, batch, rollout));
        }
        Wake();
    }

    /// <summary>Streams until cancelled or the run ends; throws only for failures retrying cannot cure.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested && _session.End == SessionEnd.None)
        {
            bool finished = await _retry.ExecuteAsync(StreamOnceAsync, cancellationToken).ConfigureAwait(false);
            if (finished)
            {
                _session.Finish(SessionEnd.RunFinished);
                return;
            }
        }
    }

    /// <summary>One PushSamples call: true when it ended the run; false to reconnect at once (it made progress); throws to back off.</summary>
    private async ValueTask<bool> StreamOnceAsync(CancellationToken cancellationToken)
    {
        Registration registration = _registration;
        using var stream = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var call = _session.Client.PushSamples(new CallOptions(cancellationToken: stream.Token));
        lock (_gate)
        {
            _credits = registration.InitialCredits;
            _sentUpTo = 0; // nothing sent on this stream yet: the whole window goes again, in seq order
            _progressed = false;
        }
        Task<bool> acks = ReadAcksAsync(call, stream.Token);
        Exception? writeFailure = null;
        try
        {
            await WriteLoopAsync(call.RequestStream, registration.RunId, acks, stream.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            // The call failed under the writer; its status comes from the reader. Resetting the stream makes sure
            // the reader ends even when the failure was local (a message the transport refused to send) — but not
            // when the learner already ended the call for the end of the run: the reader is to see that trailer.
            writeFailure = ex;
            if (!EndedForRunEnd(call)) await stream.CancelAsync().ConfigureAwait(false);
        }

        Exception failure;
        try
        {
            if (await acks.ConfigureAwait(false)) return true;
            failure = writeFailure ?? new IOException("The learner closed the sample stream.");
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            // The reader cut by our own reset reports CANCELLED; the writer's failure says what happened.
            failure = RunEnd.IsCancellation(ex) && writeFailure is not null ? writeFailure : ex;
        }
        finally
        {
            EndPushes("stream ended");
        }

        if (RunEnd.IsFinished(failure)) return true;
        if (!RunEnd.IsRetryable(failure)) ExceptionDispatchInfo.Throw(failure);
        bool progressed;
        lock (_gate) progressed = _progressed;
        // The next stream may face a learner that restarted: register again (idempotent) before reconnecting.
        _registration = await _session.RenewAsync(registration, cancellationToken).ConfigureAwait(false) ?? registration;
        lock (_gate) _lastSeq = Math.Max(_lastSeq, _registration.NextSeq(_actorId) - 1);
        if (_session.End != SessionEnd.None) return false;
        if (!progressed) ExceptionDispatchInfo.Throw(failure); // nothing got through: back off before the next try
        ActorLog.PushRetry(_logger, _actorId, 0, 0, failure.Message);
        return false;
    }

    private static bool EndedForRunEnd(AsyncDuplexStreamingCall<SampleBatch, PushAck> call)
    {
        try
        {
            return RunEnd.IsFinished(call.GetTrailers());
        }
        catch (InvalidOperationException)
        {
            return false; // not finished yet
        }
    }

    private async Task WriteLoopAsync(IClientStreamWriter<SampleBatch> requests, string runId, Task acks, CancellationToken cancellationToken)
    {
        while (!acks.IsCompleted)
        {
            PendingBatch? next = TakeNextToSend();
            if (next is null)
            {
                // Nothing sendable (no credits or nothing new): sleep until a submission, an ack or the stream's end.
                await Task.WhenAny(_wake.Reader.WaitToReadAsync(cancellationToken).AsTask(), acks).ConfigureAwait(false);
                _wake.Reader.TryRead(out _);
                cancellationToken.ThrowIfCancellationRequested();
                continue;
            }
            next.Batch.RunId = runId;
            next.Push = TraceParent.StartDetached("push", ActivityKind.Client, next.Rollout);
            next.Push?.SetTag("asyncrl.seq", (long)next.Seq);
            next.Push?.SetTag("asyncrl.resend", next.Sends > 1);
            await requests.WriteAsync(next.Batch, cancellationToken).ConfigureAwait(false);
            _instrumentation.BatchSent(resend: next.Sends > 1);
        }
    }

    /// <summary>The lowest-seq batch not yet sent on this stream, if a credit allows sending it.</summary>
    private PendingBatch? TakeNextToSend()
    {
        lock (_gate)
        {
            if (_credits <= 0) return null;
            foreach (PendingBatch pending in _window)
            {
                if (pending.Seq <= _sentUpTo) continue;
                _credits--;
                _sentUpTo = pending.Seq;
                pending.Sends++;
                pending.SentAt = _time.GetTimestamp(); // under the lock the ack's reader takes too
                return pending;
            }
            return null;
        }
    }

    /// <summary>Reads acks until the call ends: true when its trailers end the run.</summary>
    private async Task<bool> ReadAcksAsync(AsyncDuplexStreamingCall<SampleBatch, PushAck> call, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (PushAck ack in call.ResponseStream.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                OnAck(ack);
                Wake();
            }
            return RunEnd.IsFinished(call.GetTrailers());
        }
        finally
        {
            Wake();
        }
    }

    private void OnAck(PushAck ack)
    {
        _instrumentation.LearnerVersion(ack.LearnerPolicyVersion);
        PendingBatch? answered = null;
        lock (_gate)
        {
            _progressed = true;
            _credits += ack.Credits;
            if (ack.Status is AckStatus.Accepted or AckStatus.Duplicate or AckStatus.Rejected)
            {
                int index = _window.FindIndex(p => p.Seq == ack.Seq);
                if (index >= 0)
                {
                    answered = _window[index];
                    _window.RemoveAt(index);
                }
            }
        }
        if (ack.Status == AckStatus.Credit) return;
        if (answered is null)
        {
            ActorLog.UnexpectedAck(_logger, _actorId, ack.Seq, ack.Status);
            return;
        }
        TimeSpan pushToAck = _time.GetElapsedTime(answered.SentAt);
        switch (ack.Status)
        {
            case AckStatus.Accepted:
                answered.EndPush("accepted");
                _instrumentation.BatchAnswered(BatchOutcome.Accepted, pushToAck);
                break;
            case AckStatus.Duplicate:
                answered.EndPush("duplicate");
                _instrumentation.BatchAnswered(BatchOutcome.Duplicate, pushToAck);
                break;
            default:
                // Never sent again: the learner found it invalid, and it would be again.
                Interlocked.Increment(ref _rejected);
                answered.EndPush("rejected", error: true);
                _instrumentation.BatchAnswered(BatchOutcome.Rejected, pushToAck);
                ActorLog.BatchRejected(_logger, _actorId, ack.Seq, ack.Code, ack.Reason);
                break;
        }
        // Room for the actor only after the answer is counted: a batch submitted later implies its predecessors' answers show in the stats.
        _room.Give();
    }

    private void EndPushes(string status)
    {
        lock (_gate)
        {
            foreach (PendingBatch pending in _window) pending.EndPush(status, error: true);
        }
    }

    private void Wake() => _wake.Writer.TryWrite(true);
}
