using AsyncRL.Actors.Tests.Support;
using AsyncRL.Contracts.V1;

namespace AsyncRL.Actors.Tests.Weights;

public sealed class WeightsClientTests
{
    [Fact]
    public async Task Lag_TwoBehindTheNewest_ActsWithExactlyLatestMinusTwo()
    {
        // Arrange: versions 0–5 exist before the node registers; the run asks for lag 2
        var learner = new FakeLearner(TestRuns.Spec(lag: 2));
        for (long v = 0; v <= 5; v++) learner.Publish(v);
        await using var server = await LearnerServer.StartAsync(learner);
        await using var running = RunningNode.Start(TestRuns.Options(server.Address));

        // Act
        Received first = await learner.NextAsync();
        learner.Publish(6);
        Received moved = await learner.NextAsync(r => r.Batch.PolicyVersion != 3);

        // Assert: 5 − 2 = 3, then 6 − 2 = 4, each fetched by exact version
        Assert.Equal(3, first.Batch.PolicyVersion);
        Assert.Equal(4, moved.Batch.PolicyVersion);
        Assert.Equal([3L, 4L], learner.Fetches);
        Assert.Equal(4, running.Node.Stats.PolicyVersion);
    }

    [Fact]
    public async Task Lag_OptionOverridesTheRunSpec()
    {
        // Arrange
        var learner = new FakeLearner(TestRuns.Spec(lag: 0));
        for (long v = 0; v <= 3; v++) learner.Publish(v);
        await using var server = await LearnerServer.StartAsync(learner);
        await using var running = RunningNode.Start(TestRuns.Options(server.Address) with { Lag = 1 });

        // Act
        Received first = await learner.NextAsync();

        // Assert
        Assert.Equal(2, first.Batch.PolicyVersion);
    }

    [Fact]
    public async Task Watch_CorruptChecksum_IsRefusedThenTheResentVersionIsUsed()
    {
        // Arrange: the first time v1 is sent, its CRC is wrong
        var learner = new FakeLearner(TestRuns.Spec());
        learner.Publish(0);
        int corrupted = 0;
        learner.Tamper = chunk => chunk.Version == 1 && Interlocked.Exchange(ref corrupted, 1) == 0
            ? new WeightsChunk(chunk) { Crc32C = chunk.Crc32C ^ 1 }
            : chunk;
        await using var server = await LearnerServer.StartAsync(learner);
        await using var running = RunningNode.Start(TestRuns.Options(server.Address));
        await learner.NextAsync();

        // Act: the broken watch reconnects after v0 and gets v1 again, intact
        learner.Publish(1);
        Received withV1 = await learner.NextAsync(r => r.Batch.PolicyVersion == 1);

        // Assert
        Assert.Equal(1, withV1.Batch.PolicyVersion);
        ActorNodeStats stats = running.Node.Stats;
        Assert.Equal(1, stats.WeightsRejected);
        Assert.Equal(0, stats.Restarts);
    }

    [Fact]
    public async Task Watch_LayoutNotFittingTheModel_IsRefusedAndActingGoesOn()
    {
        // Arrange
        var learner = new FakeLearner(TestRuns.Spec());
        learner.Publish(0);
        await using var server = await LearnerServer.StartAsync(learner);
        await using var running = RunningNode.Start(TestRuns.Options(server.Address));
        await learner.NextAsync();

        // Act: v1 claims a first layer of the wrong shape; v2 is fine
        learner.Publish(1, layout: [.. WrongShapes()]);
        while (await learner.Watched.Reader.ReadAsync().AsTask().Within() != 1) { }
        learner.Publish(2); // behind v1 on the same watch: once v2 is acted with, v1 was handled
        var versions = new List<long>();
        while (versions.Count == 0 || versions[^1] != 2) versions.Add((await learner.NextAsync()).Batch.PolicyVersion);

        // Assert
        Assert.DoesNotContain(1L, versions);
        ActorNodeStats stats = running.Node.Stats;
        Assert.Equal(1, stats.WeightsRejected);
        Assert.Equal(0, stats.Restarts);

        static IEnumerable<ParameterInfo> WrongShapes()
        {
            var model = new AsyncRL.Algorithms.Ppo.ActorCritic(4, 2, [8], new Generator(1));
            var (_, layout) = AsyncRL.Algorithms.ModuleWeights.Pack(model, WeightsEncoding.F32);
            layout[0].Shape[0] += 1;
            return layout;
        }
    }
}
