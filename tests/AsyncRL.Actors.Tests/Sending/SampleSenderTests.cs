using AsyncRL.Actors.Tests.Support;
using AsyncRL.Algorithms;
using AsyncRL.Contracts.V1;
using AsyncRL.Tests.Support;

namespace AsyncRL.Actors.Tests.Sending;

public sealed class SampleSenderTests
{
    [Fact]
    public async Task Push_TwoInitialCredits_NeverMoreUnackedThanCredits()
    {
        // Arrange: two credits, acks held; the actor's window (4) lets it run ahead of the credits
        var learner = new FakeLearner(TestRuns.Spec(), initialCredits: 2) { HoldAcks = true };
        learner.Publish(0);
        var collected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await LearnerServer.StartAsync(learner);
        await using var running = RunningNode.Start(TestRuns.Options(server.Address) with
        {
            AlgorithmFactory = (spec, settings) => new ScriptedAlgorithm(ActorAlgorithms.Create(spec, settings), n =>
            {
                if (n == 4 && settings.ActorId == "node-a/0") collected.TrySetResult();
            }),
        });

        // Act: two batches arrive; the actor goes on until its window is full (four submitted)
        await learner.NextAsync();
        await learner.NextAsync();
        await collected.Task.Within();
        int beyondCredits = learner.Batches.Reader.Count;
        learner.HoldAcks = false;
        learner.ReleaseAcks();
        var later = new List<Received>();
        for (int i = 0; i < 8; i++) later.Add(await learner.NextAsync());

        // Assert
        Assert.Equal(0, beyondCredits);
        Assert.All(later, r => Assert.True(r.SentOnStream <= r.Allowed, $"seq {r.Batch.Seq}: {r.SentOnStream} sent with {r.Allowed} credits"));
        Assert.Equal(Enumerable.Range(3, 8).Select(i => (ulong)i), later.Select(r => r.Batch.Seq));
    }

    [Fact]
    public async Task Push_WindowFull_NextFragmentWaitsForRoomAndUsesWeightsThatArrivedMeanwhile()
    {
        // Arrange: acks held, so the window (4) fills with version-0 fragments
        var learner = new FakeLearner(TestRuns.Spec()) { HoldAcks = true };
        learner.Publish(0);
        int collections = 0;
        await using var server = await LearnerServer.StartAsync(learner);
        await using var running = RunningNode.Start(TestRuns.Options(server.Address) with
        {
            AlgorithmFactory = (spec, settings) => new ScriptedAlgorithm(ActorAlgorithms.Create(spec, settings), n => Volatile.Write(ref collections, n)),
        });
        for (int i = 0; i < 4; i++) await learner.NextAsync();

        // Act: a new version reaches the node while the actor waits for room, then the acks come
        learner.Publish(1);
        await TestTimeouts.Until(() => running.Node.Stats.PolicyVersion == 1);
        int collectedWhileFull = Volatile.Read(ref collections);
        learner.HoldAcks = false;
        learner.ReleaseAcks();
        Received fifth = await learner.NextAsync(r => r.Batch.Seq == 5);

        // Assert: no fragment was made ahead of the room to send it, so the fifth is made with version 1
        Assert.Equal(4, collectedWhileFull);
        Assert.Equal(1, fifth.Batch.PolicyVersion);
    }

    [Fact]
    public async Task Push_StreamDropped_ResendsUnackedInSeqOrderAndCountsDuplicates()
    {
        // Arrange: the learner stores batches 1–4 but its acks are lost with the stream
        var learner = new FakeLearner(TestRuns.Spec()) { HoldAcks = true };
        learner.Publish(0);
        await using var server = await LearnerServer.StartAsync(learner);
        await using var running = RunningNode.Start(TestRuns.Options(server.Address));
        for (int i = 0; i < 4; i++) await learner.NextAsync();

        // Act
        learner.HoldAcks = false;
        learner.DropStreams();
        var resent = new List<Received>();
        while (resent.Count == 0 || resent[^1].Batch.Seq < 8) resent.Add(await learner.NextAsync());

        // Assert: 1–4 again, in order, on the new stream, then new seqs; 8 needed room from all four acks
        Assert.Equal([1UL, 2UL, 3UL, 4UL, 5UL, 6UL, 7UL, 8UL], resent.Select(r => r.Batch.Seq));
        Assert.All(resent, r => Assert.Equal(2, r.Stream));
        ActorNodeStats stats = running.Node.Stats;
        Assert.Equal(4, stats.BatchesDuplicate);
        Assert.True(stats.BatchesSent >= 11, $"sent {stats.BatchesSent}"); // the 8th write may still be returning
    }

