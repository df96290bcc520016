using AsyncRL.Algorithms.Her;
using Xunit.Abstractions;

namespace AsyncRL.Algorithms.Tests.Her;

public sealed class HerLearningTests(ITestOutputHelper output)
{
    [Fact]
    public void Her_BitFlip15_ReachesNinetyPercent_WhilePlainDqnWithTheSameBudgetStaysBelowTen()
    {
        const long budget = 80_000;
        var her = HerHarness.Train(15, new HerOptions(), seed: 1, envs: 16, budget);
        output.WriteLine($"HER: {her.SuccessRate:P0} after {her.Steps} steps, {her.Updates} updates, {her.Seconds:F1} s");
        Assert.True(her.SuccessRate >= 0.9, $"HER greedy success {her.SuccessRate:P0} after {her.Steps} steps");

        // Plain DQN: the same learner, network, exploration and replay ratio, with no relabelling (k = 0), for the whole budget.
        var dqn = HerHarness.Train(15, new HerOptions { K = 0 }, seed: 1, envs: 16, budget, target: 2.0, evalEvery: budget);
        output.WriteLine($"DQN: {dqn.SuccessRate:P0} after {dqn.Steps} steps, {dqn.Updates} updates, {dqn.Seconds:F1} s");
        Assert.True(dqn.SuccessRate < 0.1, $"plain DQN greedy success {dqn.SuccessRate:P0} after {dqn.Steps} steps");
    }
}
