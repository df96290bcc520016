using System.Numerics.Tensors;

namespace AsyncRL.Models;

/// <summary>Writes y = f(x) for an element-wise op with one float argument.</summary>
internal delegate void UnaryForward(ReadOnlySpan<float> x, Span<float> y, float arg);

/// <summary>Accumulates gx += gy · f'(x) given x, y = f(x) and gy.</summary>
internal delegate void UnaryBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> gy, Span<float> gx, float arg);

public sealed partial class Tensor
{
    /// <summary>Runs an element-wise op and records its gradient. Kernels should be static lambdas.</summary>
    internal static Tensor Unary(Tensor x, string name, float arg, UnaryForward forward, UnaryBackward backward)
    {
        var y = Empty(x._shape);
        forward(x.Data, y.Data, arg);
        if (Autograd.ShouldRecord(x))
            Autograd.Record(name, y, [x], g => backward(x.Data, y.Data, g, x.GradAccumulator(), arg));
        return y;
    }

    /// <summary>Hyperbolic tangent.</summary>
    public Tensor Tanh() => Unary(this, "Tanh", 0,
        static (x, y, _) => TanhKernel.Tanh(x, y),
        static (x, y, gy, gx, _) => TanhBackward(y, gy, gx));

    /// <summary>gx += gy·(1 − y²) in one SIMD pass (no scratch buffer: this runs on every hidden layer's backward).</summary>
    private static void TanhBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> gy, Span<float> gx)
    {
        int i = 0;
        if (System.Numerics.Vector.IsHardwareAccelerated)
        {
            int w = System.Numerics.Vector<float>.Count;
            var one = System.Numerics.Vector<float>.One;
            for (; i <= gx.Length - w; i += w)
            {
                var yi = new System.Numerics.Vector<float>(y[i..]);
                (new System.Numerics.Vector<float>(gx[i..]) + new System.Numerics.Vector<float>(gy[i..]) * (one - yi * yi)).CopyTo(gx[i..]);
            }
        }
        for (; i < gx.Length; i++) gx[i] += gy[i] * (1 - y[i] * y[i]);
    }

    /// <summary>max(x, 0).</summary>
    public Tensor Relu() => Unary(this, "Relu", 0,
        static (x, y, _) => TensorPrimitives.Max(x, 0f, y),
        static (x, y, gy, gx, _) =>
        {
            int i = 0;
            if (System.Numerics.Vector.IsHardwareAccelerated)
            {
                int w = System.Numerics.Vector<float>.Count;
                var zero = System.Numerics.Vector<float>.Zero;
                for (; i <= gx.Length - w; i += w)
                {
                    var pass = System.Numerics.Vector.GreaterThan(new System.Numerics.Vector<float>(x[i..]), zero);
                    var add = System.Numerics.Vector.ConditionalSelect(pass, new System.Numerics.Vector<float>(gy[i..]), zero);
                    (new System.Numerics.Vector<float>(gx[i..]) + add).CopyTo(gx[i..]);
                }
            }
            for (; i < gx.Length; i++) if (x[i] > 0) gx[i] += gy[i];
        });
}
