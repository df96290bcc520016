using System.Collections.Concurrent;
using AsyncRL.Actors.Tests.Support;
using AsyncRL.Algorithms;

namespace AsyncRL.Actors.Tests.Rollout;

public sealed class RolloutSupervisionTests
{
    [Fact]
    public async Task Supervisor_ActorFaults_RestartsItWhileTheOtherGoesOn()
    {
        // Arrange: actor 0's first incarnation throws while collecting its third fragment
        var learner = new FakeLearner(TestRuns.Spec());
        learner.Publish(0);
        var incarnations = new ConcurrentDictionary<string, int>();
        await using var server = await LearnerServer.StartAsync(learner);
        await using var running = RunningNode.Start(TestRuns.Options(server.Address, actors: 2) with
        {
            AlgorithmFactory = (spec, settings) =>
            {
                int incarnation = incarnations.AddOrUpdate(settings.ActorId, 0, (_, n) => n + 1);
                bool doomed = settings.ActorId == "node-a/0" && incarnation == 0;
                return new ScriptedAlgorithm(ActorAlgorithms.Create(spec, settings), n =>
                {
                    if (doomed && n == 3) throw new InvalidOperationException("scripted fault");
                });
            },
        });

        // Act: actor 0 resumes after its restart; actor 1 keeps going
        Received resumed = await learner.NextAsync(r => r.Batch.ActorId == "node-a/0" && r.Batch.Seq == 3);
        Received other = await learner.NextAsync(r => r.Batch.ActorId == "node-a/1" && r.Batch.Seq >= 6);

        // Assert: seqs carry over the restart (1, 2 from the first incarnation, 3 from the second)
        Assert.Equal(3UL, resumed.Batch.Seq);
        Assert.Equal(1, incarnations["node-a/0"]);
        Assert.Equal(0, incarnations["node-a/1"]);
        ActorNodeStats stats = running.Node.Stats;
        Assert.Equal(1, stats.Restarts);
        Assert.Equal([1L, 0L], stats.Actors.Select(a => a.Restarts));
        Assert.True(other.Batch.Seq >= 6);
    }

    [Fact]
    public async Task Supervisor_ActorFaultsAtOnceEveryTime_BacksOffAndKeepsTheNodeUp()
    {
        // Arrange: actor 0 can never collect; actor 1 is fine
        var learner = new FakeLearner(TestRuns.Spec());
        learner.Publish(0);
        var faults = 0;
        var thirdFault = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await LearnerServer.StartAsync(learner);
        await using var running = RunningNode.Start(TestRuns.Options(server.Address, actors: 2) with
        {
            AlgorithmFactory = (spec, settings) => new ScriptedAlgorithm(ActorAlgorithms.Create(spec, settings), _ =>
            {
                if (settings.ActorId != "node-a/0") return;
                if (Interlocked.Increment(ref faults) == 3) thirdFault.TrySetResult();
                throw new InvalidOperationException("scripted fault");
            }),
        });

        // Act
        await thirdFault.Task.Within();
        Received fromOther = await learner.NextAsync(r => r.Batch.ActorId == "node-a/1" && r.Batch.Seq >= 3);

        // Assert
        Assert.False(running.Completion.IsCompleted);
        Assert.True(running.Node.Stats.Restarts >= 2);
        Assert.Equal("node-a/1", fromOther.Batch.ActorId);
    }
}
