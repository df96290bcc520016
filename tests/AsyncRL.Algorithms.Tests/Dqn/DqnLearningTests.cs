using AsyncRL.Algorithms.Dqn;
using Xunit.Abstractions;

namespace AsyncRL.Algorithms.Tests.Dqn;

public sealed class DqnLearningTests(ITestOutputHelper output)
{
    [Fact]
    public void ApeXDqn_CartPole_ReachesMeanReturn475()
    {
        var options = new DqnOptions();
        var r = DqnHarness.TrainCartPole(seed: 1, options, envs: 8, budget: 100_000);
        output.WriteLine($"return {r.ReturnMean:F1} after {r.Steps} steps, {r.Updates} updates, {r.Seconds:F1} s");
        Assert.True(r.ReturnMean >= 475, $"mean return of the last 20 episodes {r.ReturnMean:F1} after {r.Steps} steps ({r.Updates} updates, {r.Seconds:F1} s)");
    }

    [Fact]
    public void ApeXDqn_CartPole_OnTorch_ReachesMeanReturn475()
    {
        // 16 sampled rows per inserted one, as the CLI runs it: half the updates of the default, each slower on torch.
        var options = new DqnOptions { SamplesPerInsert = 16, Engine = AsyncRL.Models.Engine.ModelEngine.TorchCpu };
        var r = DqnHarness.TrainCartPole(seed: 1, options, envs: 8, budget: 150_000);
        output.WriteLine($"return {r.ReturnMean:F1} after {r.Steps} steps, {r.Updates} updates, {r.Seconds:F1} s");
        Assert.True(r.ReturnMean >= 475, $"mean return of the last 20 episodes {r.ReturnMean:F1} after {r.Steps} steps ({r.Updates} updates, {r.Seconds:F1} s)");
    }
}
