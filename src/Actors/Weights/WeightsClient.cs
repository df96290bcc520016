using System.Diagnostics;
using System.Threading.Channels;
using AsyncRL.Actors.Hosting;
using AsyncRL.Actors.Resilience;
using AsyncRL.Actors.Telemetry;
using AsyncRL.Contracts;
using Grpc.Core;
using AsyncRL.Contracts.V1;
using Microsoft.Extensions.Logging;
using Polly;

namespace AsyncRL.Actors.Weights;

/// <summary>
/// The node's weights client, after Acme's VariableClient: it watches the learner's new versions and installs
/// the newest — or exactly the one <c>lag</c> versions behind it, fetched with <c>GetWeights(version)</c> — with
/// at most one fetch in flight. Acting never waits on it: installed versions reach the actors through their
/// mailboxes. Both the watch and the fetch reconnect with backoff on their own.
/// </summary>
internal sealed class WeightsClient
{
    private readonly LearnerSession _session;
    private readonly WeightsClientSettings _settings;
    private readonly WeightsValidator _validator;
    private readonly Action<PolicyWeights> _publish;
    private readonly ActorInstrumentation _instrumentation;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly ResiliencePipeline _watchRetry;
    private readonly ResiliencePipeline _fetchRetry;
    private readonly Channel<bool> _fetchSignal = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly TaskCompletionSource _first = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _gate = new();
    private readonly Lock _installGate = new();
    private PolicyWeights? _current;
    private long _latest = -1;
    private long _refused = -1;
    private long _sequence;
    private bool _rolledBack;
    private CancellationTokenSource? _watchRestart;

    public WeightsClient(LearnerSession session, WeightsClientSettings settings, WeightsValidator validator, Action<PolicyWeights> publish,
        ActorInstrumentation instrumentation, ILogger logger, BackoffOptions backoff, TimeProvider time)
    {
        _session = session;
        _settings = settings;
        _validator = validator;
        _publish = publish;
        _instrumentation = instrumentation;
        _logger = logger;
        _time = time;
        _watchRetry = Backoff.Pipeline(backoff, time, RunEnd.IsRetryable, (ex, attempt, delay) => Retrying("WatchWeights", ex, attempt, delay));
        _fetchRetry = Backoff.Pipeline(backoff, time, RunEnd.IsRetryable, (ex, attempt, delay) => Retrying("GetWeights", ex, attempt, delay));
    }

    /// <summary>The installed version (null before the first).</summary>
    public PolicyWeights? Current
    {
        get { lock (_gate) return _current; }
    }

    /// <summary>Completes once the first version is installed (acting starts then).</summary>
    public Task WaitForFirstAsync(CancellationToken cancellationToken) => _first.Task.WaitAsync(cancellationToken);

    /// <summary>Watches and fetches until cancelled or the run ends; throws only for failures retrying cannot cure.</summary>
    public Task RunAsync(long registeredLatest, CancellationToken cancellationToken)
    {
        ObserveLatest(registeredLatest, watched: null);
        return Task.WhenAll(WatchLoopAsync(cancellationToken), FetchLoopAsync(cancellationToken));
    }

    /// <summary>
    /// A renewed registration reports the learner's newest version. Lower than what this node has seen means the
    /// learner restarted from an older checkpoint: versions above it are gone (and rows stamped with them would be
    /// "from the future"), so the client starts over from the learner's version, even if that is older.
    /// </summary>
    public void Rebase(long learnerLatest)
    {
        lock (_gate)
        {
            if (learnerLatest >= _latest) return;
            ActorLog.WeightsRolledBack(_logger, _latest, learnerLatest);
            _latest = learnerLatest;
            _rolledBack = true;
            _refused = -1;
            _watchRestart?.Cancel();
        }
        _fetchSignal.Writer.TryWrite(true);
    }

    private long Target(long latest) => Math.Max(0, latest - _settings.Lag);

