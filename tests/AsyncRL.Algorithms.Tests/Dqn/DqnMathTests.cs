using AsyncRL.Algorithms.Dqn;

namespace AsyncRL.Algorithms.Tests.Dqn;

public sealed class DqnMathTests
{
    [Fact]
    public void ApeXEpsilon_FollowsTheFormula()
    {
        Assert.Equal(0.4f, ApeXExploration.Epsilon(0, 8, 0.4f, 7), 6);
        Assert.Equal(MathF.Pow(0.4f, 2), ApeXExploration.Epsilon(1, 8, 0.4f, 7), 6);
        Assert.Equal(MathF.Pow(0.4f, 8), ApeXExploration.Epsilon(7, 8, 0.4f, 7), 6);
        Assert.Equal(0.4f, ApeXExploration.Epsilon(0, 1, 0.4f, 7));
        Assert.Throws<ArgumentOutOfRangeException>(() => ApeXExploration.Epsilon(8, 8, 0.4f, 7));
    }

    [Fact]
    public void ApeXSlot_SpreadsActorsTimesEnvironments()
    {
        Assert.Equal(0, ApeXExploration.Slot("node/0", 0, 4, 8));
        Assert.Equal(6, ApeXExploration.Slot("node/1", 2, 4, 8));
        Assert.Equal(1, ApeXExploration.Slot("node/2", 1, 4, 8)); // 9 mod 8
        Assert.Equal(3, ApeXExploration.Slot("unnumbered", 3, 4, 8));
    }

    [Fact]
    public void LinearSchedule_GoesFromOneToTheFinalValue()
    {
        Assert.Equal(1f, ApeXExploration.Linear(0, 100, 0.1f));
        Assert.Equal(0.55f, ApeXExploration.Linear(50, 100, 0.1f), 6);
        Assert.Equal(0.1f, ApeXExploration.Linear(100, 100, 0.1f));
        Assert.Equal(0.1f, ApeXExploration.Linear(0, 0, 0.1f));
    }

    [Fact]
    public void Targets_DoubleQ_SelectsWithOnlineAndValuesWithTarget()
    {
        float[] returns = [1f, 2f];
        float[] discounts = [0.5f, 0f];
        float[] online = [0f, 9f, 5f, 1f];   // row 0 picks action 1 online
        float[] target = [10f, 2f, 3f, 4f];  // …which the target values at 2 (its own max is 10)
        var y = new float[2];
        DqnTargets.Compute(returns, discounts, online, target, 2, doubleQ: true, y);
        Assert.Equal([1f + 0.5f * 2f, 2f], y); // a terminal row does not bootstrap
        DqnTargets.Compute(returns, discounts, online, target, 2, doubleQ: false, y);
        Assert.Equal(1f + 0.5f * 10f, y[0]);
    }

    [Fact]
    public void Update_LossGradient_MatchesFiniteDifferences()
    {
        // The weighted Huber loss is what the optimizer follows: check ∂L/∂θ on one weight against central differences.
        var options = new DqnOptions { Hidden = [8], BatchSize = 4, MinReplaySize = 4, ReplayCapacity = 8, LearningRate = 1e-9f, MaxGradNorm = 1e9f };
        var rng = new Generator(3);
        var net = new QNetwork(3, 2, options.Hidden, rng);
        var obs = Enumerable.Range(0, 12).Select(_ => rng.NextUniform(-1, 1)).ToArray();
        var next = Enumerable.Range(0, 12).Select(_ => rng.NextUniform(-1, 1)).ToArray();
        int[] actions = [0, 1, 1, 0];
        float[] returns = [1f, -2f, 0.5f, 3f], discounts = [0.9f, 0f, 0.9f, 0.81f], weights = [1f, 0.5f, 0.25f, 1f];
        var learner = new DqnLearner(net, options);
        float Loss()
        {
            using var _ = Autograd.NoGrad();
            using var scope = DisposeScope.Begin();
            var y = new float[4];
            DqnTargets.Compute(returns, discounts, net.Forward(new Tensor(next, 4, 3)).ToArray(), learner.Target.Forward(new Tensor(next, 4, 3)).ToArray(), 2, true, y);
            var q = net.Forward(new Tensor(obs, 4, 3)).Gather(actions);
            return (Losses.HuberLoss(q, new Tensor(y, 4), 1f, Reduction.None) * new Tensor(weights, 4)).Mean().Item();
        }
        var w = net.Parameters().First();
        const float h = 1e-3f;
        float saved = w.Data[5];
        w.Data[5] = saved + h;
        float up = Loss();
        w.Data[5] = saved - h;
        float down = Loss();
        w.Data[5] = saved;
        using (DisposeScope.Begin())
        {
            var y = new float[4];
            DqnTargets.Compute(returns, discounts, net.Forward(new Tensor(next, 4, 3)).Detach().ToArray(), learner.Target.Forward(new Tensor(next, 4, 3)).Detach().ToArray(), 2, true, y);
            var q = net.Forward(new Tensor(obs, 4, 3)).Gather(actions);
            var loss = (Losses.HuberLoss(q, new Tensor(y, 4), 1f, Reduction.None) * new Tensor(weights, 4)).Mean();
            net.ZeroGrad();
            loss.Backward();
        }
        Assert.Equal((up - down) / (2 * h), w.Grad!.Data[5], 2);
    }
}

