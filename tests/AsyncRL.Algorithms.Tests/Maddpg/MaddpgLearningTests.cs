using AsyncRL.Algorithms.Maddpg;
using Xunit.Abstractions;

namespace AsyncRL.Algorithms.Tests.Maddpg;

public sealed class MaddpgLearningTests(ITestOutputHelper output)
{
    [Fact]
    public void Maddpg_SimpleSpread_RisesClearlyAboveTheRandomPolicy()
    {
        // The reference settings except batches of 256 (four times as many, cheaper updates) after a short warm-up:
        // 80k environment steps and about 2,900 updates.
        var options = new MaddpgOptions { BatchSize = 256, MinReplaySize = 5120 };
        var r = MaddpgHarness.Train("simple_spread", seed: 1, options, envs: 8, budget: 80_000);
        output.WriteLine($"summed return {r.ReturnMean:F1} (random {r.RandomReturnMean:F1}) after {r.Steps} steps, {r.Updates} updates, {r.Seconds:F1} s");
        // Random joint actions score about −690; learning to head for the landmarks gains well over 100 within this budget.
        Assert.True(r.ReturnMean >= r.RandomReturnMean + 100, $"summed return of the last 200 episodes {r.ReturnMean:F1} vs random {r.RandomReturnMean:F1}");
    }
}
