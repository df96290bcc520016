using System.Diagnostics;
using AsyncRL.Contracts.V1;

namespace AsyncRL.Actors.Sending;

/// <summary>A batch the learner has not answered yet, kept for re-sending after a reconnect.</summary>
internal sealed class PendingBatch(ulong seq, SampleBatch batch, ActivityContext rollout)
{
    public ulong Seq { get; } = seq;

    public SampleBatch Batch { get; } = batch;

    /// <summary>The rollout span that produced the batch: parent of every push of it.</summary>
    public ActivityContext Rollout { get; } = rollout;

    /// <summary>Times written to a stream.</summary>
    public int Sends { get; set; }

    /// <summary>When the current send was written (a <see cref="TimeProvider"/> timestamp): the start of its push-to-ack time.</summary>
    public long SentAt { get; set; }

    /// <summary>The push span of the current send (ended by the ack or the broken stream).</summary>
    public Activity? Push { get; set; }

    public void EndPush(string status, bool error = false)
    {
        if (Push is not { } push) return;
        push.SetTag("asyncrl.ack.status", status);
        if (error) push.SetStatus(ActivityStatusCode.Error, status);
        push.Dispose();
        Push = null;
    }
}
