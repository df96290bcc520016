using AsyncRL.Algorithms.Ppo;
using AsyncRL.Environments;
using AsyncRL.Models.Engine;
using AsyncRL.Models.Nn;

namespace AsyncRL.Algorithms.Tests.Engines;

/// <summary>PPO on TorchSharp against PPO on our engine: the same update from the same start, and checkpoints that cross.</summary>
public sealed class PpoEngineTests
{
    private static readonly PpoOptions Small = new() { RolloutLength = 16, RowsPerUpdate = 64, Epochs = 2, Minibatches = 2, Hidden = [16, 16], AnnealLearningRate = false, LearningRate = 1e-2f };

    private static PpoFragment[] Fragments(ulong seed)
    {
        var behaviour = new ActorCritic(4, 2, Small.Hidden, new Generator(seed));
        var collector = new PpoRolloutCollector(EnvRegistry.CreateVector("cartpole", 4, seed), new PpoActingPolicy(behaviour, 4), new Generator(seed + 1), Small.RolloutLength);
        return [collector.Collect(0)];
    }

    private static PpoLearner Learner(ModelEngine engine, PpoOptions? options = null) =>
        new(new ActorCritic(4, 2, Small.Hidden, new Generator(1)), (options ?? Small) with { Engine = engine }, new Generator(2));

    private static void AssertSameWeights(Module expected, Module actual, double tolerance)
    {
        var theirs = actual.NamedParameters().ToDictionary(p => p.Key, p => p.Value);
        foreach (var (name, p) in expected.NamedParameters())
            for (int i = 0; i < p.Size; i++)
                Assert.True(Math.Abs(p.Data[i] - theirs[name].Data[i]) <= tolerance * Math.Max(1, Math.Abs(p.Data[i])), $"{name}[{i}]: managed {p.Data[i]}, torch {theirs[name].Data[i]}");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Update_SameStart_TorchMatchesManaged(bool vtrace)
    {
        var options = Small with { UseVTrace = vtrace };
        using var managed = Learner(ModelEngine.Managed, options);
        using var torch = Learner(ModelEngine.TorchCpu, options);
        var fragments = Fragments(5);

        var m = managed.Update(fragments, 0);
        var t = torch.Update(fragments, 0);

        Assert.Equal(m.Loss, t.Loss, 3);
        Assert.Equal(m.ApproxKl, t.ApproxKl, 4);
        Assert.Equal(m.ExplainedVariance, t.ExplainedVariance, 3);
        Assert.Equal(m.GradNorm, t.GradNorm, 3);
        AssertSameWeights(managed.Model, torch.Model, 1e-4);
    }

    [Fact]
    public void Update_NaNRewards_StepsSkippedCountedAndWeightsKept()
    {
        using var torch = Learner(ModelEngine.TorchCpu);
        var fragment = Fragments(5)[0];
        var poisoned = fragment with { Rewards = [.. fragment.Rewards.Select(_ => float.NaN)] }; // every minibatch sees NaN advantages
        var before = torch.Model.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value.Data.ToArray());

        torch.Update([poisoned], 0);

        Assert.Equal(Small.Epochs * Small.Minibatches, torch.SkippedSteps);
        foreach (var (name, p) in torch.Model.NamedParameters()) Assert.Equal(before[name], p.Data.ToArray());
        var next = torch.Update(Fragments(6), 1); // the run goes on
        Assert.True(float.IsFinite(next.Loss));
    }

    [Fact]
    public void Checkpoint_ManagedToTorchAndBack_ContinuesAsTheManagedRunWould()
    {
        var spec = EnvRegistry.SpecOf("cartpole");
        var fragments = Fragments(7);
        var managed = new PpoLearnerAlgorithm(Small, spec, seed: 3);
        Feed(managed, fragments);
        managed.Update(0);
        var state = managed.SaveState();

        var torch = new PpoLearnerAlgorithm(Small with { Engine = ModelEngine.TorchCpu }, spec, seed: 99);
        torch.RestoreState(state);
        var back = new PpoLearnerAlgorithm(Small, spec, seed: 42);
        back.RestoreState(torch.SaveState());

        Assert.Equal(state.Model.Keys.Order(), torch.SaveState().Model.Keys.Order());
        foreach (var algo in new[] { managed, torch, back })
        {
            Feed(algo, fragments);
            algo.Update(1);
        }
        AssertSameWeights(managed.Policy, torch.Policy, 1e-4);
        AssertSameWeights(managed.Policy, back.Policy, 1e-4);
    }

    [Fact]
    public void Restore_WrongShape_NamesTheTensor()
    {
        var spec = EnvRegistry.SpecOf("cartpole");
        var torch = new PpoLearnerAlgorithm(Small with { Engine = ModelEngine.TorchCpu }, spec, seed: 1);
        var state = torch.SaveState();
        var model = state.Model.ToDictionary(kv => kv.Key, kv => kv.Value);
        model["critic.2.weight"] = Tensor.Zeros(3, 16);

        var ex = Assert.ThrowsAny<Exception>(() => torch.RestoreState(new LearnerAlgorithmState(model, state.Optimizer, state.Metadata)));
        Assert.Contains("critic.2.weight", ex.Message, StringComparison.Ordinal);
    }

    private static void Feed(PpoLearnerAlgorithm algo, PpoFragment[] fragments)
    {
        ulong seq = 0;
        foreach (var f in fragments)
        {
            var batch = PpoWire.ToBatch(f, "t/0", ++seq);
            algo.Ingest(new LearnerBatch("t/0", seq, 0, 0, f.Rows, default, algo.Decode(batch)));
        }
    }
}
