using AsyncRL.Actors.Sending;

namespace AsyncRL.Actors.Rollout;

/// <summary>
/// What survives an actor's restart: its id, its mailbox and its sender (so seqs and un-acked batches carry
/// over). The supervisor starts incarnations of a <see cref="RolloutActor"/> into it.
/// </summary>
internal sealed class ActorSlot(int index, string actorId, SampleSender sender)
{
    private long _restarts;

    public int Index { get; } = index;

    public string ActorId { get; } = actorId;

    public ActorMailbox Mailbox { get; } = new();

    public SampleSender Sender { get; } = sender;

    public long Restarts => Interlocked.Read(ref _restarts);

    public void CountRestart() => Interlocked.Increment(ref _restarts);
}
