using Akka.Actor;
using Akka.Pattern;
using AsyncRL.Cluster;

namespace AsyncRL.Actors.Rollout;

/// <summary>
/// Akka supervision of a node's rollout actors: a <see cref="RolloutGroup"/> parent (one-for-one) over one
/// <see cref="BackoffSupervisor"/> per slot, which restarts a faulted incarnation after an exponentially growing,
/// jittered delay, reset once the new incarnation has pushed a fragment; the other slots are untouched.
/// </summary>
internal static class RolloutSupervision
{
    /// <summary>Randomness of each restart delay (±20 %), so actors that failed together do not restart together.</summary>
    public const double RandomFactor = 0.2;

    /// <summary>Props of one slot's supervisor of incarnations of <paramref name="rollout"/>.</summary>
    public static Props ForSlot(Props rollout, BackoffOptions restart)
    {
        ArgumentNullException.ThrowIfNull(restart);
        restart.Validate();
        return BackoffSupervisor.Props(Akka.Pattern.Backoff
            .OnFailure(rollout.WithDispatcher(NodeDispatchers.Rollout), "rollout", restart.InitialDelay, restart.MaxDelay, RandomFactor, -1)
            .WithManualReset()
            .WithSupervisorStrategy(new OneForOneStrategy(Decider.From(_ => Directive.Restart))));
    }
}

/// <summary>The parent of one session's slot supervisors; a supervisor that fails itself is restarted alone (one-for-one).</summary>
internal sealed class RolloutGroup : ReceiveActor
{
    public RolloutGroup(IReadOnlyList<ActorSlot> slots, Func<ActorSlot, Props> rollout, BackoffOptions restart)
    {
        foreach (ActorSlot slot in slots)
            slot.Actor = Context.ActorOf(RolloutSupervision.ForSlot(rollout(slot), restart), $"actor-{slot.Index}");
    }

    public static Props Props(IReadOnlyList<ActorSlot> slots, Func<ActorSlot, Props> rollout, BackoffOptions restart) =>
        Akka.Actor.Props.Create(() => new RolloutGroup(slots, rollout, restart));

    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(Decider.From(_ => Directive.Restart));
}
