using AsyncRL.Algorithms.Dqn;
using AsyncRL.Models.Engine;

namespace AsyncRL.Algorithms.Tests.Engines;

/// <summary>DQN on TorchSharp against DQN on our engine, and its bad-input handling.</summary>
public sealed class DqnEngineTests
{
    private const int B = 32;

    private static (float[] Obs, int[] Actions, float[] Returns, float[] Next, float[] Discounts, float[] Weights) Batch(ulong seed)
    {
        var rng = new Generator(seed);
        float[] U(int n, float lo, float hi) => Tensor.Uniform(rng, lo, hi, n).ToArray();
        return (U(B * 4, -1, 1), [.. Enumerable.Range(0, B).Select(i => i % 2)], U(B, -1, 3), U(B * 4, -1, 1),
            [.. Enumerable.Range(0, B).Select(i => i % 5 == 0 ? 0f : 0.97f)], U(B, 0.5f, 1));
    }

    private static DqnLearner Learner(ModelEngine engine, float tau = 0) =>
        new(new QNetwork(4, 2, [16, 16], new Generator(1)), new DqnOptions { Engine = engine, Hidden = [16, 16], TargetUpdateEvery = 2, TargetTau = tau, LearningRate = 1e-2f });

    [Theory]
    [InlineData(0f)]
    [InlineData(0.05f)]
    public void Update_FourSteps_TorchMatchesManaged(float tau)
    {
        using var managed = Learner(ModelEngine.Managed, tau);
        using var torch = Learner(ModelEngine.TorchCpu, tau);
        for (ulong step = 0; step < 4; step++)
        {
            var (o, a, r, n, d, w) = Batch(step);
            var m = managed.Update(o, a, r, n, d, w);
            var t = torch.Update(o, a, r, n, d, w);
            Assert.Equal(m.Loss, t.Loss, 4);
            Assert.Equal(m.GradNorm, t.GradNorm, 3);
            for (int i = 0; i < B; i++) Assert.Equal(managed.TdErrors[i], torch.TdErrors[i], 3);
        }
        foreach (var (net, twin) in new[] { (managed.Online, torch.Online), (managed.Target, torch.Target) })
        {
            torch.Networks.PushToHost();
            var theirs = twin.NamedParameters().ToDictionary(p => p.Key, p => p.Value);
            foreach (var (name, p) in net.NamedParameters())
                for (int i = 0; i < p.Size; i++) Assert.Equal(p.Data[i], theirs[name].Data[i], 4);
        }
    }

    [Fact]
    public void Update_InfiniteReturn_SkippedCountedAndPrioritiesStayFinite()
    {
        using var torch = Learner(ModelEngine.TorchCpu);
        var (o, a, r, n, d, w) = Batch(1);
        r[2] = float.PositiveInfinity;

        torch.Update(o, a, r, n, d, w);

        Assert.Equal(1, torch.SkippedSteps);
        Assert.Equal(0, torch.Updates);
        Assert.All(torch.TdErrors.ToArray(), e => Assert.True(float.IsFinite(e)));
    }
}