    [Fact]
    public async Task Push_LearnerRestartsOnTheSamePort_ReRegistersAndResendsWithSeqsContinuing()
    {
        // Arrange: the first learner stores 1–4 and dies before acking them
        var first = new FakeLearner(TestRuns.Spec()) { HoldAcks = true };
        first.Publish(0);
        var server = await LearnerServer.StartAsync(first);
        int port = server.Address.Port;
        await using var running = RunningNode.Start(TestRuns.Options(server.Address));
        for (int i = 0; i < 4; i++) await first.NextAsync();

        // Act: a learner restored from its checkpoint (which has 1 and 2) comes back on the same port
        await server.DisposeAsync();
        var restored = new FakeLearner(TestRuns.Spec());
        restored.Publish(0);
        restored.Verdict = b => b.Seq <= 2 ? AckStatus.Duplicate : null;
        await using var again = await LearnerServer.StartAsync(restored, port);
        var resent = new List<Received>();
        while (resent.Count < 6) resent.Add(await restored.NextAsync());

        // Assert
        Assert.NotEmpty(restored.Registrations);
        Assert.Equal([1UL, 2UL, 3UL, 4UL, 5UL, 6UL], resent.Select(r => r.Batch.Seq));
        Assert.All(resent, r => Assert.Equal("run-1", r.Batch.RunId));
        Assert.Equal(2, running.Node.Stats.BatchesDuplicate);
    }

    [Fact]
    public async Task Push_LearnerHasSeenThisNodeId_NewBatchesContinueAtTheAnnouncedSeq()
    {
        // Arrange: a node restarted under the same id; the learner has seen up to 40 from actor 0, 7 from actor 1
        var learner = new FakeLearner(TestRuns.Spec()) { NextSeq = id => id.EndsWith("/0", StringComparison.Ordinal) ? 41UL : 8UL };
        learner.Publish(0);
        await using var server = await LearnerServer.StartAsync(learner);

        // Act
        await using var running = RunningNode.Start(TestRuns.Options(server.Address, actors: 2));
        var received = new List<Received>();
        for (int i = 0; i < 40 && received.Select(r => r.Batch.ActorId).Distinct().Count() < 2; i++) received.Add(await learner.NextAsync());

        // Assert: each actor's first new seq is the announced one, and they go on from there
        foreach (var (actor, first) in new[] { ("/0", 41UL), ("/1", 8UL) })
        {
            var seqs = received.Where(r => r.Batch.ActorId.EndsWith(actor, StringComparison.Ordinal)).Select(r => r.Batch.Seq).ToArray();
            Assert.NotEmpty(seqs);
            Assert.Equal(Enumerable.Range(0, seqs.Length).Select(i => first + (ulong)i), seqs);
        }
        Assert.Equal(0, running.Node.Stats.BatchesDuplicate);
    }

    [Fact]
    public async Task Push_RejectedBatch_IsNeverSentAgain()
    {
        // Arrange: seq 2 is invalid; acks wait so that a reconnect happens with the rejection known
        var learner = new FakeLearner(TestRuns.Spec()) { HoldAcks = true, Verdict = b => b.Seq == 2 ? AckStatus.Rejected : null };
        learner.Publish(0);
        await using var server = await LearnerServer.StartAsync(learner);
        await using var running = RunningNode.Start(TestRuns.Options(server.Address));
        for (int i = 0; i < 4; i++) await learner.NextAsync();

        // Act: answer 1–4 (2 rejected), wait until the actor got room for seq 8 (all four answers handled), reconnect
        learner.HoldAcks = false;
        learner.ReleaseAcks();
        await learner.NextAsync(r => r.Batch.Seq == 8);
        learner.DropStreams();
        var later = new List<Received>();
        while (later.Count == 0 || later[^1].Batch.Seq < 12) later.Add(await learner.NextAsync());

        // Assert
        Assert.DoesNotContain(later, r => r.Batch.Seq == 2);
        Assert.Equal(later.Select(r => r.Batch.Seq).Order(), later.Select(r => r.Batch.Seq));
        Assert.Equal(1, running.Node.Stats.BatchesRejected);
    }
}
