using System.Numerics.Tensors;

namespace AsyncRL.Models;

public sealed partial class Tensor
{
    private enum SoftmaxKind { Softmax, LogSoftmax, LogSumExp }

    /// <summary>exp(xᵢ) / Σⱼ exp(xⱼ) along <paramref name="dim"/>, shifted by the maximum so large logits do not overflow.</summary>
    public Tensor Softmax(int dim = -1) => SoftmaxFamily(dim, keepDim: true, SoftmaxKind.Softmax, "Softmax");

    /// <summary>xᵢ − log Σⱼ exp(xⱼ) along <paramref name="dim"/>, computed stably (never log of an underflowed softmax).</summary>
    public Tensor LogSoftmax(int dim = -1) => SoftmaxFamily(dim, keepDim: true, SoftmaxKind.LogSoftmax, "LogSoftmax");

    /// <summary>log Σ exp(x) along <paramref name="dim"/>, computed stably; its gradient is the softmax.</summary>
    public Tensor LogSumExp(int dim, bool keepDim = false) => SoftmaxFamily(dim, keepDim, SoftmaxKind.LogSumExp, "LogSumExp");

    private Tensor SoftmaxFamily(int dim, bool keepDim, SoftmaxKind kind, string name)
    {
        int d = NormalizeDim(dim, Rank, name);
        var x = this;
        var axis = Axis.Of(_shape, d);
        var y = Empty(kind == SoftmaxKind.LogSumExp ? Axis.ReducedShape(_shape, d, keepDim) : _shape);
        SoftmaxForward(x.Data, axis, kind, y.Data);
        if (Autograd.ShouldRecord(x))
            Autograd.Record(name, y, [x], g => SoftmaxBackward(x.Data, y.Data, g, axis, kind, x.GradAccumulator()));
        return y;
    }

    // The shift m of a lane: its maximum, or 0 when that is ±∞, so exp(x − m) is never exp(∞ − ∞) = NaN (as PyTorch's logsumexp).
    private static float Shift(float max) => float.IsInfinity(max) ? 0f : max;

    private static void SoftmaxForward(ReadOnlySpan<float> x, Axis axis, SoftmaxKind kind, Span<float> y)
    {
        int n = axis.Size, inner = axis.Inner, slab = axis.SlabLength;
        using var scratch = new PooledBuffer(slab + 2 * inner);
        var e = scratch.Span[..slab];
        var m = scratch.Span.Slice(slab, inner);
        var s = scratch.Span.Slice(slab + inner, inner);
        for (int o = 0; o < axis.Outer; o++)
        {
            var xs = x.Slice(o * slab, slab);
            var ys = kind == SoftmaxKind.LogSumExp ? y.Slice(o * inner, inner) : y.Slice(o * slab, slab);
            if (n == 0)
            {
                if (kind == SoftmaxKind.LogSumExp) ys.Fill(float.NegativeInfinity);
                continue;
            }
            if (inner == 1)
            {
                float mo = Shift(TensorPrimitives.Max(xs));
                var ex = kind == SoftmaxKind.Softmax ? ys : e;
                TensorPrimitives.Subtract(xs, mo, ex);
                TensorPrimitives.Exp(ex, ex);
                float so = TensorPrimitives.Sum(ex);
                switch (kind)
                {
                    case SoftmaxKind.Softmax: TensorPrimitives.Multiply(ys, 1f / so, ys); break;
                    case SoftmaxKind.LogSoftmax: TensorPrimitives.Subtract(xs, mo + MathF.Log(so), ys); break;
                    default: ys[0] = mo + MathF.Log(so); break;
                }
                continue;
            }
            // Lanes: the dimension is strided, so work on whole [Inner] lines at once, one position at a time.
            xs[..inner].CopyTo(m);
            for (int i = 1; i < n; i++) TensorPrimitives.Max(m, xs.Slice(i * inner, inner), m);
            for (int j = 0; j < inner; j++) m[j] = Shift(m[j]);
            var es = kind == SoftmaxKind.Softmax ? ys : e;
            s.Clear();
            for (int i = 0; i < n; i++)
            {
                var ei = es.Slice(i * inner, inner);
                TensorPrimitives.Subtract(xs.Slice(i * inner, inner), m, ei);
                TensorPrimitives.Exp(ei, ei);
                TensorPrimitives.Add(s, ei, s);
            }
            if (kind == SoftmaxKind.Softmax)
            {
                for (int i = 0; i < n; i++) TensorPrimitives.Divide(ys.Slice(i * inner, inner), s, ys.Slice(i * inner, inner));
                continue;
            }
            TensorPrimitives.Log(s, s);
            TensorPrimitives.Add(s, m, s); // s = log Σ exp(x)
            if (kind == SoftmaxKind.LogSumExp) s.CopyTo(ys);
            else for (int i = 0; i < n; i++) TensorPrimitives.Subtract(xs.Slice(i * inner, inner), s, ys.Slice(i * inner, inner));
        }
    }

