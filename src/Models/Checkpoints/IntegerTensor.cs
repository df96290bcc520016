namespace AsyncRL.Models.Checkpoints;

/// <summary>
/// An integer (or bool) tensor read from a safetensors file, widened to 64-bit values. Our engine
/// computes in float32 only, so these are kept apart rather than silently rounded (an I64 token id
/// or step counter above 2^24 would not survive float32).
/// </summary>
public sealed class IntegerTensor
{
    private readonly int[] _shape;

    /// <summary>Wraps values and a shape; the values must fill the shape exactly.</summary>
    public IntegerTensor(SafeTensorsDType dtype, long[] values, params ReadOnlySpan<int> shape)
    {
        ArgumentNullException.ThrowIfNull(values);
        long count = 1;
        foreach (var d in shape)
        {
            if (d < 0) throw new ArgumentException($"IntegerTensor: negative dimension in shape {Tensor.ShapeString(shape)}.", nameof(shape));
            count *= d;
        }
        if (count != values.Length)
            throw new ArgumentException($"IntegerTensor: {values.Length} values do not fill shape {Tensor.ShapeString(shape)}.", nameof(values));
        DType = dtype;
        Values = values;
        _shape = shape.ToArray();
    }

    /// <summary>The type the file stored.</summary>
    public SafeTensorsDType DType { get; }

    /// <summary>The elements, row-major.</summary>
    public long[] Values { get; }

    /// <summary>The dimensions, outermost first.</summary>
    public ReadOnlySpan<int> Shape => _shape;

    /// <inheritdoc/>
    public override string ToString() => $"IntegerTensor<{DType.Name()}>{Tensor.ShapeString(_shape)}";
}
