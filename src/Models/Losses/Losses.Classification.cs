using System.Numerics.Tensors;

namespace AsyncRL.Models;

public static partial class Losses
{
    /// <summary>Cross-entropy from logits [.., C] (classes last) and one target class per row, skipping rows whose target is <paramref name="ignoreIndex"/>.</summary>
    /// <remarks>
    /// The mean is over the rows not ignored; when every row is ignored the loss is 0 with zero
    /// gradient (PyTorch gives NaN, which would poison an optimizer). <see cref="Reduction.None"/>
    /// returns one loss per row (0 for ignored rows), shaped like the logits without the class dimension.
    /// </remarks>
    public static Tensor CrossEntropy(Tensor logits, ReadOnlySpan<int> targets, int ignoreIndex = -100, Reduction reduction = Reduction.Mean)
    {
        ArgumentNullException.ThrowIfNull(logits);
        CheckReduction(reduction, "CrossEntropy");
        if (logits.Rank == 0 || logits.Dim(-1) == 0)
            throw new ArgumentException($"CrossEntropy: logits {Tensor.ShapeString(logits.Shape)} need a non-empty class dimension last.", nameof(logits));
        int classes = logits.Dim(-1), rows = logits.Size / classes;
        if (targets.Length != rows)
            throw new ArgumentException($"CrossEntropy: {targets.Length} targets for logits {Tensor.ShapeString(logits.Shape)}, which have {rows} rows.", nameof(targets));
        int counted = 0;
        for (int r = 0; r < rows; r++)
        {
            if (targets[r] == ignoreIndex) continue;
            if ((uint)targets[r] >= (uint)classes)
                throw new ArgumentOutOfRangeException(nameof(targets), $"CrossEntropy: target {targets[r]} in row {r} is out of range for {classes} classes (ignoreIndex is {ignoreIndex}).");
            counted++;
        }
        float meanScale = counted == 0 ? 0f : 1f / counted;

        var x = logits.Data;
        var lse = Tensor.Empty([rows]); // log Σ exp(row), saved so backward needs no second max pass
        Tensor result;
        using (var buffer = new PooledBuffer(rows + classes))
        {
            var losses = buffer.Span[..rows];
            var e = buffer.Span.Slice(rows, classes);
            for (int r = 0; r < rows; r++)
            {
                var row = x.Slice(r * classes, classes);
                float m = TensorPrimitives.Max(row);
                if (float.IsInfinity(m)) m = 0f; // keeps exp(x − m) free of ∞ − ∞
                TensorPrimitives.Subtract(row, m, e);
                TensorPrimitives.Exp(e, e);
                lse.Data[r] = m + MathF.Log(TensorPrimitives.Sum(e));
                losses[r] = targets[r] == ignoreIndex ? 0f : lse.Data[r] - row[targets[r]];
            }
            result = Reduce(losses, logits.Shape[..^1], reduction, meanScale);
        }
        if (Autograd.ShouldRecord(logits))
        {
            var saved = targets.ToArray();
            Autograd.Record("CrossEntropy", result, [logits], g =>
            {
                // ∂l/∂x = softmax(x) − onehot(target), per non-ignored row
                var gx = logits.GradAccumulator();
                var up = new Upstream(g, reduction, meanScale);
                using var buffer = new PooledBuffer(classes);
                var p = buffer.Span;
                for (int r = 0; r < rows; r++)
                {
                    if (saved[r] == ignoreIndex) continue;
                    TensorPrimitives.Subtract(logits.Data.Slice(r * classes, classes), lse.Data[r], p);
                    TensorPrimitives.Exp(p, p);
                    p[saved[r]] -= 1f;
                    var gRow = gx.Slice(r * classes, classes);
                    TensorPrimitives.MultiplyAdd(p, up[r], gRow, gRow);
                }
            });
        }
        return result;
    }

    /// <summary>log σ(x), stable for any logit: DPO's loss is −LogSigmoid(β·margin). Same as <see cref="Tensor.LogSigmoid"/>.</summary>
    public static Tensor LogSigmoid(Tensor logits)
    {
        ArgumentNullException.ThrowIfNull(logits);
        return logits.LogSigmoid();
    }

    /// <summary>Binary cross-entropy from logits, stable for any logit; targets may be soft labels in [0, 1], optional <paramref name="weights"/> broadcast to the logits.</summary>
    /// <remarks>
    /// Computes w·(softplus(x) − t·x), which equals −w·[t·log σ(x) + (1 − t)·log(1 − σ(x))] without
    /// ever taking the log of a saturated σ. Bradley–Terry reward models use it on r(chosen) − r(rejected) with target 1.
    /// </remarks>
    public static Tensor BinaryCrossEntropyWithLogits(Tensor logits, Tensor targets, Tensor? weights = null, Reduction reduction = Reduction.Mean)
    {
        const string Name = "BinaryCrossEntropyWithLogits";
        CheckSameShape(logits, targets, Name);
        CheckReduction(reduction, Name);
        if (weights is not null && !Broadcasting.ResultShape(weights.Shape, logits.Shape, Name).AsSpan().SequenceEqual(logits.Shape))
            throw new ArgumentException($"{Name}: weights {Tensor.ShapeString(weights.Shape)} do not broadcast to logits {Tensor.ShapeString(logits.Shape)}.", nameof(weights));
        int n = logits.Size;
        float meanScale = 1f / n;
        var shape = logits.Shape.ToArray();
        Tensor result;
        using (var buffer = new PooledBuffer(2 * n))
        {
            var l = buffer.Span[..n];
            var w = buffer.Span.Slice(n, n);
            ExpandWeights(weights, shape, w);
            var x = logits.Data;
            var t = targets.Data;
            for (int i = 0; i < n; i++) l[i] = w[i] * (ScalarMath.Softplus(x[i]) - t[i] * x[i]);
            result = Reduce(l, shape, reduction, meanScale);
        }
        Tensor[] inputs = weights is null ? [logits, targets] : [logits, targets, weights];
        if (Autograd.ShouldRecord(inputs))
        {
            Autograd.Record(Name, result, inputs, g =>
            {
                using var buffer = new PooledBuffer(2 * n);
                var w = buffer.Span[..n];
                var gw = buffer.Span.Slice(n, n);
                ExpandWeights(weights, shape, w);
                var x = logits.Data;
                var t = targets.Data;
                var up = new Upstream(g, reduction, meanScale);
                if (logits.RequiresGrad) // ∂l/∂x = w·(σ(x) − t)
                {
                    var gx = logits.GradAccumulator();
                    for (int i = 0; i < n; i++) gx[i] += up[i] * w[i] * (ScalarMath.Sigmoid(x[i]) - t[i]);
                }
                if (targets.RequiresGrad) // ∂l/∂t = −w·x
                {
                    var gt = targets.GradAccumulator();
                    for (int i = 0; i < n; i++) gt[i] -= up[i] * w[i] * x[i];
                }
                if (weights is not null && weights.RequiresGrad) // ∂l/∂w = softplus(x) − t·x, summed over broadcast copies
                {
                    for (int i = 0; i < n; i++) gw[i] = up[i] * (ScalarMath.Softplus(x[i]) - t[i] * x[i]);
                    Broadcasting.ReduceAdd(gw, shape, weights.GradAccumulator(), weights.Shape);
                }
            });
        }
        return result;
    }

    private static void ExpandWeights(Tensor? weights, ReadOnlySpan<int> shape, Span<float> w)
    {
        if (weights is null) w.Fill(1f);
        else Broadcasting.Expand(weights.Data, weights.Shape, w, shape);
    }
}
