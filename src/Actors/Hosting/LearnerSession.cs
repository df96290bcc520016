using AsyncRL.Actors.Resilience;
using AsyncRL.Actors.Telemetry;
using AsyncRL.Contracts.V1;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Polly;

namespace AsyncRL.Actors.Hosting;

/// <summary>
/// The node's standing with the learner: registration (retried until the learner answers), renewal after a
/// broken stream (one <c>Register</c> however many streams broke together), and the end of the run as any
/// component learns of it. Registering again is idempotent on the learner (same node id, same actor ids).
/// </summary>
internal sealed class LearnerSession : IDisposable
{
    private readonly RegisterRequest _request;
    private readonly TimeSpan _callTimeout;
    private readonly TimeProvider _time;
    private readonly ResiliencePipeline _retry;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _ended = new();
    private readonly Lock _gate = new();
    private Registration? _current;
    private Task<Registration?>? _renewal;
    private SessionEnd _end;

    public LearnerSession(CallInvoker invoker, RegisterRequest request, ActorNodeOptions options, ActorInstrumentation instrumentation, ILogger logger)
    {
        Invoker = invoker;
        Client = new Learner.LearnerClient(invoker);
        _request = request;
        _callTimeout = options.CallTimeout;
        _time = options.TimeProvider;
        _logger = logger;
        _retry = Backoff.Pipeline(options.Reconnect, _time, RunEnd.IsRetryable, (ex, attempt, delay) =>
        {
            instrumentation.Reconnect("Register");
            ActorLog.RegisterRetry(_logger, attempt, delay.TotalSeconds, ex.Message);
        });
    }

    /// <summary>Calls to the learner (with the node's token), for calls that receive weights straight into an assembler.</summary>
    public CallInvoker Invoker { get; }

    public Learner.LearnerClient Client { get; }

    /// <summary>Cancelled once the run finished or changed.</summary>
    public CancellationToken Ended => _ended.Token;

    public SessionEnd End
    {
        get { lock (_gate) return _end; }
    }

    /// <summary>The latest registration (after <see cref="RegisterAsync"/>).</summary>
    public Registration Current
    {
        get { lock (_gate) return _current ?? throw new InvalidOperationException("The node has not registered yet."); }
    }

    /// <summary>Raised after a renewal of the same run (the learner may have restarted, possibly from an older checkpoint).</summary>
    public event Action<Registration>? Renewed;

    /// <summary>Registers, retrying until the learner answers; null when the run is already over.</summary>
    public async Task<Registration?> RegisterAsync(CancellationToken cancellationToken)
    {
        RegisterReply? reply = await CallRegisterAsync(cancellationToken).ConfigureAwait(false);
        if (reply is null) return null;
        var registration = new Registration(reply, 1);
        lock (_gate) _current = registration;
        ActorLog.Registered(_logger, _request.NodeId, reply.RunId, reply.ActorIds.Count, reply.LatestPolicyVersion, reply.InitialCredits);
        return registration;
    }

    /// <summary>
    /// Registers again after <paramref name="stale"/> stopped working, unless another caller already did: the
    /// newer registration, or null when the run is over (finished, or a different run answered).
    /// </summary>
    public Task<Registration?> RenewAsync(Registration stale, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stale);
        Task<Registration?> renewal;
        lock (_gate)
        {
            if (_end != SessionEnd.None) return Task.FromResult<Registration?>(null);
            if (_current is { } current && current.Generation > stale.Generation) return Task.FromResult<Registration?>(current);
            // One renewal for every stream that broke at the same time; it runs until the session ends, so a
            // caller that gives up does not cancel it for the others.
            renewal = _renewal ??= RenewCoreAsync(stale.Generation + 1);
        }
        return renewal.WaitAsync(cancellationToken);
    }

    /// <summary>Marks the run as over (idempotent; the first reason wins) and cancels <see cref="Ended"/>.</summary>
    public void Finish(SessionEnd reason)
    {
        lock (_gate)
        {
            if (_end != SessionEnd.None) return;
            _end = reason;
        }
        ActorLog.SessionEnded(_logger, reason);
        _ended.Cancel();
    }

    public void Dispose()
    {
        // A renewal still retrying in the background (the learner down while the node stops) ends here.
        _ended.Cancel();
        _ended.Dispose();
    }

    private async Task<Registration?> RenewCoreAsync(int generation)
    {
        try
        {
            RegisterReply? reply = await CallRegisterAsync(_ended.Token).ConfigureAwait(false);
            if (reply is null) return null;
            string previousRun = Current.RunId;
            if (!string.Equals(reply.RunId, previousRun, StringComparison.Ordinal))
            {
                ActorLog.RunChanged(_logger, previousRun, reply.RunId);
                Finish(SessionEnd.RunChanged);
                return null;
            }
            var registration = new Registration(reply, generation);
            lock (_gate)
            {
                _current = registration;
                _renewal = null;
            }
            ActorLog.Renewed(_logger, reply.RunId, generation, reply.LatestPolicyVersion);
            Renewed?.Invoke(registration);
            return registration;
        }
        catch (OperationCanceledException) when (_ended.IsCancellationRequested)
        {
            return null;
        }
        catch
        {
            lock (_gate) _renewal = null;
            throw;
        }
    }

    private async Task<RegisterReply?> CallRegisterAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await _retry.ExecuteAsync(async token =>
                await Client.RegisterAsync(_request, new CallOptions(deadline: (_time.GetUtcNow() + _callTimeout).UtcDateTime, cancellationToken: token))
                    .ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (RunEnd.IsFinished(ex))
        {
            Finish(SessionEnd.RunFinished);
            return null;
        }
    }
}
