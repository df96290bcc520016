using System.Numerics.Tensors;

namespace AsyncRL.Models;

public sealed partial class Tensor
{
    private enum BinaryKind { Add, Sub, Mul, Div }

    /// <summary>Element-wise sum with broadcasting.</summary>
    public Tensor Add(Tensor other) => Binary(this, other, BinaryKind.Add, "Add");

    /// <summary>Element-wise difference with broadcasting.</summary>
    public Tensor Sub(Tensor other) => Binary(this, other, BinaryKind.Sub, "Sub");

    /// <summary>Element-wise product with broadcasting.</summary>
    public Tensor Mul(Tensor other) => Binary(this, other, BinaryKind.Mul, "Mul");

    /// <summary>Element-wise quotient with broadcasting.</summary>
    public Tensor Div(Tensor other) => Binary(this, other, BinaryKind.Div, "Div");

    /// <summary>Adds a constant.</summary>
    public Tensor Add(float value) => Unary(this, "AddScalar", value,
        static (x, y, s) => TensorPrimitives.Add(x, s, y),
        static (x, y, gy, gx, s) => TensorPrimitives.Add(gx, gy, gx));

    /// <summary>Multiplies by a constant.</summary>
    public Tensor Mul(float value) => Unary(this, "MulScalar", value,
        static (x, y, s) => TensorPrimitives.Multiply(x, s, y),
        static (x, y, gy, gx, s) => TensorPrimitives.MultiplyAdd(gy, s, gx, gx));

#pragma warning disable CA2225 // named alternatives exist: Add, Sub, Mul, Div
    public static Tensor operator +(Tensor a, Tensor b) => a.Add(b);
    public static Tensor operator -(Tensor a, Tensor b) => a.Sub(b);
    public static Tensor operator *(Tensor a, Tensor b) => a.Mul(b);
    public static Tensor operator /(Tensor a, Tensor b) => a.Div(b);
    public static Tensor operator +(Tensor a, float b) => a.Add(b);
    public static Tensor operator +(float a, Tensor b) => b.Add(a);
    public static Tensor operator -(Tensor a, float b) => a.Add(-b);
    public static Tensor operator -(float a, Tensor b) => b.Mul(-1f).Add(a);
    public static Tensor operator *(Tensor a, float b) => a.Mul(b);
    public static Tensor operator *(float a, Tensor b) => b.Mul(a);
    public static Tensor operator /(Tensor a, float b) => a.Mul(1f / b);
    public static Tensor operator -(Tensor a) => a.Mul(-1f);
#pragma warning restore CA2225

    private static Tensor Binary(Tensor a, Tensor b, BinaryKind kind, string name)
    {
        bool same = a.Shape.SequenceEqual(b.Shape);
        var outShape = same ? a._shape : Broadcasting.ResultShape(a.Shape, b.Shape, name);
        var result = Empty(outShape);
        using (var xa = Materialize(a, outShape, same))
        using (var yb = Materialize(b, outShape, same))
        {
            var x = same ? a.Data : xa.Span;
            var y = same ? b.Data : yb.Span;
            var z = result.Data;
            switch (kind)
            {
                case BinaryKind.Add: TensorPrimitives.Add(x, y, z); break;
                case BinaryKind.Sub: TensorPrimitives.Subtract(x, y, z); break;
                case BinaryKind.Mul: TensorPrimitives.Multiply(x, y, z); break;
                default: TensorPrimitives.Divide(x, y, z); break;
            }
        }
        if (Autograd.ShouldRecord(a, b))
            Autograd.Record(name, result, [a, b], g => BinaryBackward(a, b, result, kind, g));
        return result;
    }

    private static PooledBuffer Materialize(Tensor t, ReadOnlySpan<int> outShape, bool same)
    {
        if (same) return new PooledBuffer(0);
        var buffer = new PooledBuffer(ElementCount(outShape));
        Broadcasting.Expand(t.Data, t.Shape, buffer.Span, outShape);
        return buffer;
    }

    private static void BinaryBackward(Tensor a, Tensor b, Tensor result, BinaryKind kind, ReadOnlySpan<float> g)
    {
        var outShape = result.Shape;
        using var tmp = new PooledBuffer(g.Length);
        var t = tmp.Span;
        if (a.RequiresGrad)
        {
            ReadOnlySpan<float> ga = g;
            if (kind is BinaryKind.Mul or BinaryKind.Div)
            {
                Broadcasting.Expand(b.Data, b.Shape, t, outShape);
                if (kind == BinaryKind.Mul) TensorPrimitives.Multiply(g, t, t);
                else TensorPrimitives.Divide(g, t, t);
                ga = t;
            }
            Broadcasting.ReduceAdd(ga, outShape, a.GradAccumulator(), a.Shape);
        }
        if (b.RequiresGrad)
        {
            switch (kind)
            {
                case BinaryKind.Add: break;
                case BinaryKind.Sub: TensorPrimitives.Negate(g, t); break;
                case BinaryKind.Mul:
                    Broadcasting.Expand(a.Data, a.Shape, t, outShape);
                    TensorPrimitives.Multiply(g, t, t);
                    break;
                default: // d(a/b)/db = -(a/b)/b
                    Broadcasting.Expand(b.Data, b.Shape, t, outShape);
                    TensorPrimitives.Divide(result.Data, t, t);
                    TensorPrimitives.Multiply(t, g, t);
                    TensorPrimitives.Negate(t, t);
                    break;
            }
            Broadcasting.ReduceAdd(kind == BinaryKind.Add ? g : t, outShape, b.GradAccumulator(), b.Shape);
        }
    }
}
