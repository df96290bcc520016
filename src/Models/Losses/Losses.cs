using System.Numerics.Tensors;

namespace AsyncRL.Models;

/// <summary>Loss functions with fused, numerically stable kernels and their gradients (as torch.nn.functional).</summary>
public static partial class Losses
{
    /// <summary>The loss tensor for <paramref name="reduction"/> from per-element losses of the given shape.</summary>
    private static Tensor Reduce(ReadOnlySpan<float> elements, ReadOnlySpan<int> shape, Reduction reduction, float meanScale)
    {
        switch (reduction)
        {
            case Reduction.None:
                var each = Tensor.Empty(shape);
                elements.CopyTo(each.Data);
                return each;
            case Reduction.Sum:
                return Tensor.Scalar(TensorPrimitives.Sum(elements));
            default:
                return Tensor.Scalar(TensorPrimitives.Sum(elements) * meanScale);
        }
    }

    private static void CheckReduction(Reduction reduction, string op)
    {
        if (!Enum.IsDefined(reduction))
            throw new ArgumentOutOfRangeException(nameof(reduction), $"{op}: unknown reduction {(int)reduction}.");
    }

    private static void CheckSameShape(Tensor input, Tensor target, string op)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(target);
        if (!input.Shape.SequenceEqual(target.Shape))
            throw new ArgumentException($"{op}: input {Tensor.ShapeString(input.Shape)} and target {Tensor.ShapeString(target.Shape)} must have the same shape.");
    }

    /// <summary>The gradient reaching element i of the unreduced loss: g[i] for <see cref="Reduction.None"/>, else g[0]·scale.</summary>
    private readonly ref struct Upstream
    {
        private readonly ReadOnlySpan<float> _g;
        private readonly float _scalar;
        private readonly bool _perElement;

        public Upstream(ReadOnlySpan<float> g, Reduction reduction, float meanScale)
        {
            _g = g;
            _perElement = reduction == Reduction.None;
            _scalar = _perElement ? 0f : g[0] * (reduction == Reduction.Mean ? meanScale : 1f);
        }

        public float this[int i] => _perElement ? _g[i] : _scalar;
    }
}
