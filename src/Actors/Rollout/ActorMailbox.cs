using System.Threading.Channels;
using AsyncRL.Actors.Weights;

namespace AsyncRL.Actors.Rollout;

/// <summary>A control message for a rollout actor.</summary>
internal abstract record ActorMessage;

/// <summary>A newer policy version to act with from the next fragment on.</summary>
internal sealed record NewWeights(PolicyWeights Weights) : ActorMessage;

/// <summary>Finish the current fragment and stop.</summary>
internal sealed record StopActor(string Reason) : ActorMessage;

/// <summary>
/// An actor's bounded mailbox. When it is full the oldest message goes: only the newest weights matter, and
/// <see cref="Stop"/> completes the mailbox, so nothing can push the stop out. It outlives actor incarnations,
/// so a restarted actor reads what its predecessor left.
/// </summary>
internal sealed class ActorMailbox
{
    private readonly Channel<ActorMessage> _channel = Channel.CreateBounded<ActorMessage>(
        new BoundedChannelOptions(4) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

    public ChannelReader<ActorMessage> Reader => _channel.Reader;

    public void Post(ActorMessage message) => _channel.Writer.TryWrite(message);

    public void Stop(string reason)
    {
        _channel.Writer.TryWrite(new StopActor(reason));
        _channel.Writer.TryComplete();
    }
}
