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
                if (node is null && !string.IsNullOrEmpty(batch.ActorId))
                {
                    node = NodeRegistry.NodeOf(batch.ActorId);
                    // Removed from the cluster (crashed, downed): the stream and the credits it holds end with it.
                    released = _registry.StreamOpened(node).Register(static s => ((CancellationTokenSource)s!).Cancel(), ending);
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

        string? refusal = batch.RunId != _settings.RunId ? $"run_id '{batch.RunId}' is not this run's ('{_settings.RunId}')"
            : string.IsNullOrEmpty(batch.ActorId) ? "actor_id is empty"
            : batch.Seq == 0 ? "seq is 0; sequence numbers start at 1"
            : null;
        // Batches that are not this run's, or have no identity, leave no trace in the de-duplication memory.
        if (refusal is not null) return Reject(ack, batch, refusal, activity);

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
            var (samples, reason) = Check(batch, version);
            if (samples is null)
            {
                _dedup.Commit(reservation, rejected: true);
                return Reject(ack, batch, reason!, activity);
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

    /// <summary>The schema, the episodes, then the algorithm's own decoding: the rows, or the precise reason.</summary>
    private (ILearnerSamples? Samples, string? Reason) Check(SampleBatch batch, long version)
    {
        string? reason = _algorithm.Schema.Validate(batch, version);
        if (reason is not null) return (null, reason);
        // env_steps feeds the step budget; a wild value would end (or wrap) the run.
        if (batch.EnvSteps > MaxEnvStepsPerRow * (ulong)batch.RowCount)
            return (null, $"env_steps {batch.EnvSteps} is more than {MaxEnvStepsPerRow} per row for {batch.RowCount} rows");
        for (int i = 0; i < batch.FinishedEpisodes.Count; i++)
        {
            var episode = batch.FinishedEpisodes[i];
            if (!double.IsFinite(episode.EpisodeReturn)) return (null, $"finished_episodes[{i}].episode_return is not finite");
            if (episode.PolicyVersion > version) return (null, $"finished_episodes[{i}].policy_version {episode.PolicyVersion} is from the future (learner is at {version})");
        }
        try
        {
            return (_algorithm.Decode(batch), null);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Whatever decoding trips over is the batch's fault, not the node's.
            return (null, e.Message);
        }
    }

    private PushAck Reject(PushAck ack, SampleBatch batch, string reason, Activity? activity)
    {
        _counters.CountRejected();
        _instrumentation.CountBatch("rejected");
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
