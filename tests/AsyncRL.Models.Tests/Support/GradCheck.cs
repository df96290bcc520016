using AsyncRL.Models;

namespace AsyncRL.Models.Tests.Support;

/// <summary>
/// Compares analytic gradients with central finite differences. The output is projected onto a
/// fixed random direction, so every entry of the Jacobian is exercised by one scalar.
/// </summary>
internal static class GradCheck
{
    /// <summary>Asserts that the gradients of <paramref name="f"/> w.r.t. every input match finite differences.</summary>
    /// <param name="f">Builds the output from the inputs; must be deterministic.</param>
    /// <param name="inputs">Leaf tensors; they are marked as requiring grad.</param>
    /// <param name="eps">Finite-difference step (float32 needs a coarse one).</param>
    /// <param name="tolerance">Allowed |analytic − numeric| / max(1, |numeric|).</param>
    public static void Check(Func<Tensor[], Tensor> f, Tensor[] inputs, float eps = 1e-2f, double tolerance = 2e-2, int maxEntriesPerInput = 48)
    {
        foreach (var t in inputs) t.RequiresGrad_();
        var output = f(inputs);
        var direction = Tensor.Uniform(new Generator(1234), -1f, 1f, output.Shape);
        var loss = (output * direction).Sum();
        loss.Backward();

        var rng = new Generator(99);
        for (int i = 0; i < inputs.Length; i++)
        {
            var x = inputs[i];
            Assert.True(x.Grad is not null, $"input {i} received no gradient");
            var analytic = x.Grad!.ToArray();
            int n = x.Size;
            for (int s = 0; s < Math.Min(n, maxEntriesPerInput); s++)
            {
                int j = n <= maxEntriesPerInput ? s : rng.NextInt(n);
                float saved = x.Data[j];
                x.Data[j] = saved + eps;
                double plus = Project(f, inputs, direction);
                x.Data[j] = saved - eps;
                double minus = Project(f, inputs, direction);
                x.Data[j] = saved;
                double numeric = (plus - minus) / (2 * eps);
                double err = Math.Abs(analytic[j] - numeric) / Math.Max(1.0, Math.Abs(numeric));
                Assert.True(err <= tolerance,
                    $"input {i} element {j}: analytic {analytic[j]:G6} vs numeric {numeric:G6} (relative error {err:G3})");
            }
        }
    }

    private static double Project(Func<Tensor[], Tensor> f, Tensor[] inputs, Tensor direction)
    {
        using var _ = Autograd.NoGrad();
        var y = f(inputs).Data;
        var w = direction.Data;
        double sum = 0;
        for (int k = 0; k < y.Length; k++) sum += (double)y[k] * w[k];
        return sum;
    }

    /// <summary>A seeded tensor of uniform values in [low, high).</summary>
    public static Tensor Rand(ulong seed, float low, float high, params int[] shape) => Tensor.Uniform(new Generator(seed), low, high, shape);
}
