using Akka.Actor;
using AsyncRL.Actors.Sending;

namespace AsyncRL.Actors.Rollout;

/// <summary>
/// What survives an actor's restart, and a new actor system after the node rejoined the cluster: its id, its
/// sender (so seqs and un-acked batches carry over) and its count of incarnations. The supervisor that starts
/// incarnations of a <see cref="RolloutActor"/> for it is <see cref="Actor"/>.
/// </summary>
internal sealed class ActorSlot(int index, string actorId, SampleSender sender)
{
    private long _restarts;
    private int _incarnations;
    private IActorRef _actor = ActorRefs.Nobody;

    public int Index { get; } = index;

    public string ActorId { get; } = actorId;

    public SampleSender Sender { get; } = sender;

    public long Restarts => Interlocked.Read(ref _restarts);

    /// <summary>The slot's supervisor (messages to it reach the current incarnation); Nobody before it is spawned.</summary>
    public IActorRef Actor
    {
        get => Volatile.Read(ref _actor);
        set => Volatile.Write(ref _actor, value);
    }

    /// <summary>The next incarnation's number (0, 1, …): each gets its own seed.</summary>
    public int NextIncarnation() => Interlocked.Increment(ref _incarnations) - 1;

    public void CountRestart() => Interlocked.Increment(ref _restarts);
}
