using System.Numerics.Tensors;

namespace AsyncRL.Models;

public static partial class Losses
{
    /// <summary>Squared error (x − t)², reduced; gradients flow to both input and target.</summary>
    public static Tensor MseLoss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean) =>
        DifferenceLoss("MseLoss", input, target, reduction, 0f,
            static (d, l, _) => TensorPrimitives.Multiply(d, d, l),
            static (d, s, _) => TensorPrimitives.Multiply(d, 2f, s));

    /// <summary>Huber loss of d = x − t: ½d² where |d| ≤ δ, else δ(|d| − ½δ), so large TD errors get a gradient bounded by ±δ.</summary>
    public static Tensor HuberLoss(Tensor input, Tensor target, float delta = 1f, Reduction reduction = Reduction.Mean)
    {
        if (!(delta > 0f) || float.IsInfinity(delta))
            throw new ArgumentOutOfRangeException(nameof(delta), $"HuberLoss: delta must be positive and finite, got {delta}.");
        return DifferenceLoss("HuberLoss", input, target, reduction, delta,
            static (d, l, delta) =>
            {
                for (int i = 0; i < d.Length; i++)
                {
                    float a = MathF.Abs(d[i]);
                    l[i] = a <= delta ? 0.5f * d[i] * d[i] : delta * (a - 0.5f * delta);
                }
            },
            static (d, s, delta) => TensorPrimitives.Clamp(d, -delta, delta, s));
    }

    /// <summary>Maps the differences d = x − t to per-element losses, or to their slopes ∂l/∂d.</summary>
    private delegate void DifferenceKernel(ReadOnlySpan<float> d, Span<float> result, float arg);

    // A loss l(x − t): ∂l/∂x = l'(d) and ∂l/∂t = −l'(d).
    private static Tensor DifferenceLoss(string name, Tensor input, Tensor target, Reduction reduction, float arg, DifferenceKernel loss, DifferenceKernel slope)
    {
        CheckSameShape(input, target, name);
        CheckReduction(reduction, name);
        int n = input.Size;
        float meanScale = 1f / n; // 0/0 = NaN for an empty mean, as PyTorch
        Tensor result;
        using (var buffer = new PooledBuffer(n))
        {
            var l = buffer.Span;
            TensorPrimitives.Subtract(input.Data, target.Data, l);
            loss(l, l, arg);
            result = Reduce(l, input.Shape, reduction, meanScale);
        }
        if (Autograd.ShouldRecord(input, target))
        {
            Autograd.Record(name, result, [input, target], g =>
            {
                using var buffer = new PooledBuffer(n);
                var s = buffer.Span;
                TensorPrimitives.Subtract(input.Data, target.Data, s);
                slope(s, s, arg);
                var up = new Upstream(g, reduction, meanScale);
                if (input.RequiresGrad)
                {
                    var gx = input.GradAccumulator();
                    for (int i = 0; i < n; i++) gx[i] += up[i] * s[i];
                }
                if (target.RequiresGrad)
                {
                    var gt = target.GradAccumulator();
                    for (int i = 0; i < n; i++) gt[i] -= up[i] * s[i];
                }
            });
        }
        return result;
    }
}
