using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace AsyncRL.Actors;

/// <summary>
/// The actor node's spans and instruments (DESIGN.md §6), under the name <see cref="Name"/> for OpenTelemetry's
/// <c>AddSource</c>/<c>AddMeter</c>. It also keeps the running totals the CLI shows (<see cref="ActorNode.Stats"/>),
/// so every count is taken once, in one place. Tags are low-cardinality: never an actor id or a seq.
/// </summary>
public sealed class ActorInstrumentation : IDisposable
{
    /// <summary>ActivitySource and Meter name.</summary>
    public const string Name = "AsyncRL.Actors";

    /// <summary>Spans of every actor node in the process (an ActivitySource has no per-node state worth isolating).</summary>
    public static readonly ActivitySource ActivitySource = new(Name);

    private readonly Meter _meter;
    private readonly Counter<long> _envSteps;
    private readonly Counter<long> _episodes;
    private readonly Histogram<double> _episodeReturn;
    private readonly Gauge<long> _policyVersion;
    private readonly Gauge<long> _lag;
    private readonly Counter<long> _restarts;
    private readonly Counter<long> _batches;
    private readonly Counter<long> _batchesSent;
    private readonly Counter<long> _reconnects;
    private readonly Counter<long> _weightsRejected;
    private readonly Histogram<double> _pushAck;
    private readonly LatencyHistogram _pushAckTotals = new();
    private long _totalEnvSteps;
    private long _totalEpisodes;
    private long _totalRestarts;
    private long _sent;
    private long _accepted;
    private long _duplicate;
    private long _rejected;
    private long _weightsRejectedTotal;
    private long _version = -1;
    private long _learnerVersion = -1;

    /// <summary>Instruments on a meter from <paramref name="meterFactory"/> (or a plain one).</summary>
    public ActorInstrumentation(IMeterFactory? meterFactory = null)
    {
        _meter = meterFactory?.Create(Name) ?? new Meter(Name);
        _envSteps = _meter.CreateCounter<long>("asyncrl.actor.env_steps", "{step}", "Environment steps taken by rollout actors.");
        _episodes = _meter.CreateCounter<long>("asyncrl.actor.episodes", "{episode}", "Episodes finished by rollout actors.");
        _episodeReturn = _meter.CreateHistogram<double>("asyncrl.actor.episode.return", "1", "Undiscounted return of finished episodes.");
        _policyVersion = _meter.CreateGauge<long>("asyncrl.actor.policy_version", "{version}", "Policy version the actors act with.");
        _lag = _meter.CreateGauge<long>("asyncrl.actor.lag", "{version}", "Learner's newest version minus the acting version, as acks report it.");
        _restarts = _meter.CreateCounter<long>("asyncrl.actor.restarts", "{restart}", "Rollout actors restarted by the supervisor after a fault.");
        _batches = _meter.CreateCounter<long>("asyncrl.actor.batches", "{batch}", "Sample batches answered by the learner, by status.");
        _batchesSent = _meter.CreateCounter<long>("asyncrl.actor.batches.sent", "{batch}", "Sample batches written to a stream, re-sends included.");
        _reconnects = _meter.CreateCounter<long>("asyncrl.actor.reconnects", "{reconnect}", "Calls to the learner retried after a failure, by call.");
        _weightsRejected = _meter.CreateCounter<long>("asyncrl.actor.weights.rejected", "{version}", "Weights versions refused (checksum, layout).");
        _pushAck = _meter.CreateHistogram<double>("asyncrl.actor.push_ack.duration", "s", "Time from writing a batch to the sample stream to the learner's answer, by status.");
    }

    /// <summary>The meter (for listeners in tests and exporters).</summary>
    public Meter Meter => _meter;

    internal void EnvSteps(long steps, int episodes)
    {
        Interlocked.Add(ref _totalEnvSteps, steps);
        _envSteps.Add(steps);
        if (episodes == 0) return;
        Interlocked.Add(ref _totalEpisodes, episodes);
        _episodes.Add(episodes);
    }

    internal void EpisodeReturn(double value) => _episodeReturn.Record(value);

    internal void PolicyVersion(long version)
    {
        Volatile.Write(ref _version, version);
        _policyVersion.Record(version);
    }

    internal void LearnerVersion(long learnerVersion)
    {
        Volatile.Write(ref _learnerVersion, learnerVersion);
        long acting = Volatile.Read(ref _version);
        if (acting >= 0) _lag.Record(learnerVersion - acting);
    }

    internal void Restart()
    {
        Interlocked.Increment(ref _totalRestarts);
        _restarts.Add(1);
    }

    internal void BatchSent(bool resend)
    {
        Interlocked.Increment(ref _sent);
        _batchesSent.Add(1, new KeyValuePair<string, object?>("resend", resend));
    }

    /// <summary>Counts an answered batch and the time from its (last) write to the answer.</summary>
    internal void BatchAnswered(BatchOutcome outcome, TimeSpan pushToAck)
    {
        switch (outcome)
        {
            case BatchOutcome.Accepted: Interlocked.Increment(ref _accepted); break;
            case BatchOutcome.Duplicate: Interlocked.Increment(ref _duplicate); break;
            case BatchOutcome.Rejected: Interlocked.Increment(ref _rejected); break;
        }
        var status = new KeyValuePair<string, object?>("status", outcome switch
        {
            BatchOutcome.Accepted => "accepted",
            BatchOutcome.Duplicate => "duplicate",
            _ => "rejected",
        });
        _batches.Add(1, status);
        _pushAck.Record(pushToAck.TotalSeconds, status);
        _pushAckTotals.Record(pushToAck);
    }

    /// <summary>Push-to-ack durations of every answered batch so far.</summary>
    internal LatencySnapshot PushAck() => _pushAckTotals.Snapshot();

    internal void Reconnect(string call) => _reconnects.Add(1, new KeyValuePair<string, object?>("rpc.method", call));

    internal void WeightsRejected()
    {
        Interlocked.Increment(ref _weightsRejectedTotal);
        _weightsRejected.Add(1);
    }

    internal ActorTotals Totals() => new(
        Interlocked.Read(ref _totalEnvSteps), Interlocked.Read(ref _totalEpisodes), Volatile.Read(ref _version),
        Volatile.Read(ref _learnerVersion), Interlocked.Read(ref _totalRestarts), Interlocked.Read(ref _sent),
        Interlocked.Read(ref _accepted), Interlocked.Read(ref _duplicate), Interlocked.Read(ref _rejected),
        Interlocked.Read(ref _weightsRejectedTotal));

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();
}

/// <summary>What the learner did with a batch, as the actor counts it.</summary>
internal enum BatchOutcome
{
    Accepted,
    Duplicate,
    Rejected,
}

/// <summary>Running totals of one node.</summary>
internal readonly record struct ActorTotals(
    long EnvSteps, long Episodes, long PolicyVersion, long LearnerVersion, long Restarts,
    long BatchesSent, long BatchesAccepted, long BatchesDuplicate, long BatchesRejected, long WeightsRejected);
