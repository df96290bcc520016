using AsyncRL.Models.Distributions;
using AsyncRL.Models.Tests.Support;

namespace AsyncRL.Models.Tests.Distributions;

public sealed class DistributionTests
{
    [Fact]
    public void Categorical_LogProbAndEntropy_MatchHandComputation()
    {
        var d = new Categorical(Tensor.FromArray([0f, MathF.Log(3)], 1, 2)); // p = [0.25, 0.75]
        Assert.Equal(MathF.Log(0.75f), d.LogProb([1]).Item(), 5);
        Assert.Equal(-(0.25f * MathF.Log(0.25f) + 0.75f * MathF.Log(0.75f)), d.Entropy().Item(), 5);
        Assert.Equal([1], d.Mode());
    }

    [Fact]
    public void Categorical_Sample_FrequenciesMatchProbabilities()
    {
        var d = new Categorical(Tensor.FromArray([0f, MathF.Log(3)], 1, 2));
        var rng = new Generator(1);
        int ones = 0;
        for (int i = 0; i < 20000; i++) ones += d.Sample(rng)[0];
        Assert.InRange(ones / 20000.0, 0.74, 0.76);
    }

    [Fact]
    public void Categorical_Gradients_MatchFiniteDifferences()
    {
        GradCheck.Check(t => new Categorical(t[0]).LogProb([2, 0, 1]), [GradCheck.Rand(1, -2, 2, 3, 4)]);
        GradCheck.Check(t => new Categorical(t[0]).Entropy(), [GradCheck.Rand(2, -2, 2, 3, 4)]);
    }

    [Fact]
    public void DiagGaussian_LogProbAndEntropy_MatchClosedForm()
    {
        var mean = Tensor.FromArray([0.5f, -1f], 1, 2);
        var logStd = Tensor.FromArray([MathF.Log(2f), 0f]);
        var d = new DiagGaussian(mean, logStd);
        var x = Tensor.FromArray([1.5f, -1f], 1, 2);
        double expected = -0.5 * 0.25 - Math.Log(2) - 0.5 * Math.Log(2 * Math.PI) + (-0.5 * Math.Log(2 * Math.PI));
        Assert.Equal(expected, d.LogProb(x).Item(), 4);
        Assert.Equal(2 * (0.5 + 0.5 * Math.Log(2 * Math.PI)) + Math.Log(2), d.Entropy().Item(), 4);
        GradCheck.Check(t => new DiagGaussian(t[0], t[1]).LogProb(x), [GradCheck.Rand(3, -1, 1, 1, 2), GradCheck.Rand(4, -0.5f, 0.5f, 2)]);
    }

    [Fact]
    public void TanhGaussian_LogProb_MatchesChangeOfVariables()
    {
        var d = new TanhGaussian(Tensor.FromArray([0.3f], 1, 1), Tensor.FromArray([-0.5f]));
        var u = Tensor.FromArray([0.8f], 1, 1);
        double a = Math.Tanh(0.8);
        double expected = d.Base.LogProb(u).Item() - Math.Log(1 - a * a);
        Assert.Equal(expected, d.LogProbFromPreTanh(u).Item(), 4);
        var (action, _) = d.RSample(new Generator(1));
        Assert.InRange(action.Item(), -1f, 1f);
        GradCheck.Check(t => new TanhGaussian(t[0], t[1]).LogProbFromPreTanh(u), [GradCheck.Rand(5, -1, 1, 1, 1), GradCheck.Rand(6, -0.5f, 0.5f, 1)]);
    }

    [Fact]
    public void GumbelSoftmax_Hard_IsOneHotForward_WithSoftGradient()
    {
        var logits = GradCheck.Rand(7, -1, 1, 4, 5).RequiresGrad_();
        var y = GumbelSoftmax.Sample(logits, 0.5f, new Generator(3), hard: true);
        for (int r = 0; r < 4; r++)
        {
            var row = y.Data.Slice(r * 5, 5).ToArray();
            Assert.Equal(1f, row.Sum(), 5);
            Assert.Equal(4, row.Count(v => MathF.Abs(v) < 1e-6f));
        }
        (y * Tensor.Uniform(new Generator(8), -1, 1, 4, 5)).Sum().Backward();
        Assert.Contains(logits.Grad!.ToArray(), g => MathF.Abs(g) > 1e-4f);
    }

    [Fact]
    public void GumbelSoftmax_SoftSamples_FollowTheCategoricalAtLowTemperature()
    {
        var logits = Tensor.FromArray([0f, MathF.Log(3)], 1, 2);
        var rng = new Generator(11);
        int ones = 0;
        for (int i = 0; i < 10000; i++) ones += GumbelSoftmax.Sample(logits, 0.1f, rng).ArgMax(-1)[0];
        Assert.InRange(ones / 10000.0, 0.735, 0.765);
    }
}
