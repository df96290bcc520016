using AsyncRL.Actors.Tests.Support;
using AsyncRL.Contracts.V1;
using Grpc.Core;

namespace AsyncRL.Actors.Tests.Hosting;

public sealed class ActorNodeTests
{
    [Fact]
    public async Task RunAsync_TwoActors_RegisterAndNumberSeqsPerActorFromOne()
    {
        // Arrange
        var learner = new FakeLearner(TestRuns.Spec());
        learner.Publish(0);
        await using var server = await LearnerServer.StartAsync(learner);
        await using var running = RunningNode.Start(TestRuns.Options(server.Address, actors: 2));

        // Act: three batches from each actor
        var seen = new Dictionary<string, List<SampleBatch>>();
        while (seen.Count < 2 || seen.Values.Any(b => b.Count < 3))
        {
            Received received = await learner.NextAsync();
            if (!seen.TryGetValue(received.Batch.ActorId, out var list)) seen[received.Batch.ActorId] = list = [];
            list.Add(received.Batch);
        }

        // Assert
        RegisterRequest registration = Assert.Single(learner.Registrations);
        Assert.Equal(("node-a", 2u, 2u), (registration.NodeId, registration.ActorCount, registration.EnvsPerActor));
        Assert.Equal(["node-a/0", "node-a/1"], seen.Keys.Order());
        foreach (List<SampleBatch> batches in seen.Values)
        {
            Assert.Equal([1UL, 2UL, 3UL], batches.Take(3).Select(b => b.Seq));
            Assert.All(batches, b =>
            {
                Assert.Equal("run-1", b.RunId);
                Assert.Equal(0, b.PolicyVersion);
                Assert.Equal(8u, b.RowCount); // T = 4 steps × 2 envs
                Assert.Equal(8UL, b.EnvSteps);
                Assert.Contains("obs", b.Columns.Keys);
                Assert.Contains("logp", b.Columns.Keys);
            });
        }
        ActorNodeStats stats = running.Node.Stats;
        Assert.Equal("run-1", stats.RunId);
        Assert.Equal(0, stats.PolicyVersion);
        Assert.True(stats.EnvSteps >= 6 * 8, $"env steps {stats.EnvSteps}");
        Assert.Equal(["node-a/0", "node-a/1"], stats.Actors.Select(a => a.ActorId));
    }

    [Fact]
    public async Task RunAsync_LearnerFinishesTheRun_ReturnsRunFinished()
    {
        // Arrange
        var learner = new FakeLearner(TestRuns.Spec());
        learner.Publish(0);
        await using var server = await LearnerServer.StartAsync(learner);
        await using var running = RunningNode.Start(TestRuns.Options(server.Address));
        await learner.NextAsync();

        // Act
        learner.FinishRun();
        ActorNodeOutcome outcome = await running.Completion.Within();

        // Assert
        Assert.Equal(ActorNodeOutcome.RunFinished, outcome);
    }

    [Fact]
    public async Task RunAsync_RunAlreadyFinished_RegisterAnswersFailedPreconditionAndNodeStops()
    {
        // Arrange
        var learner = new FakeLearner(TestRuns.Spec());
        learner.FinishRun();
        await using var server = await LearnerServer.StartAsync(learner);
        var node = new ActorNode(TestRuns.Options(server.Address));

        // Act
        ActorNodeOutcome outcome = await node.RunAsync(CancellationToken.None).Within();

        // Assert
        Assert.Equal(ActorNodeOutcome.RunFinished, outcome);
    }

    [Fact]
    public async Task RunAsync_LearnerNotUpYet_KeepsRegisteringUntilItIs()
    {
        // Arrange: a port that nothing listens on yet
        var learner = new FakeLearner(TestRuns.Spec());
        learner.Publish(0);
        int port;
        await using (var probe = await LearnerServer.StartAsync(learner)) port = probe.Address.Port;
        await using var running = RunningNode.Start(TestRuns.Options(new Uri($"http://127.0.0.1:{port}")));

        // Act: the learner comes up on that port
        await using var server = await LearnerServer.StartAsync(learner, port);
        Received first = await learner.NextAsync();

        // Assert
        Assert.Equal(1UL, first.Batch.Seq);
    }

