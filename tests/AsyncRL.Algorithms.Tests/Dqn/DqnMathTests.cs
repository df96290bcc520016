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
