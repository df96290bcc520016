using AsyncRL.Actors.Tests.Support;

namespace AsyncRL.Actors.Tests.Hosting;

public sealed class LearnerRestartTests
{
    [Fact]
    public async Task Restart_LearnerRestoredFromAnOlderCheckpoint_NodeFollowsItBackToItsVersion()
    {
        // Arrange: the node acts with v5
        var first = new FakeLearner(TestRuns.Spec());
        for (long v = 0; v <= 5; v++) first.Publish(v);
        var server = await LearnerServer.StartAsync(first);
        int port = server.Address.Port;
        await using var running = RunningNode.Start(TestRuns.Options(server.Address));
        Assert.Equal(5, (await first.NextAsync()).Batch.PolicyVersion);

        // Act: the learner comes back from a checkpoint taken at v3 (v4 and v5 are gone)
        await server.DisposeAsync();
        var restored = new FakeLearner(TestRuns.Spec());
        for (long v = 0; v <= 3; v++) restored.Publish(v);
        await using var again = await LearnerServer.StartAsync(restored, port);
        Received back = await restored.NextAsync(r => r.Batch.PolicyVersion == 3);
        restored.Publish(4);
        Received onward = await restored.NextAsync(r => r.Batch.PolicyVersion == 4);

        // Assert: rows stamped v5 would be "from the future" to the restored learner
        Assert.Equal(3, back.Batch.PolicyVersion);
        Assert.Equal(4, onward.Batch.PolicyVersion);
        Assert.Contains(3L, restored.Fetches);
    }

    [Fact]
    public async Task Restart_LearnerComesBackWithADifferentRun_NodeStartsOverWithSeqsFromOne()
    {
        // Arrange
        var first = new FakeLearner(TestRuns.Spec());
        first.Publish(0);
        var server = await LearnerServer.StartAsync(first);
        int port = server.Address.Port;
        await using var running = RunningNode.Start(TestRuns.Options(server.Address));
        await first.NextAsync(r => r.Batch.Seq >= 3);

        // Act
        await server.DisposeAsync();
        var other = new FakeLearner(TestRuns.Spec(), runId: "run-2");
        other.Publish(0);
        await using var again = await LearnerServer.StartAsync(other, port);
        Received firstOfNewRun = await other.NextAsync(r => r.Batch.RunId == "run-2");

        // Assert: batches of run-1 were dropped with the old session; the new run numbers from 1
        Assert.Equal(1UL, firstOfNewRun.Batch.Seq);
        Assert.Equal("run-2", running.Node.Stats.RunId);
        Assert.False(running.Completion.IsCompleted);
    }
}
