using static AsyncRL.Models.Tests.Support.GradCheck;

namespace AsyncRL.Models.Tests.Ops;

public sealed class ElementwiseOpTests
{
    [Fact]
    public void SmoothOps_MatchFiniteDifferences()
    {
        Check(t => t[0].Exp(), [Rand(1, -2, 2, 3, 4)]);
        Check(t => t[0].Log(), [Rand(2, 0.5f, 3, 3, 4)]);
        Check(t => t[0].Square(), [Rand(3, -2, 2, 2, 3, 2)]);
        Check(t => t[0].Sqrt(), [Rand(4, 0.5f, 3, 7)]);
        Check(t => t[0].Neg(), [Rand(5, -1, 1, 2, 2)]);
        Check(t => t[0].Gelu(), [Rand(6, -4, 4, 4, 6)]);
        Check(t => t[0].Sigmoid(), [Rand(7, -5, 5, 4, 6)]);
        Check(t => t[0].Softplus(), [Rand(8, -5, 5, 4, 6)]);
        Check(t => t[0].LogSigmoid(), [Rand(9, -5, 5, 4, 6)]);
    }

    [Theory]
    [InlineData(2f, -2f, 2f)]
    [InlineData(3f, -2f, 2f)]
    [InlineData(0.5f, 0.5f, 3f)]
    [InlineData(-1.5f, 0.5f, 3f)]
    [InlineData(1f, -1f, 1f)]
    public void Pow_MatchesFiniteDifferences(float exponent, float low, float high)
    {
        Check(t => t[0].Pow(exponent), [Rand(11, low, high, 3, 5)]);
    }

    [Fact]
    public void KinkedOps_AwayFromKinks_MatchFiniteDifferences()
    {
        Check(t => t[0].Abs(), [Rand(1, -2, 2, 5, 5)], eps: 1e-3f);
        Check(t => t[0].Clamp(-1f, 1f), [Rand(2, -2, 2, 5, 5)], eps: 1e-3f);
        Check(t => t[0].Clamp(min: 0f), [Rand(3, -2, 2, 5, 5)], eps: 1e-3f);
    }

    [Fact]
    public void Pow_ZeroExponent_HasZeroGradientEvenAtZero()
    {
        var x = Tensor.FromArray([0f, 2f, -3f]).RequiresGrad_();
        var y = x.Pow(0f);
        y.Sum().Backward();
        Assert.Equal([1f, 1f, 1f], y.ToArray());
        Assert.Equal([0f, 0f, 0f], x.Grad!.ToArray());
    }

    [Fact]
    public void Pow_NegativeBaseIntegerExponent_KeepsSign()
    {
        Assert.Equal([-8f, 8f], Tensor.FromArray([-2f, 2f]).Pow(3f).ToArray());
        Assert.Equal([4f, 0.25f], Tensor.FromArray([-2f, 0.5f]).Pow(2f).ToArray());
    }

    [Fact]
    public void Gelu_MatchesTanhApproximationValues()
    {
        // PyTorch: F.gelu(torch.tensor([-3., -1., 0., 0.5, 1., 3.]), approximate='tanh')
        float[] expected = [-0.0036373f, -0.1588080f, 0f, 0.3457140f, 0.8411920f, 2.9963627f];
        var y = Tensor.FromArray([-3f, -1f, 0f, 0.5f, 1f, 3f]).Gelu().ToArray();
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], y[i], 5);
    }

    [Fact]
    public void SoftplusAndLogSigmoid_ExtremeLogits_StayFiniteAndAccurate()
    {
        var x = Tensor.FromArray([-200f, -30f, 0f, 30f, 200f]);
        var softplus = x.Softplus().ToArray();
        Assert.Equal(0f, softplus[0]);
        Assert.Equal(MathF.Exp(-30f), softplus[1], 1e-18f);
        Assert.Equal(MathF.Log(2f), softplus[2], 6);
        Assert.Equal(30f, softplus[3], 5);
        Assert.Equal(200f, softplus[4]);

        var logSigmoid = x.LogSigmoid().ToArray();
        Assert.Equal(-200f, logSigmoid[0]);
        Assert.Equal(-30f, logSigmoid[1], 5);
        Assert.Equal(-MathF.Log(2f), logSigmoid[2], 6);
        Assert.Equal(-MathF.Exp(-30f), logSigmoid[3], 1e-18f); // not rounded to 0: log1p keeps tiny values
        Assert.True(logSigmoid[4] <= 0f && logSigmoid[4] > -1e-30f);
    }

    [Fact]
    public void SoftplusAndLogSigmoid_ExtremeLogits_HaveFiniteGradients()
    {
        var x = Tensor.FromArray([-200f, 0f, 200f]).RequiresGrad_();
        (x.Softplus() + x.LogSigmoid()).Sum().Backward();
        // softplus' = σ(x), logσ' = σ(−x): they sum to 1 everywhere
        Assert.Equal([1f, 1f, 1f], x.Grad!.ToArray());
    }

    [Fact]
    public void Sigmoid_ExtremeLogits_SaturateWithoutNaN()
    {
        var y = Tensor.FromArray([-1000f, 0f, 1000f]).Sigmoid().ToArray();
        Assert.Equal([0f, 0.5f, 1f], y);
    }

    [Fact]
    public void Clamp_Values_AndGradientAtBounds()
    {
        var x = Tensor.FromArray([-2f, -1f, 0f, 1f, 2f]).RequiresGrad_();
        var y = x.Clamp(-1f, 1f);
        y.Sum().Backward();
        Assert.Equal([-1f, -1f, 0f, 1f, 1f], y.ToArray());
        Assert.Equal([0f, 1f, 1f, 1f, 0f], x.Grad!.ToArray()); // bounds are inside, as torch.clamp
    }

    [Fact]
    public void Clamp_MinAboveMax_Throws()
    {
        var ex = Assert.Throws<ArgumentException>(() => Tensor.Zeros(2).Clamp(1f, -1f));
        Assert.Contains("Clamp", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Abs_GradientAtZero_IsZero()
    {
        var x = Tensor.FromArray([-2f, 0f, 3f]).RequiresGrad_();
        x.Abs().Sum().Backward();
        Assert.Equal([-1f, 0f, 1f], x.Grad!.ToArray());
    }

    [Fact]
    public void ElementwiseOps_ForwardValues()
    {
        var x = Tensor.FromArray([1f, 4f]);
        Assert.Equal([MathF.E, MathF.Exp(4f)], x.Exp().ToArray());
        Assert.Equal([0f, MathF.Log(4f)], x.Log().ToArray());
        Assert.Equal([1f, 2f], x.Sqrt().ToArray());
        Assert.Equal([1f, 16f], x.Square().ToArray());
        Assert.Equal([-1f, -4f], x.Neg().ToArray());
        Assert.Equal([1f, 8f], x.Pow(1.5f).ToArray());
    }
}