    /// <summary>A version the learner has: install it when it is the target, else fetch the target.</summary>
    private void ObserveLatest(long version, PolicyWeights? watched)
    {
        lock (_gate)
        {
            if (version > _latest) _latest = version;
            long target = Target(_latest);
            if (!IsWantedLocked(target)) return;
            if (watched is null || watched.Version != target)
            {
                _fetchSignal.Writer.TryWrite(true);
                return;
            }
        }
        Install(watched, source: "watch");
    }

    private async Task WatchLoopAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            bool finished = await _watchRetry.ExecuteAsync(WatchOnceAsync, cancellationToken).ConfigureAwait(false);
            if (finished)
            {
                _session.Finish(SessionEnd.RunFinished);
                return;
            }
        }
    }

    /// <summary>One WatchWeights call: true when it ended the run; false to reconnect at once; throws to back off.</summary>
    private async ValueTask<bool> WatchOnceAsync(CancellationToken cancellationToken)
    {
        using var restart = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        long after;
        lock (_gate)
        {
            _watchRestart = restart;
            after = Math.Max(0, _latest);
        }
        var assembler = new WeightsAssembler(); // a fresh buffer per version: installed blobs stay immutable
        var request = new WatchWeightsRequest { NodeId = _settings.NodeId, AfterVersion = after, Encoding = _settings.Encoding };
        bool progressed = false;
        try
        {
            using var call = _session.Invoker.AsyncServerStreamingCall(WeightsStreaming.WatchWeightsInto(assembler), null, new CallOptions(cancellationToken: restart.Token), request);
            await foreach (WeightsChunkReceipt receipt in call.ResponseStream.ReadAllAsync(restart.Token).ConfigureAwait(false))
            {
                if (!receipt.Completed) continue;
                progressed = true;
                ObserveLatest(assembler.Version, Snapshot(assembler));
            }
            if (RunEnd.IsFinished(call.GetTrailers())) return true;
            if (progressed) return false;
            throw new IOException("The learner ended the weights watch without sending a version.");
        }
        catch (Exception ex) when (RunEnd.IsFinished(ex))
        {
            return true;
        }
        catch (Exception ex) when (RunEnd.IsCancellation(ex) && restart.IsCancellationRequested)
        {
            cancellationToken.ThrowIfCancellationRequested(); // the node stops: a watch it cut is no failure to retry
            return false; // rebased: watch again from the learner's version
        }
        catch (Exception ex) when (RunEnd.IsRetryable(ex))
        {
            if (ex.InnerException is InvalidDataException corrupt)
            {
                _instrumentation.WeightsRejected();
                ActorLog.WeightsCorrupt(_logger, corrupt.Message);
            }
            if (!progressed) throw;
            Retrying("WatchWeights", ex, 0, TimeSpan.Zero);
            return false;
        }
        finally
        {
            lock (_gate) _watchRestart = null;
        }
    }

    private async Task FetchLoopAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (bool _ in _fetchSignal.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                // One fetch at a time: this loop is the only caller of GetWeights.
                while (WantedVersion() is { } _)
                {
                    var (weights, started) = await _fetchRetry.ExecuteAsync(FetchOnceAsync, cancellationToken).ConfigureAwait(false);
                    if (weights is null) break;
                    Install(weights, "fetch", started);
                }
            }
        }
        catch (Exception ex) when (RunEnd.IsFinished(ex))
        {
            _session.Finish(SessionEnd.RunFinished);
        }
    }

    private long? WantedVersion()
    {
        lock (_gate)
        {
            long target = Target(_latest);
            return IsWantedLocked(target) ? target : null;
        }
    }

    /// <summary>GetWeights for the version wanted now (re-read on every retry, as the learner moves on), and when the fetch began.</summary>
    private async ValueTask<(PolicyWeights? Weights, DateTimeOffset Started)> FetchOnceAsync(CancellationToken cancellationToken)
    {
        if (WantedVersion() is not { } version) return (null, default);
        DateTimeOffset started = _time.GetUtcNow();
        try
        {
            var assembler = new WeightsAssembler();
            var request = new GetWeightsRequest { Version = version, Encoding = _settings.Encoding };
            using var call = _session.Invoker.AsyncServerStreamingCall(WeightsStreaming.GetWeightsInto(assembler), null,
                new CallOptions(deadline: (started + _settings.FetchTimeout).UtcDateTime, cancellationToken: cancellationToken), request);
            await foreach (WeightsChunkReceipt receipt in call.ResponseStream.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                if (receipt.Completed) return (Snapshot(assembler), started);
            }
            throw new IOException($"GetWeights(v{version}) ended before the version was complete.");
        }
        catch (Exception ex)
        {
            if (ex.InnerException is InvalidDataException corrupt)
            {
                _instrumentation.WeightsRejected();
                ActorLog.WeightsCorrupt(_logger, corrupt.Message);
            }
            using Activity? span = StartSyncSpan(version, default, started);
            span?.SetStatus(ActivityStatusCode.Error, ex.Message);
            throw;
        }
    }

    private static PolicyWeights Snapshot(WeightsAssembler assembler) =>
        new(assembler.Version, assembler.Blob, assembler.Parameters, assembler.Encoding, Sequence: 0, assembler.Trace);

    /// <summary>Checks a complete version and, if it is still wanted, hands it to the actors.</summary>
    /// <param name="started">When fetching began (the span's start); default: now.</param>
    private void Install(PolicyWeights weights, string source, DateTimeOffset started = default)
    {
        // The watch and the fetch loop both install; one at a time keeps the probe model and the order of
        // Sequence numbers consistent with the order the actors are told.
        lock (_installGate)
        {
            // A child of the learner's publish_weights: the trace runs update → publish → every actor's sync.
            using (Activity? span = StartSyncSpan(weights.Version, weights.Publish, started))
            {
                span?.SetTag("asyncrl.weights.source", source);
                span?.SetTag("asyncrl.weights.bytes", weights.Blob.Length);
                bool wanted;
                lock (_gate) wanted = IsWantedLocked(weights.Version);
                if (!wanted)
                {
                    span?.SetTag("asyncrl.weights.superseded", true);
                    return;
                }
                if (_validator.Check(weights.Blob, weights.Parameters, weights.Encoding) is { } problem)
                {
                    lock (_gate) _refused = weights.Version;
                    _instrumentation.WeightsRejected();
                    span?.SetStatus(ActivityStatusCode.Error, problem);
                    ActorLog.WeightsRefused(_logger, weights.Version, problem);
                    return;
                }
                PolicyWeights installed;
                long latest;
                lock (_gate)
                {
                    installed = weights with { Sequence = ++_sequence };
                    _current = installed;
                    _rolledBack = false;
                    latest = _latest;
                }
                _instrumentation.PolicyVersion(installed.Version);
                ActorLog.WeightsInstalled(_logger, installed.Version, source, latest);
                _publish(installed);
                _first.TrySetResult();
            }
        }
    }

    /// <summary>Whether installing <paramref name="version"/> moves the node forward (or back onto a restored learner). Hold _gate.</summary>
    private bool IsWantedLocked(long version) =>
        version != _refused && (_current is null || version > _current.Version || (_rolledBack && version != _current.Version));

    private Activity? StartSyncSpan(long version, ActivityContext publish, DateTimeOffset started)
    {
        Activity? span = ActorInstrumentation.ActivitySource.StartActivity("sync_weights", ActivityKind.Internal, publish, startTime: started);
        span?.SetTag("asyncrl.policy_version", version);
        span?.SetTag("asyncrl.lag", _settings.Lag);
        return span;
    }

    private void Retrying(string call, Exception ex, int attempt, TimeSpan delay)
    {
        _instrumentation.Reconnect(call);
        ActorLog.CallRetry(_logger, call, attempt, delay.TotalSeconds, ex.Message);
    }
}

/// <summary>What the weights client asks for.</summary>
/// <param name="NodeId">Sent with WatchWeights.</param>
/// <param name="Lag">Act with the version this many behind the newest.</param>
/// <param name="Encoding">Requested blob encoding.</param>
/// <param name="FetchTimeout">Deadline of one GetWeights call.</param>
internal sealed record WeightsClientSettings(string NodeId, uint Lag, WeightsEncoding Encoding, TimeSpan FetchTimeout);
