using AsyncRL.Algorithms.Maddpg;
using AsyncRL.Environments;
using AsyncRL.Models.Distributions;

namespace AsyncRL.Algorithms.Tests.Maddpg;

public sealed class MaddpgMathTests
{
    [Fact]
    public void Targets_BootstrapFromTheNextValue_UnlessTheEpisodeTerminated()
    {
        var y = new float[3];
        MaddpgMath.Targets([1f, -2f, 0.5f], [0f, 1f, 0f], [10f, 100f, -4f], 0.9f, y);
        Assert.Equal([1f + 0.9f * 10f, -2f, 0.5f - 0.9f * 4f], y);
        Assert.Throws<ArgumentException>(() => MaddpgMath.Targets([1f], [0f, 0f], [1f], 0.9f, new float[1]));
    }

    [Fact]
    public void OneHot_WritesOneBlockPerAgent_AndRejectsNonIndices()
    {
        var oneHot = new float[2 * 2 * 3];
        MaddpgMath.OneHot([2f, 0f, 1f, 1f], agents: 2, actionCount: 3, oneHot);
        Assert.Equal([0f, 0f, 1f, 1f, 0f, 0f, /* row 1 */ 0f, 1f, 0f, 0f, 1f, 0f], oneHot);
        Assert.Throws<ArgumentException>(() => MaddpgMath.OneHot([3f, 0f], 2, 3, new float[6]));
        Assert.Throws<ArgumentException>(() => MaddpgMath.OneHot([0.5f, 0f], 2, 3, new float[6]));
    }

    [Fact]
    public void SampleOneHot_WritesOnlyItsAgentsBlock_WithSoftmaxFrequencies()
    {
        const int rows = 4000, agents = 3, actions = 5;
        var logits = new float[rows * actions];
        for (int r = 0; r < rows; r++) logits[r * actions + 3] = MathF.Log(4f); // p(3) = 4/8, the rest 1/8 each
        var oneHot = new float[rows * agents * actions];
        oneHot.AsSpan().Fill(7f);
        MaddpgMath.SampleOneHot(logits, agent: 1, agents, actions, new Generator(5), oneHot);
        var counts = new int[actions];
        for (int r = 0; r < rows; r++)
        {
            var block = oneHot.AsSpan((r * agents + 1) * actions, actions);
            Assert.Equal(1f, block.ToArray().Sum());
            counts[block.IndexOf(1f)]++;
            Assert.All(oneHot.AsSpan(r * agents * actions, actions).ToArray(), v => Assert.Equal(7f, v)); // agent 0 untouched
            Assert.All(oneHot.AsSpan((r * agents + 2) * actions, actions).ToArray(), v => Assert.Equal(7f, v)); // agent 2 untouched
        }
        Assert.InRange(counts[3] / (double)rows, 0.46, 0.54);
        Assert.InRange(counts[0] / (double)rows, 0.10, 0.15);
        Assert.Throws<ArgumentException>(() => MaddpgMath.SampleOneHot(new float[10], 3, 3, 5, new Generator(1), new float[30]));
    }

    [Fact]
    public void MeanEntropy_IsLogAForUniformLogits_AndZeroForCertainOnes()
    {
        Assert.Equal(Math.Log(5), MaddpgMath.MeanEntropy(new float[10], 5), 6);
        Assert.Equal(0, MaddpgMath.MeanEntropy([100f, 0f, 0f, 0f, 0f], 5), 6);
    }

    [Fact]
    public void CriticLoss_Gradient_MatchesFiniteDifferences()
    {
        var (spec, rng) = (EnvRegistry.MultiAgentSpecOf("simple_adversary"), new Generator(3));
        var critics = new MaddpgCritics(spec, [8], rng);
        int b = 6, d = critics.InputSize;
        var x = Random(rng, b * d);
        var y = Random(rng, b);
        float[] w = [1, 1, 0, 1, 1, 1]; // a row left out as too stale weighs nothing
        float norm = 1f / 5;
        float Loss()
        {
            using var _ = Autograd.NoGrad();
            using var scope = DisposeScope.Begin();
            return MaddpgLoss.Critic(critics.Forward(1, new Tensor(x, b, d)), new Tensor(y, b, 1), new Tensor(w, b, 1), norm).Item();
        }
        using (DisposeScope.Begin())
        {
            critics.ZeroGrad();
            MaddpgLoss.Critic(critics.Forward(1, new Tensor(x, b, d)), new Tensor(y, b, 1), new Tensor(w, b, 1), norm).Backward();
        }
        foreach (var p in critics.Agent(1).Parameters()) AssertFiniteDifferences(p, Loss, tolerance: 2e-2);
    }