public sealed class DqnLearnerAlgorithmTests
{
    private static (DqnLearnerAlgorithm Algo, DqnOptions Options) Filled(bool checkpointReplay)
    {
        var options = new DqnOptions { BatchSize = 16, MinReplaySize = 32, ReplayCapacity = 256, SamplesPerInsert = 2, CheckpointReplay = checkpointReplay, Hidden = [16] };
        var algo = new DqnLearnerAlgorithm(options, AsyncRL.Environments.EnvRegistry.SpecOf("cartpole"), null, seed: 4);
        var net = new QNetwork(4, 2, options.Hidden, new Generator(1));
        var collector = new DqnCollector(AsyncRL.Environments.EnvRegistry.CreateVector("cartpole", 2, 3), new DqnActingPolicy(net, 2), new Generator(2), 16, 3, 0.99f, [0.5f, 0.5f]);
        for (ulong seq = 1; seq <= 6; seq++)
        {
            var batch = DqnWire.ToBatch(collector.Collect(0), "t/0", 32);
            algo.Ingest(new LearnerBatch("t/0", seq, 0, 0, 32, default, algo.Decode(batch)));
            while (algo.ReadyToUpdate) algo.Update(0);
        }
        return (algo, options);
    }

    [Fact]
    public void SaveRestore_WithReplay_ContinuesExactly()
    {
        var (a, options) = Filled(checkpointReplay: true);
        var state = a.SaveState();
        Assert.NotNull(state.Replay);
        var b = new DqnLearnerAlgorithm(options, AsyncRL.Environments.EnvRegistry.SpecOf("cartpole"), null, seed: 99);
        b.RestoreState(state);
        Assert.Equal(a.Replay.Stats(), b.Replay.Stats());
        // One more identical batch into both; then both sample the same rows and take the same step.
        var more = DqnWire.ToBatch(new DqnTransitions(new float[64 * 4], new int[64], new float[64], new float[64 * 4], new float[64], null, new long[64]), "t/0", 64);
        a.Ingest(new LearnerBatch("t/0", 7, 0, 0, 64, default, a.Decode(more)));
        b.Ingest(new LearnerBatch("t/0", 7, 0, 0, 64, default, b.Decode(more)));
        Assert.True(a.ReadyToUpdate && b.ReadyToUpdate);
        var ra = a.Update(5);
        var rb = b.Update(5);
        Assert.Equal(ra.Metrics["loss"], rb.Metrics["loss"]);
        Assert.Equal(ra.Metrics["sample_age_mean"], rb.Metrics["sample_age_mean"]);
    }

    [Fact]
    public void SaveRestore_WithoutReplay_StartsEmptyAndWaitsForData()
    {
        var (a, options) = Filled(checkpointReplay: false);
        var state = a.SaveState();
        Assert.Null(state.Replay);
        var b = new DqnLearnerAlgorithm(options, AsyncRL.Environments.EnvRegistry.SpecOf("cartpole"), null, seed: 99);
        b.RestoreState(state);
        Assert.Equal(0, b.Replay.Size);
        Assert.False(b.ReadyToUpdate);
        Assert.Equal(a.Learner.Updates, b.Learner.Updates);
    }

    [Fact]
    public void Decode_BadColumns_AreRejectedWithTheColumnName()
    {
        var (a, _) = Filled(checkpointReplay: false);
        var t = new DqnTransitions(new float[8], [0, 7], [1, 1], new float[8], [0.9f, 0.9f], null, [0, 0]);
        var ex = Assert.Throws<ArgumentException>(() => a.Decode(DqnWire.ToBatch(t, "t/0", 2)));
        Assert.Contains("column 'action': row 1 has action 7", ex.Message, StringComparison.Ordinal);
        t = t with { Actions = [0, 1], Discounts = [0.9f, 1.5f] };
        ex = Assert.Throws<ArgumentException>(() => a.Decode(DqnWire.ToBatch(t, "t/0", 2)));
        Assert.Contains("column 'discount': row 1 has 1.5", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Collector_FullWindows_CarryTheNStepReturnAndTheActorsPriority()
    {
        var net = new QNetwork(4, 2, [8], new Generator(1));
        var policy = new DqnActingPolicy(net, 1);
        var collector = new DqnCollector(AsyncRL.Environments.EnvRegistry.CreateVector("cartpole", 1, 3), policy, new Generator(2), 8, n: 3, gamma: 0.5f, [0f]);
        var t = collector.Collect(4);
        Assert.True(t.Rows >= 6, $"{t.Rows} rows"); // 8 steps; the first emission needs 3 unless the episode ends first
        var check = new DqnActingPolicy(net.CloneNetwork(), 1);
        int full = 0;
        for (int i = 0; i < t.Rows; i++)
        {
            Assert.Equal(4, t.PolicyVersions[i]);
            float q = check.MaxValue(t.Observations.AsSpan(i * 4, 4)); // ε = 0: the action taken is the greedy one
            if (t.Discounts[i] == 0f)
            {
                // The episode terminated inside the window: m ≤ 3 rewards of 1, no bootstrap.
                Assert.Contains(t.Returns[i], new[] { 1f, 1.5f, 1.75f });
                Assert.Equal(MathF.Abs(t.Returns[i] - q), t.Priorities![i], 4);
                continue;
            }
            full++;
            Assert.Equal(1f + 0.5f + 0.25f, t.Returns[i], 6); // reward 1 per CartPole step
            Assert.Equal(0.125f, t.Discounts[i], 6);
            float bootstrap = check.MaxValue(t.NextObservations.AsSpan(i * 4, 4));
            Assert.Equal(MathF.Abs(1.75f + 0.125f * bootstrap - q), t.Priorities![i], 4);
        }
        Assert.True(full > 0);
    }
}
