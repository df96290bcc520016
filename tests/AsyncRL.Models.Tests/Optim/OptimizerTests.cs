using AsyncRL.Models.Nn;
using AsyncRL.Models.Optim;

namespace AsyncRL.Models.Tests.Optim;

public sealed class OptimizerTests
{
    // Straight transcription of the Adam update in double, as a second opinion on the SIMD kernel.
    private static double[] ReferenceAdam(double[] theta, Func<double[], double[]> grad, int steps, double lr, double b1, double b2, double eps, double wd, bool decoupled)
    {
        var m = new double[theta.Length];
        var v = new double[theta.Length];
        theta = (double[])theta.Clone();
        for (int t = 1; t <= steps; t++)
        {
            var g = grad(theta);
            for (int i = 0; i < theta.Length; i++)
            {
                if (decoupled) theta[i] *= 1 - lr * wd; else g[i] += wd * theta[i];
                m[i] = b1 * m[i] + (1 - b1) * g[i];
                v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
                double mhat = m[i] / (1 - Math.Pow(b1, t)), vhat = v[i] / (1 - Math.Pow(b2, t));
                theta[i] -= lr * mhat / (Math.Sqrt(vhat) + eps);
            }
        }
        return theta;
    }

    [Theory]
    [InlineData(0f, false)]
    [InlineData(0.1f, false)]
    [InlineData(0.1f, true)]
    public void Adam_TenSteps_MatchesReference(float wd, bool decoupled)
    {
        // f(θ) = Σ cᵢ θᵢ²  →  g = 2cθ; 37 elements exercise both the SIMD body and the tail.
        var c = Enumerable.Range(0, 37).Select(i => 0.5 + i * 0.1).ToArray();
        var init = Enumerable.Range(0, 37).Select(i => Math.Sin(i + 1.0)).ToArray();
        var p = Tensor.FromArray(init.Select(x => (float)x).ToArray()).RequiresGrad_();
        var opt = new Adam([p], learningRate: 0.05f, weightDecay: wd, decoupledWeightDecay: decoupled);
        var cT = Tensor.FromArray(c.Select(x => (float)x).ToArray());
        for (int s = 0; s < 10; s++)
        {
            opt.ZeroGrad();
            (p * p * cT).Sum().Backward();
            opt.Step();
        }
        var expected = ReferenceAdam(init, th => th.Select((x, i) => 2 * c[i] * x).ToArray(), 10, 0.05, 0.9, 0.999, 1e-8, wd, decoupled);
        for (int i = 0; i < 37; i++) Assert.Equal(expected[i], p.Data[i], 4);
    }

    [Fact]
    public void Sgd_Momentum_MatchesHandComputation()
    {
        var p = Tensor.FromArray([1f]).RequiresGrad_();
        var opt = new Sgd([p], learningRate: 0.1f, momentum: 0.9f);
        // g = 2θ. Step 1: b = 2, θ = 1 − 0.2 = 0.8. Step 2: g = 1.6, b = 1.8 + 1.6 = 3.4, θ = 0.8 − 0.34 = 0.46.
        for (int s = 0; s < 2; s++)
        {
            opt.ZeroGrad();
            (p * p).Sum().Backward();
            opt.Step();
        }
        Assert.Equal(0.46f, p.Item(), 5);
    }

    [Fact]
    public void ClipGradNorm_ScalesToMaxNorm_AndReturnsOriginalNorm()
    {
        var a = Tensor.FromArray([3f]).RequiresGrad_();
        var b = Tensor.FromArray([4f]).RequiresGrad_();
        (a * a * 0.5f + b * b * 0.5f).Sum().Backward(); // grads 3, 4 → norm 5
        float norm = GradClip.ClipGradNorm([a, b], 1f);
        Assert.Equal(5f, norm, 5);
        Assert.Equal(0.6f, a.Grad!.Item(), 4);
        Assert.Equal(0.8f, b.Grad!.Item(), 4);
    }

    [Fact]
    public void LinearAnnealing_FallsToZeroAtTheEnd()
    {
        var schedule = new LinearAnnealing(2.5e-4f, 100);
        Assert.Equal(2.5e-4f, schedule.At(0));
        Assert.Equal(1.25e-4f, schedule.At(50), 8);
        Assert.Equal(0f, schedule.At(100));
    }

    [Fact]
    public void Adam_StateDict_RoundTripResumesIdentically()
    {
        Tensor Run(Adam opt, Tensor p, int steps)
        {
            for (int s = 0; s < steps; s++) { opt.ZeroGrad(); (p * p * p).Sum().Backward(); opt.Step(); }
            return p;
        }
        var p1 = Tensor.FromArray([0.5f, -0.3f]).RequiresGrad_();
        var o1 = new Adam([p1], 0.01f);
        Run(o1, p1, 3);
        var p2 = p1.Clone().RequiresGrad_();
        var o2 = new Adam([p2], 0.01f);
        o2.LoadStateDict(o1.StateDict());
        Run(o1, p1, 4);
        Run(o2, p2, 4);
        Assert.Equal(p1.ToArray(), p2.ToArray());
        Assert.Equal(7, o2.StepCount);
    }

    [Fact]
    public void Mlp_FitsNonLinearRegression()
    {
        var rng = new Generator(11);
        var x = Tensor.Uniform(rng, -2, 2, 256, 2);
        var y = Tensor.Zeros(256, 1);
        for (int i = 0; i < 256; i++) y.Data[i] = MathF.Sin(x.Data[2 * i]) * x.Data[2 * i + 1];
        var mlp = Mlp.Create([2, 64, 64, 1], ActivationKind.Tanh, rng);
        var opt = new Adam(mlp.Parameters(), 3e-3f);
        float loss = float.NaN;
        for (int step = 0; step < 1500; step++)
        {
            using var scope = DisposeScope.Begin();
            var diff = mlp.Forward(x) - y;
            var l = (diff * diff).Mean();
            opt.ZeroGrad();
            l.Backward();
            opt.Step();
            loss = l.Item();
        }
        // Variance of the target is about 0.6; a fit below 1% of that means it learned the shape.
        Assert.True(loss < 5e-3, $"final MSE {loss}");
    }
}