    [Fact]
    public void ActorLoss_StraightThroughGradient_MatchesFiniteDifferencesOfTheRelaxation()
    {
        // With a straight-through Gumbel-softmax the forward pass feeds the critic a one-hot h and the backward
        // pass differentiates the soft sample s(θ). That is exactly the gradient at θ₀ of
        //   f(θ) = −mean Q(x, a₋ᵢ, h + s(θ) − s(θ₀)) + λ·mean(ℓ(θ)²)
        // with the Gumbel noise held fixed, which central differences can check.
        var (spec, rng) = (EnvRegistry.MultiAgentSpecOf("simple_spread"), new Generator(11));
        var actors = new MaddpgActors(spec, [8], rng);
        var critics = new MaddpgCritics(spec, [8], rng);
        int b = 5, agent = 1, a = spec.ActionCount, j = spec.JointObservationSize, o = spec.ObservationSizes[agent];
        var obs = Random(rng, b * j);
        var others = new float[b * spec.AgentCount * a];
        MaddpgMath.OneHot([.. Enumerable.Range(0, b * spec.AgentCount).Select(k => (float)(k % a))], spec.AgentCount, a, others);
        var w = new[] { 1f, 1f, 1f, 0f, 1f };
        const float lambda = 0.1f, tau = 0.7f;
        const ulong noise = 42;

        Tensor CriticInput(Tensor obsT, Tensor own)
        {
            var all = new Tensor(others, b, spec.AgentCount * a);
            return Tensor.Concat([obsT, all.Slice(1, 0, agent * a), own, all.Slice(1, (agent + 1) * a, (spec.AgentCount - agent - 1) * a)], 1);
        }
        Tensor Loss(Tensor own, Tensor logits, Tensor obsT) =>
            MaddpgLoss.Actor(critics.Forward(agent, CriticInput(obsT, own)), logits, new Tensor(w, b, 1), 1f / 4, lambda);

        float[] hard0, soft0;
        using (DisposeScope.Begin())
        using (Autograd.NoGrad())
        {
            var logits0 = actors.Forward(agent, new Tensor(obs, b, j).Slice(1, spec.ObservationOffset(agent), o));
            hard0 = GumbelSoftmax.Sample(logits0, tau, new Generator(noise), hard: true).ToArray();
            soft0 = GumbelSoftmax.Sample(logits0, tau, new Generator(noise), hard: false).ToArray();
        }
        Assert.Contains(1f, hard0);
        float Relaxed()
        {
            using var _ = Autograd.NoGrad();
            using var scope = DisposeScope.Begin();
            var obsT = new Tensor(obs, b, j);
            var logits = actors.Forward(agent, obsT.Slice(1, spec.ObservationOffset(agent), o));
            var soft = GumbelSoftmax.Sample(logits, tau, new Generator(noise), hard: false);
            var own = new Tensor(hard0, b, a) + soft - new Tensor(soft0, b, a);
            return Loss(own, logits, obsT).Item();
        }
        using (DisposeScope.Begin())
        {
            actors.ZeroGrad();
            var obsT = new Tensor(obs, b, j);
            var logits = actors.Forward(agent, obsT.Slice(1, spec.ObservationOffset(agent), o));
            var own = GumbelSoftmax.Sample(logits, tau, new Generator(noise), hard: true);
            Assert.Equal(hard0, own.ToArray()); // the forward pass sees the one-hot
            Loss(own, logits, obsT).Backward();
        }
        foreach (var p in actors.Agent(agent).Parameters()) AssertFiniteDifferences(p, Relaxed, tolerance: 3e-2);
    }

    private static float[] Random(Generator rng, int n) => [.. Enumerable.Range(0, n).Select(_ => rng.NextUniform(-1f, 1f))];

    // Central differences in double-checked float: every entry of small tensors, a sample of larger ones.
    private static void AssertFiniteDifferences(Tensor p, Func<float> loss, double tolerance)
    {
        Assert.NotNull(p.Grad);
        var analytic = p.Grad!.ToArray();
        const float h = 1e-3f;
        var rng = new Generator(17);
        for (int k = 0; k < Math.Min(p.Size, 24); k++)
        {
            int idx = p.Size <= 24 ? k : rng.NextInt(p.Size);
            float saved = p.Data[idx];
            p.Data[idx] = saved + h;
            double up = loss();
            p.Data[idx] = saved - h;
            double down = loss();
            p.Data[idx] = saved;
            double numeric = (up - down) / (2 * h);
            Assert.True(Math.Abs(numeric - analytic[idx]) <= tolerance * Math.Max(1, Math.Abs(numeric)),
                $"element {idx}: analytic {analytic[idx]:G6} vs numeric {numeric:G6}");
        }
    }
}
