using System.Text.Json;
using System.Text.Json.Serialization;

namespace AsyncRL.Learner.Ingestion;

/// <summary>
/// De-duplication on (actor_id, seq). Two memories: <em>seen</em> (stored or rejected: a re-send is a
/// duplicate) and <em>done</em> (trained on or rejected), which is what checkpoints keep, so a batch that was
/// stored but lost with a crashed learner is accepted again when its actor re-sends it. A batch being
/// stored holds a reservation; a re-send of it on another stream (a reconnect racing the old stream)
/// waits for the outcome instead of guessing.
/// </summary>
internal sealed class Deduplicator
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, SeqWindow> _seen = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SeqWindow> _done = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Actor, ulong Seq), TaskCompletionSource> _pending = [];

    /// <summary>Raised (outside the lock) when an actor's gap limit moved its watermark.</summary>
    public event Action<string>? GapOverflow;

    /// <summary>
    /// Reserves (actor, seq) for storing; null when it was seen already. Waits while another stream holds
    /// the same reservation.
    /// </summary>
    public async ValueTask<Reservation?> TryReserveAsync(string actorId, ulong seq, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task wait;
            lock (_lock)
            {
                if (_seen.TryGetValue(actorId, out var window) && window.Contains(seq)) return null;
                if (_pending.TryGetValue((actorId, seq), out var holder))
                {
                    wait = holder.Task;
                }
                else
                {
                    var reservation = new Reservation(actorId, seq, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
                    _pending.Add((actorId, seq), reservation.Outcome);
                    return reservation;
                }
            }
            await wait.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The batch was stored (or, with <paramref name="rejected"/>, refused for good).</summary>
    public void Commit(Reservation reservation, bool rejected = false)
    {
        bool overflow;
        lock (_lock)
        {
            overflow = Window(_seen, reservation.ActorId).Add(reservation.Seq, out bool seenOverflow) && seenOverflow;
            if (rejected) Window(_done, reservation.ActorId).Add(reservation.Seq);
            _pending.Remove((reservation.ActorId, reservation.Seq));
        }
        reservation.Outcome.TrySetResult();
        if (overflow) GapOverflow?.Invoke(reservation.ActorId);
    }

    /// <summary>The batch was not stored (the stream broke or the node stops): a re-send will be taken.</summary>
    public void Abort(Reservation reservation)
    {
        lock (_lock)
        {
            _pending.Remove((reservation.ActorId, reservation.Seq));
        }
        reservation.Outcome.TrySetResult();
    }

    /// <summary>An update consumed the batch.</summary>
    public void MarkTrained(string actorId, ulong seq)
    {
        lock (_lock)
        {
            Window(_done, actorId).Add(seq);
        }
    }

    /// <summary>Whether (actor, seq) has been seen (stored or rejected).</summary>
    public bool HasSeen(string actorId, ulong seq)
    {
        lock (_lock)
        {
            return _seen.TryGetValue(actorId, out var window) && window.Contains(seq);
        }
    }

    /// <summary>The seq an actor's next new batch should carry: one above everything seen or being stored from it.</summary>
    public ulong NextSeq(string actorId)
    {
        lock (_lock)
        {
            ulong highest = _seen.TryGetValue(actorId, out var window) ? window.Highest : 0;
            foreach (var (actor, seq) in _pending.Keys)
            {
                if (seq > highest && string.Equals(actor, actorId, StringComparison.Ordinal)) highest = seq;
            }
            return highest + 1;
        }
    }

    /// <summary>The <em>done</em> memory as JSON, for a checkpoint.</summary>
    public string SaveDone()
    {
        lock (_lock)
        {
            var state = _done.ToDictionary(kv => kv.Key, kv => new SeqWindowState(kv.Value.Contiguous, [.. kv.Value.Above]), StringComparer.Ordinal);
            return JsonSerializer.Serialize(state, DedupJsonContext.Default.DictionaryStringSeqWindowState);
        }
    }

    /// <summary>Restores a checkpoint's memory into both <em>seen</em> and <em>done</em>.</summary>
    public void Restore(string json)
    {
        var state = JsonSerializer.Deserialize(json, DedupJsonContext.Default.DictionaryStringSeqWindowState)
            ?? throw new InvalidDataException("De-duplication state is empty.");
        lock (_lock)
        {
            _seen.Clear();
            _done.Clear();
            foreach (var (actor, window) in state)
            {
                _seen[actor] = new SeqWindow(window.Contiguous, window.Above);
                _done[actor] = new SeqWindow(window.Contiguous, window.Above);
            }
        }
    }

    private static SeqWindow Window(Dictionary<string, SeqWindow> windows, string actorId)
    {
        if (!windows.TryGetValue(actorId, out var window)) windows[actorId] = window = new SeqWindow();
        return window;
    }

    /// <summary>A held (actor, seq) while its batch is being stored.</summary>
    internal sealed record Reservation(string ActorId, ulong Seq, TaskCompletionSource Outcome);
}

/// <summary>One actor's watermark and sparse seqs, as checkpoints store them.</summary>
internal sealed record SeqWindowState(ulong Contiguous, ulong[] Above);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(Dictionary<string, SeqWindowState>))]
internal sealed partial class DedupJsonContext : JsonSerializerContext;