    [Fact]
    public async Task RunAsync_BearerToken_IsSentAndAWrongOneFailsTheNode()
    {
        // Arrange
        var learner = new FakeLearner(TestRuns.Spec());
        learner.Publish(0);
        await using var server = await LearnerServer.StartAsync(learner, token: "s3cret");

        // Act: the right token acts; a wrong one is refused for good
        await using (RunningNode.Start(TestRuns.Options(server.Address) with { AuthToken = "s3cret" }))
        {
            await learner.NextAsync();
        }
        var wrong = new ActorNode(TestRuns.Options(server.Address) with { NodeId = "node-b", AuthToken = "guess" });
        var failure = await Assert.ThrowsAsync<RpcException>(() => wrong.RunAsync(CancellationToken.None).Within());

        // Assert
        Assert.Equal(StatusCode.Unauthenticated, failure.StatusCode);
    }

    [Fact]
    public async Task RunAsync_SyncMode_WaitsForANewVersionAfterEachFragment()
    {
        // Arrange
        var learner = new FakeLearner(TestRuns.Spec());
        learner.Publish(0);
        await using var server = await LearnerServer.StartAsync(learner);
        await using var running = RunningNode.Start(TestRuns.Options(server.Address) with { Sync = true });

        // Act: publish the next version only after each batch arrives
        var versions = new List<long>();
        for (long v = 0; v < 4; v++)
        {
            versions.Add((await learner.NextAsync()).Batch.PolicyVersion);
            learner.Publish(v + 1);
        }

        // Assert: one fragment per version; an actor that did not wait would repeat v0
        Assert.Equal([0L, 1L, 2L, 3L], versions);
    }

    [Fact]
    public async Task RunAsync_PipelineDepthTwo_GeneratesOneFragmentAheadAndNoFurther()
    {
        // Arrange: a run spec asking for the asynchronous pipeline (the language algorithms' default)
        var spec = TestRuns.Spec();
        spec.Acting.Fields["pipeline_depth"] = Google.Protobuf.WellKnownTypes.Value.ForNumber(2);
        var learner = new FakeLearner(spec);
        learner.Publish(0);
        await using var server = await LearnerServer.StartAsync(learner);
        await using var running = RunningNode.Start(TestRuns.Options(server.Address));

        // Act: as a learner does, publish version k only once fragment k has arrived (k ≥ 1 after the first update)
        var versions = new List<long>();
        for (long k = 0; k < 5; k++)
        {
            versions.Add((await learner.NextAsync()).Batch.PolicyVersion);
            if (k >= 1) learner.Publish(k);
        }

        // Assert: fragment 1 goes ahead with v0 (overlapping the first update); every later one waits for its version,
        // so each is exactly one update old when trained — an actor running free would repeat v0.
        Assert.Equal([0L, 0L, 1L, 2L, 3L], versions);
    }

    [Fact]
    public async Task RunAsync_PipelineDepthTwo_RejectedFragmentsDoNotCount_SoTheActorNeverWaitsForAVersionThatCannotCome()
    {
        // Arrange: fragments 2 and 3 are rejected, so they train nothing and bring no new version
        var spec = TestRuns.Spec();
        spec.Acting.Fields["pipeline_depth"] = Google.Protobuf.WellKnownTypes.Value.ForNumber(2);
        var learner = new FakeLearner(spec) { Verdict = b => b.Seq is 2 or 3 ? AckStatus.Rejected : null };
        learner.Publish(0);
        await using var server = await LearnerServer.StartAsync(learner);
        await using var running = RunningNode.Start(TestRuns.Options(server.Address) with { MaxUnackedBatches = 1 });

        // Act: one new version per accepted fragment, as a learner's updates give
        long version = 0;
        var seqs = new List<ulong>();
        while (seqs.Count < 6)
        {
            var batch = (await learner.NextAsync()).Batch;
            seqs.Add(batch.Seq);
            if (batch.Seq is not (2 or 3)) learner.Publish(++version);
        }

        // Assert: the actor went on past the two rejections (a count including them would wait for a version that never comes)
        Assert.Equal([1UL, 2UL, 3UL, 4UL, 5UL, 6UL], seqs);
        Assert.Equal(2, running.Node.Stats.BatchesRejected);
    }

    [Fact]
    public async Task RunAsync_SyncWithLag_IsRefused()
    {
        // Arrange
        var learner = new FakeLearner(TestRuns.Spec(lag: 2));
        learner.Publish(0);
        await using var server = await LearnerServer.StartAsync(learner);
        var node = new ActorNode(TestRuns.Options(server.Address) with { Sync = true });

        // Act + Assert
        await Assert.ThrowsAsync<InvalidOperationException>(() => node.RunAsync(CancellationToken.None).Within());
    }
}
