using AsyncRL.Actors.Rollout;
using AsyncRL.Actors.Tests.Support;
using AsyncRL.Contracts.V1;

namespace AsyncRL.Actors.Tests.Rollout;

/// <summary><c>--n N</c> on the actor side: N fragments with one version, then wait for a newer one.</summary>
public sealed class OffPolicyNTests
{
    [Theory]
    [InlineData(0, 5, 5, 100, false)] // free-running never waits
    [InlineData(3, 5, 5, 2, false)]   // two of three fragments pushed with the weights held
    [InlineData(3, 5, 5, 3, true)]    // the third: wait
    [InlineData(3, 6, 5, 3, false)]   // newer weights arrived: a new cycle
    [InlineData(1, 5, 5, 1, true)]    // --sync
    [InlineData(1, 5, 0, 0, false)]   // nothing pushed yet
    public void MustWaitForNewer_CountsFragmentsPerWeights(int n, long applied, long pushedWith, int pushedWithCount, bool expected)
    {
        Assert.Equal(expected, RolloutActor.MustWaitForNewer(applied, pushedWith, pushedWithCount, n));
    }

    [Fact]
    public void FragmentsPerVersion_NodeOverridesSpecOverridesSync()
    {
        var options = TestRuns.Options(new Uri("http://127.0.0.1:1"));
        RunSpec spec = TestRuns.Spec();
        Assert.Equal(0, ActorNode.FragmentsPerVersion(options, spec));
        Assert.Equal(1, ActorNode.FragmentsPerVersion(options with { Sync = true }, spec));
        spec.FragmentsPerVersion = 4;
        Assert.Equal(4, ActorNode.FragmentsPerVersion(options, spec));
        Assert.Equal(4, ActorNode.FragmentsPerVersion(options with { Sync = true }, spec));
        Assert.Equal(2, ActorNode.FragmentsPerVersion(options with { OffPolicyN = 2 }, spec));
    }

    [Fact]
    public async Task RunAsync_RunSpecAsksForThreePerVersion_SendsThreeThenWaitsForTheNext()
    {
        // Arrange: a learner that publishes version v + 3 only after three fragments of version v arrived
        RunSpec spec = TestRuns.Spec();
        spec.FragmentsPerVersion = 3;
        var learner = new FakeLearner(spec);
        learner.Publish(0);
        await using var server = await LearnerServer.StartAsync(learner);
        await using var running = RunningNode.Start(TestRuns.Options(server.Address));

        // Act
        var versions = new List<long>();
        for (long v = 0; v < 9; v += 3)
        {
            for (int i = 0; i < 3; i++) versions.Add((await learner.NextAsync()).Batch.PolicyVersion);
            learner.Publish(v + 3);
        }

        // Assert: an actor that did not wait would send a fourth fragment of an old version
        Assert.Equal([0L, 0L, 0L, 3L, 3L, 3L, 6L, 6L, 6L], versions);
    }

    [Fact]
    public async Task RunAsync_NWithLag_IsRefused()
    {
        RunSpec spec = TestRuns.Spec(lag: 2);
        spec.FragmentsPerVersion = 2;
        var learner = new FakeLearner(spec);
        learner.Publish(0);
        await using var server = await LearnerServer.StartAsync(learner);
        var node = new ActorNode(TestRuns.Options(server.Address));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => node.RunAsync(CancellationToken.None).Within());
        Assert.Contains("N = 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_NBelowOne_Throws()
    {
        var options = TestRuns.Options(new Uri("http://127.0.0.1:1")) with { OffPolicyN = 0 };
        Assert.Throws<ArgumentException>(options.Validate);
    }
}
