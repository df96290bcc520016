using System.Diagnostics;
using System.Threading.Channels;
using AsyncRL.Algorithms;
using AsyncRL.Contracts;
using AsyncRL.Contracts.V1;
using AsyncRL.Learner.Ingestion;
using AsyncRL.Learner.Membership;
using Grpc.Core;

namespace AsyncRL.Learner.Service;

internal sealed partial class LearnerService
{
    /// <summary>Environment steps one row may account for (frame skip, agents per step) before a batch is implausible.</summary>
    private const ulong MaxEnvStepsPerRow = 1024;

    /// <summary>
    /// How far above an actor's next seq a batch may be. Honest gaps are the batches a restored learner lost since its
    /// checkpoint, far fewer than this.
    /// </summary>
    internal const ulong MaxSeqLead = 1 << 20;

    /// <summary>Longest rejection reason sent back and logged.</summary>
    internal const int MaxReasonLength = 512;

    public override async Task PushSamples(IAsyncStreamReader<SampleBatch> batches, IServerStreamWriter<PushAck> acks, ServerCallContext context)
    {
        EnsureRunning();
        using var ending = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, _lifetime.Ending);
        string? node = null;
        CancellationTokenRegistration released = default;
        try
        {
            // One batch at a time: its ack (and so the credit it returns) goes out only once it is stored.
            await foreach (SampleBatch batch in batches.ReadAllAsync(ending.Token).ConfigureAwait(false))
            {
                // Streams count against the node that registered the actor; a stranger's batches are refused below and
                // leave no entry behind.
                if (node is null && _registry.IsRegisteredActor(batch.ActorId))
                {
                    string candidate = NodeRegistry.NodeOf(batch.ActorId);
                    // Removed from the cluster (crashed, downed): the stream and the credits it holds end with it.
                    released = OpenStream(candidate).Register(static s => ((CancellationTokenSource)s!).Cancel(), ending);
                    node = candidate;
                }
                PushAck ack = await IngestAsync(batch, ending.Token).ConfigureAwait(false);
                await acks.WriteAsync(ack, context.CancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ChannelClosedException && !context.CancellationToken.IsCancellationRequested)
        {
            // The node ended the stream: OK with the run-finished trailer, or UNAVAILABLE on shutdown.
            if (!EndedByNode(context)) throw;
        }
        finally
        {
            await released.DisposeAsync().ConfigureAwait(false);
            if (node is not null) _registry.StreamClosed(node);
        }
    }

    /// <summary>Checks, de-duplicates, decodes and stores one batch; the answer to send back.</summary>
    private async ValueTask<PushAck> IngestAsync(SampleBatch batch, CancellationToken cancellationToken)
    {
        long version = _publisher.LatestVersion;
        var ack = new PushAck { Seq = batch.Seq, Credits = 1, LearnerPolicyVersion = version };
        var rollout = TraceContexts.FromMessage(batch.TraceContext);
        using Activity? activity = _instrumentation.StartIngest(rollout);
        activity?.SetTag("asyncrl.actor_id", batch.ActorId);
        activity?.SetTag("asyncrl.seq", (long)batch.Seq);
        activity?.SetTag("asyncrl.policy_version", batch.PolicyVersion);
        activity?.SetTag("asyncrl.rows", (long)batch.RowCount);

        var (refusal, kind) = Identify(batch);
        // Batches that are not this run's, or have no identity, leave no trace in the de-duplication memory.
        if (refusal is not null) return Reject(ack, batch, refusal, kind, activity);

        var reservation = await _dedup.TryReserveAsync(batch.ActorId, batch.Seq, cancellationToken).ConfigureAwait(false);
        if (reservation is null)
        {
            _counters.CountDuplicate();
            _instrumentation.CountBatch("duplicate");
            LearnerLog.Duplicate(_logger, batch.ActorId, batch.Seq);
            activity?.SetTag("asyncrl.ack", "duplicate");
            ack.Status = AckStatus.Duplicate;
            return ack;
        }
        try
        {
            var (samples, reason, why) = Check(batch, version);
            if (samples is null)
            {
                _dedup.Commit(reservation, rejected: true);
                return Reject(ack, batch, reason!, why, activity);
            }
            var stored = new LearnerBatch(batch.ActorId, batch.Seq, batch.PolicyVersion, OldestVersion(batch),
                batch.EnvSteps > 0 ? (long)batch.EnvSteps : batch.RowCount, activity?.Context ?? rollout, samples);
            var item = new IngestItem(stored, [.. batch.FinishedEpisodes]);
            await _queue.EnqueueAsync(item, () =>
            {
                _counters.CountBackpressure();
                _instrumentation.BackpressureWaits.Add(1);
                LearnerLog.Backpressure(_logger, batch.ActorId, batch.Seq);
            }, cancellationToken).ConfigureAwait(false);
            _dedup.Commit(reservation);
        }
        catch
        {
            _dedup.Abort(reservation);
            throw;
        }
        _counters.CountAccepted();
        _instrumentation.CountBatch("accepted");
        _instrumentation.SetQueueDepth(_queue.Count);
        activity?.SetTag("asyncrl.ack", "accepted");
        ack.Status = AckStatus.Accepted;
        return ack;
    }

    /// <summary>
    /// Who sent the batch: this run, an actor a node registered, a seq in reach. The refusal and its kind (the
    /// <c>reason</c> tag of <c>asyncrl.learner.batches</c>), or nulls.
    /// </summary>
    private (string? Refusal, string? Kind) Identify(SampleBatch batch)
    {
        if (batch.RunId != _settings.RunId) return ($"run_id '{batch.RunId}' is not this run's ('{_settings.RunId}')", RejectKind.Run);
        if (string.IsNullOrEmpty(batch.ActorId)) return ("actor_id is empty", RejectKind.Actor);
        if (batch.Seq == 0) return ("seq is 0; sequence numbers start at 1", RejectKind.Seq);
        // Actors register before every stream (a restarted learner included), so an id no node was given is a stray.
        if (!_registry.IsRegisteredActor(batch.ActorId))
            return ($"actor_id '{batch.ActorId}' was not given out by Register: register the node first", RejectKind.Actor);
        ulong next = _dedup.NextSeq(batch.ActorId);
        // A leap this far would leave a gap no re-send fills, and a seq near 2^64 would wrap the next one to 0.
        if (batch.Seq > next && batch.Seq - next > MaxSeqLead)
            return ($"seq {batch.Seq} is more than {MaxSeqLead} ahead of this actor's next ({next})", RejectKind.Seq);
        return (null, null);
    }

    /// <summary>The schema, the episodes, then the algorithm's own decoding: the rows, or the precise reason and its kind.</summary>
    private (ILearnerSamples? Samples, string? Reason, string? Kind) Check(SampleBatch batch, long version)
    {
        string? reason = _algorithm.Schema.Validate(batch, version);
        if (reason is not null) return (null, reason, RejectKind.Schema);
        // env_steps feeds the step budget; a wild value would end (or wrap) the run.
        if (batch.EnvSteps > MaxEnvStepsPerRow * (ulong)batch.RowCount)
            return (null, $"env_steps {batch.EnvSteps} is more than {MaxEnvStepsPerRow} per row for {batch.RowCount} rows", RejectKind.EnvSteps);
        if (CheckEpisodes(batch, version) is { } episodeProblem) return (null, episodeProblem, RejectKind.Episodes);
        try
        {
            return (_algorithm.Decode(batch), null, null);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Whatever decoding trips over is the batch's fault, not the node's.
            return (null, e.Message, RejectKind.Decode);
        }
    }

    /// <summary>Episode statistics feed the run's progress and "solved" test: every number finite, no version from the future.</summary>
    private static string? CheckEpisodes(SampleBatch batch, long version)
    {
        for (int i = 0; i < batch.FinishedEpisodes.Count; i++)
        {
            var episode = batch.FinishedEpisodes[i];
            if (!double.IsFinite(episode.EpisodeReturn)) return $"finished_episodes[{i}].episode_return is not finite";
            if (episode.PolicyVersion > version) return $"finished_episodes[{i}].policy_version {episode.PolicyVersion} is from the future (learner is at {version})";
            if (episode.AgentReturns.Any(r => !double.IsFinite(r))) return $"finished_episodes[{i}].agent_returns holds a value that is not finite";
            foreach (var (name, value) in episode.Metrics)
                if (!double.IsFinite(value)) return $"finished_episodes[{i}].metrics['{name}'] is not finite";
        }
        return null;
    }

    private PushAck Reject(PushAck ack, SampleBatch batch, string reason, string? kind, Activity? activity)
    {
        // A reason quotes what the batch holds (a column name, a shape): bounded, so a hostile batch cannot make a huge ack or log line.
        if (reason.Length > MaxReasonLength) reason = string.Concat(reason.AsSpan(0, MaxReasonLength), "…");
        _counters.CountRejected();
        _instrumentation.CountRejected(kind ?? RejectKind.Schema);
        LearnerLog.Rejected(_logger, batch.ActorId, batch.Seq, reason);
        activity?.SetTag("asyncrl.ack", "rejected");
        activity?.SetStatus(ActivityStatusCode.Error, reason);
        ack.Status = AckStatus.Rejected;
        ack.Code = (int)StatusCode.InvalidArgument;
        ack.Reason = reason;
        return ack;
    }

    private static long OldestVersion(SampleBatch batch) =>
        batch.RowPolicyVersions.Count > 0 ? batch.RowPolicyVersions.Min() : batch.PolicyVersion;
}
