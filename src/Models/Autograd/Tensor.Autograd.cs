namespace AsyncRL.Models;

public sealed partial class Tensor
{
    private float[]? _pendingGrad; // gradient flowing into a non-leaf during Backward (pooled)

    /// <summary>Whether operations on this tensor are recorded for <see cref="Backward()"/>.</summary>
    public bool RequiresGrad { get; private set; }

    /// <summary>The accumulated gradient of a leaf tensor (parameters); null until the first backward pass.</summary>
    public Tensor? Grad { get; internal set; }

    /// <summary>The recorded operation that produced this tensor; null for leaves.</summary>
    internal GradNode? GradFn { get; private set; }

    /// <summary>True for tensors not produced by a recorded operation.</summary>
    public bool IsLeaf => GradFn is null;

    /// <summary>Marks a leaf tensor as a trainable variable (returns this tensor).</summary>
    public Tensor RequiresGrad_(bool requiresGrad = true)
    {
        if (!IsLeaf) throw new InvalidOperationException("RequiresGrad_: only leaf tensors can change requires-grad; use Detach() first.");
        RequiresGrad = requiresGrad;
        return this;
    }

    /// <summary>A tensor sharing this storage with no gradient history.</summary>
    public Tensor Detach() => new(this, _shape, 0, Size);

    /// <summary>Sets the gradient of a leaf to zero (keeps the buffer).</summary>
    public void ZeroGrad() => Grad?.Data.Clear();

    internal void SetGradFn(GradNode node)
    {
        GradFn = node;
        RequiresGrad = true;
    }

    /// <summary>Back-propagates from a scalar: accumulates d(this)/d(leaf) into every leaf's <see cref="Grad"/>.</summary>
    public void Backward()
    {
        if (Size != 1)
            throw new InvalidOperationException($"Backward: needs a scalar, got shape {ShapeString(_shape)}; pass an explicit gradient.");
        Autograd.Run(this, [1f]);
    }

    /// <summary>Back-propagates with an explicit gradient of this tensor's shape.</summary>
    public void Backward(Tensor gradient)
    {
        ArgumentNullException.ThrowIfNull(gradient);
        if (!gradient.Shape.SequenceEqual(Shape))
            throw new ArgumentException($"Backward: gradient shape {ShapeString(gradient.Shape)} does not match tensor shape {ShapeString(Shape)}.");
        Autograd.Run(this, gradient.Data);
    }

    /// <summary>The buffer into which gradient for this tensor accumulates during a backward pass.</summary>
    internal Span<float> GradAccumulator()
    {
        if (GradFn is null)
        {
            Grad ??= new Tensor(new float[Size], _shape);
            return Grad.Data;
        }
        if (_pendingGrad is null)
        {
            _pendingGrad = System.Buffers.ArrayPool<float>.Shared.Rent(Size);
            Array.Clear(_pendingGrad, 0, Size);
        }
        return _pendingGrad.AsSpan(0, Size);
    }

    internal float[]? TakePendingGrad()
    {
        var g = _pendingGrad;
        _pendingGrad = null;
        return g;
    }
}
