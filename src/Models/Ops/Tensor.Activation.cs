using System.Numerics.Tensors;

namespace AsyncRL.Models;

public sealed partial class Tensor
{
    private const float GeluK = 0.7978845608028654f; // √(2/π)
    private const float GeluC = 0.044715f;

    /// <summary>GELU, tanh approximation (as GPT-2 and PyTorch's <c>approximate='tanh'</c>): ½x(1 + tanh(√(2/π)(x + 0.044715x³))).</summary>
    public Tensor Gelu() => Unary(this, "Gelu", 0,
        static (x, y, _) =>
        {
            GeluInner(x, y);
            TensorPrimitives.Tanh(y, y);
            for (int i = 0; i < y.Length; i++) y[i] = 0.5f * x[i] * (1f + y[i]);
        },
        static (x, y, gy, gx, _) =>
        {
            using var buffer = new PooledBuffer(x.Length);
            var t = buffer.Span;
            GeluInner(x, t);
            TensorPrimitives.Tanh(t, t);
            // d/dx ½x(1 + t) = ½(1 + t) + ½x(1 − t²)·k(1 + 3c·x²)
            for (int i = 0; i < gx.Length; i++)
            {
                float xi = x[i], ti = t[i];
                float du = GeluK * (1f + 3f * GeluC * xi * xi);
                gx[i] += gy[i] * (0.5f * (1f + ti) + 0.5f * xi * (1f - ti * ti) * du);
            }
        });

    // u = k(x + c·x³), the argument of the tanh.
    private static void GeluInner(ReadOnlySpan<float> x, Span<float> u)
    {
        for (int i = 0; i < x.Length; i++)
        {
            float xi = x[i];
            u[i] = GeluK * (xi + GeluC * xi * xi * xi);
        }
    }

    /// <summary>Logistic sigmoid σ(x) = 1 / (1 + e^−x).</summary>
    public Tensor Sigmoid() => Unary(this, "Sigmoid", 0,
        static (x, y, _) => TensorPrimitives.Sigmoid(x, y),
        static (x, y, gy, gx, _) =>
        {
            for (int i = 0; i < gx.Length; i++) gx[i] += gy[i] * y[i] * (1f - y[i]);
        });

    /// <summary>softplus(x) = log(1 + eˣ), computed without overflow for any x.</summary>
    public Tensor Softplus() => Unary(this, "Softplus", 0,
        static (x, y, _) =>
        {
            for (int i = 0; i < y.Length; i++) y[i] = ScalarMath.Softplus(x[i]);
        },
        static (x, y, gy, gx, _) =>
        {
            for (int i = 0; i < gx.Length; i++) gx[i] += gy[i] * ScalarMath.Sigmoid(x[i]);
        });

    /// <summary>log σ(x) = −softplus(−x), stable for logits of any size (DPO's and Bradley–Terry's loss term).</summary>
    public Tensor LogSigmoid() => Unary(this, "LogSigmoid", 0,
        static (x, y, _) =>
        {
            for (int i = 0; i < y.Length; i++) y[i] = -ScalarMath.Softplus(-x[i]);
        },
        static (x, y, gy, gx, _) =>
        {
            // d/dx log σ(x) = 1 − σ(x) = σ(−x)
            for (int i = 0; i < gx.Length; i++) gx[i] += gy[i] * ScalarMath.Sigmoid(-x[i]);
        });
}
