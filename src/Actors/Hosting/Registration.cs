using AsyncRL.Contracts.V1;

namespace AsyncRL.Actors.Hosting;

/// <summary>One successful <c>Register</c>: the learner's reply, numbered so that callers can tell a renewal apart.</summary>
/// <param name="Reply">What the learner answered.</param>
/// <param name="Generation">1 for the first registration, +1 per renewal.</param>
internal sealed record Registration(RegisterReply Reply, int Generation)
{
    public string RunId => Reply.RunId;

    public RunSpec Spec => Reply.Run;

    public uint InitialCredits => Reply.InitialCredits;

    public long LatestPolicyVersion => Reply.LatestPolicyVersion;

    /// <summary>The seq <paramref name="actorId"/>'s next new batch must carry (1 when the learner has seen none, or does not say).</summary>
    public ulong NextSeq(string actorId)
    {
        int index = Reply.ActorIds.IndexOf(actorId);
        return index >= 0 && index < Reply.NextSeqs.Count ? Math.Max(1UL, Reply.NextSeqs[index]) : 1UL;
    }
}
