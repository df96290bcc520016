using AsyncRL.Contracts;
using Grpc.Core;
using AsyncRL.Contracts.V1;
using AsyncRL.Learner.Tests.Support;

namespace AsyncRL.Learner.Tests.Service;

public sealed class PushSamplesTests
{
    [Fact]
    public async Task PushSamples_ValidFragment_IsAcceptedWithACredit()
    {
        await using var learner = await LearnerHarness.StartAsync(o => o with { Ppo = LearnerHarness.SmallPpo with { RowsPerUpdate = 1000 } });
        var registered = await learner.RegisterAsync();
        var fragments = new Fragments();
        await using var push = new PushStream(learner.Client);

        var ack = await push.SendAsync(fragments.Batch(registered, seq: 1));

        Assert.Equal(AckStatus.Accepted, ack.Status);
        Assert.Equal(1ul, ack.Seq);
        Assert.Equal(1u, ack.Credits);
        Assert.Equal(0, ack.LearnerPolicyVersion);
        Assert.Equal(0, ack.Code);
    }

    [Fact]
    public async Task PushSamples_BadBatches_AreRejectedWithPreciseReasons_AndTrainingGoesOn()
    {
        await using var learner = await LearnerHarness.StartAsync();
        var registered = await learner.RegisterAsync();
        var fragments = new Fragments();
        await using var watch = new WeightsWatch(learner.Client);
        Assert.Equal(0, (await watch.NextAsync().Within())!.Version);
        await using var push = new PushStream(learner.Client);
        var nan = Fragments.Float32(32, 1, float.NaN);
        (SampleBatch Batch, string Reason)[] bad =
        [
            (fragments.With(registered, 1, "obs", Fragments.Float32(32, 5)), "column 'obs': shape [32, 5], expected [32, 4]"),
            (fragments.With(registered, 2, "reward", TensorCodec.FromInt32(new int[32], 32)), "column 'reward': dtype Int32, expected Float32"),
            (fragments.With(registered, 3, "logp", nan), "column 'logp': contains NaN or infinity"),
            (fragments.With(registered, 4, "extra", Fragments.Float32(32, 1)), "unknown column 'extra'"),
            (fragments.With(registered, 5, "action", null), "missing column 'action'"),
            (fragments.With(registered, 6, "action", TensorCodec.FromInt32(Enumerable.Repeat(7, 32).ToArray(), 32)), "action 7 is outside [0, 2)"),
            (fragments.Batch(registered, 7, version: 3), "policy_version 3 is from the future (learner is at 0)"),
            (fragments.OfRun(registered, 8, "other-run"), "run_id 'other-run' is not this run's"),
            (fragments.Batch(registered, 0), "seq is 0"),
            (Fragments.Tweak(fragments.Batch(registered, 10), b => b.EnvSteps = ulong.MaxValue), "env_steps 18446744073709551615 is more than 1024 per row"),
        ];

        var acks = new List<PushAck>();
        foreach (var (batch, _) in bad) acks.Add(await push.SendAsync(batch));
        var good = await push.SendAsync(fragments.Batch(registered, 11));
        var next = await watch.NextAsync().Within();

        for (int i = 0; i < bad.Length; i++)
        {
            Assert.Equal(AckStatus.Rejected, acks[i].Status);
            Assert.Equal((int)StatusCode.InvalidArgument, acks[i].Code);
            Assert.Contains(bad[i].Reason, acks[i].Reason, StringComparison.Ordinal);
            Assert.Equal(1u, acks[i].Credits);
        }
        Assert.Equal(AckStatus.Accepted, good.Status);
        Assert.Equal(1, next!.Version); // it trained on the good batch
        await learner.Node.StopAsync().Within();
        var summary = await learner.Node.Completion.Within();
        Assert.Equal(bad.Length, summary.RejectedBatches);
        Assert.Equal(1, summary.AcceptedBatches);
    }

    [Fact]
    public async Task PushSamples_ResentSeq_IsDuplicate_OnTheSameAndOnANewStream()
    {
        await using var learner = await LearnerHarness.StartAsync(o => o with { Ppo = LearnerHarness.SmallPpo with { RowsPerUpdate = 1000 } });
        var registered = await learner.RegisterAsync();
        var fragments = new Fragments();
        var first = fragments.Batch(registered, 1);
        var second = fragments.Batch(registered, 2);

        PushAck a1, a2, again, a3, later, gap;
        await using (var push = new PushStream(learner.Client))
        {
            a1 = await push.SendAsync(first);
            again = await push.SendAsync(first);
            a3 = await push.SendAsync(fragments.Batch(registered, 3)); // out of order: 2 is still missing
        }
        await using (var reconnected = new PushStream(learner.Client))
        {
            a2 = await reconnected.SendAsync(second);
            later = await reconnected.SendAsync(fragments.Batch(registered, 3));
            gap = await reconnected.SendAsync(first);
        }

        Assert.Equal([AckStatus.Accepted, AckStatus.Duplicate, AckStatus.Accepted], new[] { a1.Status, again.Status, a3.Status });
        Assert.Equal(AckStatus.Accepted, a2.Status);
        Assert.Equal(AckStatus.Duplicate, later.Status);
        Assert.Equal(AckStatus.Duplicate, gap.Status);
        Assert.Equal(1u, again.Credits);
    }
}