    // Softmax: gx += y ⊙ (g − Σ g⊙y). LogSoftmax: gx += g − exp(y)·Σ g. LogSumExp: gx += g·exp(x − y).
    private static void SoftmaxBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> g, Axis axis, SoftmaxKind kind, Span<float> gx)
    {
        int n = axis.Size, inner = axis.Inner, slab = axis.SlabLength;
        int line = Math.Max(n, inner); // t holds one row (inner = 1) or one lane (inner > 1)
        using var scratch = new PooledBuffer(line + inner);
        var t = scratch.Span[..line];
        var lane = scratch.Span.Slice(line, inner);
        bool reduced = kind == SoftmaxKind.LogSumExp;
        for (int o = 0; o < axis.Outer; o++)
        {
            var gxs = gx.Slice(o * slab, slab);
            var xs = x.Slice(o * slab, slab);
            var ys = reduced ? y.Slice(o * inner, inner) : y.Slice(o * slab, slab);
            var gs = reduced ? g.Slice(o * inner, inner) : g.Slice(o * slab, slab);
            if (inner == 1)
            {
                var tn = t[..n];
                switch (kind)
                {
                    case SoftmaxKind.Softmax:
                        TensorPrimitives.Subtract(gs, TensorPrimitives.Dot(gs, ys), tn);
                        TensorPrimitives.MultiplyAdd(ys, tn, gxs, gxs);
                        break;
                    case SoftmaxKind.LogSoftmax:
                        float sum = TensorPrimitives.Sum(gs);
                        TensorPrimitives.Exp(ys, tn);
                        TensorPrimitives.Add(gxs, gs, gxs);
                        TensorPrimitives.MultiplyAdd(tn, -sum, gxs, gxs);
                        break;
                    default:
                        TensorPrimitives.Subtract(xs, ys[0], tn);
                        TensorPrimitives.Exp(tn, tn);
                        TensorPrimitives.MultiplyAdd(tn, gs[0], gxs, gxs);
                        break;
                }
                continue;
            }
            var ti = t[..inner];
            if (kind != SoftmaxKind.LogSumExp)
            {
                // lane = Σᵢ g⊙y (softmax) or Σᵢ g (log-softmax), per position of the inner dimensions
                lane.Clear();
                for (int i = 0; i < n; i++)
                {
                    var gi = gs.Slice(i * inner, inner);
                    if (kind == SoftmaxKind.Softmax) TensorPrimitives.MultiplyAdd(gi, ys.Slice(i * inner, inner), lane, lane);
                    else TensorPrimitives.Add(lane, gi, lane);
                }
            }
            for (int i = 0; i < n; i++)
            {
                var gxi = gxs.Slice(i * inner, inner);
                switch (kind)
                {
                    case SoftmaxKind.Softmax:
                        TensorPrimitives.Subtract(gs.Slice(i * inner, inner), lane, ti);
                        TensorPrimitives.MultiplyAdd(ys.Slice(i * inner, inner), ti, gxi, gxi);
                        break;
                    case SoftmaxKind.LogSoftmax:
                        TensorPrimitives.Exp(ys.Slice(i * inner, inner), ti);
                        TensorPrimitives.Multiply(ti, lane, ti);
                        TensorPrimitives.Subtract(gs.Slice(i * inner, inner), ti, ti);
                        TensorPrimitives.Add(gxi, ti, gxi);
                        break;
                    default:
                        TensorPrimitives.Subtract(xs.Slice(i * inner, inner), ys, ti);
                        TensorPrimitives.Exp(ti, ti);
                        TensorPrimitives.MultiplyAdd(ti, gs, gxi, gxi);
                        break;
                }
            }
        }
    }
}
