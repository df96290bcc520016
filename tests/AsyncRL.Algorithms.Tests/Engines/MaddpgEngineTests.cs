using AsyncRL.Algorithms.Maddpg;
using AsyncRL.Environments;
using AsyncRL.Models.Engine;

namespace AsyncRL.Algorithms.Tests.Engines;

/// <summary>MADDPG on TorchSharp against MADDPG on our engine: same draws, same updates, checkpoints that cross.</summary>
public sealed class MaddpgEngineTests
{
    private const int B = 16;
    private static readonly MultiAgentEnvSpec Spec = EnvRegistry.MultiAgentSpecOf("simple_adversary"); // observation sizes 8, 10, 10

    private static MaddpgBatch Batch(ulong seed)
    {
        var rng = new Generator(seed);
        int n = Spec.AgentCount, j = Spec.JointObservationSize;
        float[] U(int count, float lo, float hi) => Tensor.Uniform(rng, lo, hi, count).ToArray();
        return new MaddpgBatch(U(B * j, -1, 1), [.. Enumerable.Range(0, B * n).Select(i => (float)(i % Spec.ActionCount))], U(B * n, -1, 0),
            U(B * j, -1, 1), [.. Enumerable.Range(0, B).Select(i => i % 7 == 0 ? 1f : 0f)], [.. Enumerable.Range(0, B).Select(i => i % 5 == 0 ? 0f : 1f)]);
    }

    private static MaddpgLearner Learner(ModelEngine engine, Generator? sampler = null)
    {
        var rng = new Generator(3);
        var options = new MaddpgOptions { Hidden = [16, 16], Engine = engine };
        return new MaddpgLearner(new MaddpgActors(Spec, options.Hidden, rng), new MaddpgCritics(Spec, options.Hidden, rng), options, sampler ?? new Generator(9));
    }

    [Fact]
    public void Update_ThreeSteps_TorchMatchesManaged()
    {
        using var managed = Learner(ModelEngine.Managed);
        using var torch = Learner(ModelEngine.TorchCpu);
        for (ulong step = 0; step < 3; step++)
        {
            var batch = Batch(step);
            var m = managed.Update(batch);
            var t = torch.Update(batch);
            for (int i = 0; i < Spec.AgentCount; i++)
            {
                Assert.Equal(m.CriticLoss[i], t.CriticLoss[i], 3);
                Assert.Equal(m.ActorLoss[i], t.ActorLoss[i], 3);
                Assert.Equal(m.TargetMean[i], t.TargetMean[i], 3);
                Assert.Equal(m.ActorGradNorm[i], t.ActorGradNorm[i], 3);
            }
        }
        torch.SyncHost();
        foreach (var (expected, actual) in new (Models.Nn.Module, Models.Nn.Module)[] { (managed.Actors, torch.Actors), (managed.Critics, torch.Critics), (managed.TargetCritics, torch.TargetCritics) })
        {
            var theirs = actual.NamedParameters().ToDictionary(p => p.Key, p => p.Value);
            foreach (var (name, p) in expected.NamedParameters())
                for (int k = 0; k < p.Size; k++) Assert.True(Math.Abs(p.Data[k] - theirs[name].Data[k]) <= 1e-4, $"{name}[{k}]: managed {p.Data[k]}, torch {theirs[name].Data[k]}");
        }
    }

    [Fact]
    public void Checkpoint_TorchToManaged_ContinuesAsTheTorchRunWould()
    {
        var torchSampler = new Generator(9);
        using var torch = Learner(ModelEngine.TorchCpu, torchSampler);
        torch.Update(Batch(1));
        var state = MaddpgCheckpoint.Save(torch, torchSampler);
        var managedSampler = new Generator(0);
        using var managed = Learner(ModelEngine.Managed, managedSampler);
        MaddpgCheckpoint.Restore(state, managed, managedSampler);

        var t = torch.Update(Batch(2));
        var m = managed.Update(Batch(2));

        Assert.Equal(torch.Updates, managed.Updates);
        for (int i = 0; i < Spec.AgentCount; i++)
        {
            Assert.Equal(t.CriticLoss[i], m.CriticLoss[i], 3);
            Assert.Equal(t.ActorLoss[i], m.ActorLoss[i], 3);
        }
    }
}
