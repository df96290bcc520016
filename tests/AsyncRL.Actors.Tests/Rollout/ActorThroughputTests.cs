using AsyncRL.Actors.Rollout;
using AsyncRL.Actors.Tests.Support;

namespace AsyncRL.Actors.Tests.Rollout;

public sealed class ActorThroughputTests
{
    [Fact]
    public async Task MeasureAsync_ActorsOnly_CountsEnvSteps()
    {
        // Act
        ActorThroughputResult result = await ActorThroughput.MeasureAsync(TestRuns.Spec(), actors: 2, envsPerActor: 4, TimeSpan.FromMilliseconds(200)).Within();

        // Assert
        Assert.True(result.EnvSteps > 0);
        Assert.Equal(0, result.EnvSteps % (4 * 4)); // whole fragments of T = 4 steps × 4 envs
        Assert.True(result.Elapsed >= TimeSpan.FromMilliseconds(150)); // timers may fire a little early
        Assert.True(result.StepsPerSecond > 0);
    }

    [Fact]
    public void ActorSeed_IsStableAndDistinctPerActorAndIncarnation()
    {
        // Act
        ulong a = ActorSeed.Derive(7, "node-a/0");

        // Assert: fixed across processes (a pinned value, checked with an independent FNV-1a + SplitMix64), different per id, seed and incarnation
        Assert.Equal(a, ActorSeed.Derive(7, "node-a/0"));
        Assert.Equal(0x84E358120578DD83UL, a);
        Assert.NotEqual(a, ActorSeed.Derive(7, "node-a/1"));
        Assert.NotEqual(a, ActorSeed.Derive(8, "node-a/0"));
        Assert.NotEqual(a, ActorSeed.Derive(7, "node-a/0", incarnation: 1));
    }
}
