using AsyncRL.Algorithms.Ppo;
using AsyncRL.Environments;

namespace AsyncRL.Algorithms.Tests.Ppo;

public sealed class PpoLearningTests
{
    // The algorithm alone, without the wire: collect a fragment, update, repeat.
    private static (double Return, long Steps) Train(ulong seed, PpoOptions options, int envs, long budget, int lag = 0)
    {
        var rng = new Generator(seed);
        var model = new ActorCritic(4, 2, options.Hidden, rng);
        var learner = new PpoLearner(model, options, rng.Fork());
        var behaviour = new ActorCritic(4, 2, options.Hidden, new Generator(0));
        var snapshots = new Queue<IReadOnlyDictionary<string, Tensor>>();
        var collector = new PpoRolloutCollector(EnvRegistry.CreateVector("cartpole", envs, seed), new PpoActingPolicy(behaviour, envs), rng.Fork(), options.RolloutLength);
        var episodes = new List<EpisodeStats>();
        long steps = 0;
        while (steps < budget)
        {
            // Act with the policy `lag` updates behind the learner, as a lagged actor would.
            snapshots.Enqueue(model.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value.Clone()));
            while (snapshots.Count > lag + 1) snapshots.Dequeue();
            behaviour.LoadStateDict(snapshots.Peek());
            long behaviourVersion = learner.Updates - (snapshots.Count - 1);
            var fragment = collector.Collect(behaviourVersion);
            steps += fragment.Rows;
            collector.Env.DrainEpisodes(episodes);
            var stats = learner.Update([fragment], learner.Updates);
            Assert.Equal(snapshots.Count - 1, stats.Staleness.Max);
            if (episodes.Count >= 20 && episodes.TakeLast(20).Average(e => e.Return) >= 475) break;
        }
        return (episodes.TakeLast(20).Average(e => e.Return), steps);
    }

    [Fact]
    public void Ppo_CartPole_ReachesMeanReturn475()
    {
        var options = new PpoOptions { LearningRate = 5e-3f, RolloutLength = 32, RowsPerUpdate = 256, AnnealLearningRate = false };
        var (ret, steps) = Train(seed: 1, options, envs: 8, budget: 150_000);
        Assert.True(ret >= 475, $"mean return of the last 20 episodes {ret:F1} after {steps} steps");
    }

    [Fact]
    public void Ppo_CartPole_OnTorch_ReachesMeanReturn475()
    {
        var options = new PpoOptions { LearningRate = 5e-3f, RolloutLength = 32, RowsPerUpdate = 256, AnnealLearningRate = false, Engine = AsyncRL.Models.Engine.ModelEngine.TorchCpu };
        var (ret, steps) = Train(seed: 1, options, envs: 8, budget: 150_000);
        Assert.True(ret >= 475, $"mean return of the last 20 episodes {ret:F1} after {steps} steps");
    }

    [Fact]
    public void Ppo_CartPole_StillLearnsWithLag4_VTrace()
    {
        var options = new PpoOptions { LearningRate = 2.5e-3f, RolloutLength = 32, RowsPerUpdate = 256, AnnealLearningRate = false, UseVTrace = true };
        var (ret, steps) = Train(seed: 2, options, envs: 8, budget: 250_000, lag: 4);
        Assert.True(ret >= 475, $"mean return of the last 20 episodes {ret:F1} after {steps} steps");
    }

    [Fact]
    public void Update_MaxStaleness_DropsOlderRows()
    {
        var options = new PpoOptions { RolloutLength = 8, RowsPerUpdate = 32, Minibatches = 2 };
        var rng = new Generator(3);
        var model = new ActorCritic(4, 2, options.Hidden, rng);
        var learner = new PpoLearner(model, options, rng.Fork());
        var collector = new PpoRolloutCollector(EnvRegistry.CreateVector("cartpole", 4, 3), new PpoActingPolicy(model, 4), rng.Fork(), 8);
        var fresh = collector.Collect(policyVersion: 10);
        var stale = collector.Collect(policyVersion: 2);
        var stats = learner.Update([fresh, stale], learnerVersion: 10, maxStaleness: 4);
        Assert.Equal(64, stats.Rows);
        Assert.Equal(32, stats.RowsDropped);
        Assert.Equal(0, stats.Staleness.Min);
        Assert.Equal(8, stats.Staleness.Max);
        Assert.Equal(32, stats.Staleness.Histogram[0]);
        Assert.Equal(32, stats.Staleness.Histogram[8]);
    }

    [Fact]
    public void Fragment_WrongSizes_AreRejectedWithTheColumnName()
    {
        var options = new PpoOptions { RolloutLength = 4, RowsPerUpdate = 8, Minibatches = 2 };
        var rng = new Generator(4);
        var model = new ActorCritic(4, 2, options.Hidden, rng);
        var collector = new PpoRolloutCollector(EnvRegistry.CreateVector("cartpole", 2, 4), new PpoActingPolicy(model, 2), rng.Fork(), 4);
        var f = collector.Collect(0) with { Rewards = new float[3] };
        var ex = Assert.Throws<ArgumentException>(() => new PpoLearner(model, options, rng).Update([f], 0));
        Assert.Contains("rewards has 3 values, expected 8", ex.Message, StringComparison.Ordinal);
    }
}
