using AsyncRL.Actors.Rollout;
using AsyncRL.Actors.Telemetry;
using Microsoft.Extensions.Logging;
using Polly;

namespace AsyncRL.Actors.Supervision;

/// <summary>
/// One-for-one supervision of the node's rollout actors: each slot runs one actor incarnation at a time, and a
/// faulted incarnation is replaced by a fresh one (new algorithm instance, next seed) without touching the other
/// slots. A fault after the incarnation produced something restarts at once; repeated faults before any fragment
/// back off exponentially, so a deterministic failure does not spin.
/// </summary>
internal sealed class ActorSupervisor
{
    private readonly IReadOnlyList<ActorSlot> _slots;
    private readonly Func<ActorSlot, int, RolloutActor> _spawn;
    private readonly BackoffOptions _backoff;
    private readonly TimeProvider _time;
    private readonly ActorInstrumentation _instrumentation;
    private readonly ILogger _logger;

    /// <param name="slots">The actors to supervise.</param>
    /// <param name="spawn">Builds incarnation <c>n</c> (0, 1, …) of a slot's actor.</param>
    /// <param name="backoff">Delays between restarts that keep failing.</param>
    /// <param name="time">Clock of the delays.</param>
    /// <param name="instrumentation">Counts restarts.</param>
    /// <param name="logger">Logs faults and restarts.</param>
    public ActorSupervisor(IReadOnlyList<ActorSlot> slots, Func<ActorSlot, int, RolloutActor> spawn, BackoffOptions backoff, TimeProvider time,
        ActorInstrumentation instrumentation, ILogger logger)
    {
        _slots = slots;
        _spawn = spawn;
        _backoff = backoff;
        _time = time;
        _instrumentation = instrumentation;
        _logger = logger;
    }

    /// <summary>Supervises every slot until cancelled (or every actor stopped by its mailbox).</summary>
    public Task RunAsync(CancellationToken cancellationToken) => Task.WhenAll(_slots.Select(slot => SuperviseAsync(slot, cancellationToken)));

    private async Task SuperviseAsync(ActorSlot slot, CancellationToken cancellationToken)
    {
        ResiliencePipeline restarts = Backoff.Pipeline(_backoff, _time, _ => !cancellationToken.IsCancellationRequested,
            (ex, attempt, delay) => ActorLog.ActorRestartDelayed(_logger, slot.ActorId, attempt, delay.TotalSeconds));
        int incarnation = 0;
        try
        {
            while (true)
            {
                bool stopped = await restarts.ExecuteAsync(async token =>
                {
                    RolloutActor actor = _spawn(slot, incarnation++);
                    try
                    {
                        await actor.RunAsync(token).ConfigureAwait(false);
                        return true;
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException || !token.IsCancellationRequested)
                    {
                        slot.CountRestart();
                        _instrumentation.Restart();
                        ActorLog.ActorFaulted(_logger, slot.ActorId, incarnation - 1, ex);
                        if (actor.Progressed) return false; // it worked for a while: restart now, with the backoff reset
                        throw;
                    }
                }, cancellationToken).ConfigureAwait(false);
                if (stopped) return;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Node shutdown, possibly during a restart delay.
        }
    }
}
