using System.Numerics.Tensors;

namespace AsyncRL.Models;

public sealed partial class Tensor
{
    /// <summary>eˣ element-wise.</summary>
    public Tensor Exp() => Unary(this, "Exp", 0,
        static (x, y, _) => TensorPrimitives.Exp(x, y),
        static (x, y, gy, gx, _) => TensorPrimitives.MultiplyAdd(gy, y, gx, gx));

    /// <summary>Natural logarithm element-wise.</summary>
    public Tensor Log() => Unary(this, "Log", 0,
        static (x, y, _) => TensorPrimitives.Log(x, y),
        static (x, y, gy, gx, _) =>
        {
            for (int i = 0; i < gx.Length; i++) gx[i] += gy[i] / x[i];
        });

    /// <summary>xᵖ element-wise for a constant exponent.</summary>
    public Tensor Pow(float exponent) => Unary(this, "Pow", exponent,
        static (x, y, p) => TensorPrimitives.Pow(x, p, y),
        static (x, y, gy, gx, p) =>
        {
            if (p == 0f) return; // d(x⁰)/dx = 0 everywhere, also at x = 0 where p·x^(p−1) is 0·∞
            for (int i = 0; i < gx.Length; i++) gx[i] += gy[i] * p * MathF.Pow(x[i], p - 1f);
        });

    /// <summary>x² element-wise.</summary>
    public Tensor Square() => Unary(this, "Square", 0,
        static (x, y, _) => TensorPrimitives.Multiply(x, x, y),
        static (x, y, gy, gx, _) =>
        {
            for (int i = 0; i < gx.Length; i++) gx[i] += 2f * x[i] * gy[i];
        });

    /// <summary>√x element-wise.</summary>
    public Tensor Sqrt() => Unary(this, "Sqrt", 0,
        static (x, y, _) => TensorPrimitives.Sqrt(x, y),
        static (x, y, gy, gx, _) =>
        {
            for (int i = 0; i < gx.Length; i++) gx[i] += 0.5f * gy[i] / y[i];
        });

    /// <summary>|x| element-wise; its gradient at 0 is taken as 0 (as PyTorch).</summary>
    public Tensor Abs() => Unary(this, "Abs", 0,
        static (x, y, _) => TensorPrimitives.Abs(x, y),
        static (x, y, gy, gx, _) =>
        {
            for (int i = 0; i < gx.Length; i++) gx[i] += x[i] > 0 ? gy[i] : x[i] < 0 ? -gy[i] : 0f;
        });

    /// <summary>−x element-wise.</summary>
    public Tensor Neg() => Unary(this, "Neg", 0,
        static (x, y, _) => TensorPrimitives.Negate(x, y),
        static (x, y, gy, gx, _) => TensorPrimitives.Subtract(gx, gy, gx));

    /// <summary>Limits every element to [<paramref name="min"/>, <paramref name="max"/>]; gradient flows where min ≤ x ≤ max.</summary>
    public Tensor Clamp(float min = float.NegativeInfinity, float max = float.PositiveInfinity)
    {
        if (!(min <= max))
            throw new ArgumentException($"Clamp: min {min} must not exceed max {max}.");
        var x = this;
        var y = Empty(_shape);
        TensorPrimitives.Clamp(x.Data, min, max, y.Data);
        if (Autograd.ShouldRecord(x))
        {
            Autograd.Record("Clamp", y, [x], g =>
            {
                var xd = x.Data;
                var gx = x.GradAccumulator();
                for (int i = 0; i < gx.Length; i++)
                    if (xd[i] >= min && xd[i] <= max) gx[i] += g[i];
            });
        }
        return y;
    }
}
