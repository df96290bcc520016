namespace AsyncRL.Models;

public sealed partial class Tensor
{
    /// <summary>Zeros of the given shape.</summary>
    public static Tensor Zeros(params ReadOnlySpan<int> shape) => new(shape, zero: true);

    /// <summary>Uninitialised storage, for kernels that overwrite every element.</summary>
    internal static Tensor Empty(ReadOnlySpan<int> shape) => new(shape, zero: false);

    /// <summary>Ones of the given shape.</summary>
    public static Tensor Ones(params ReadOnlySpan<int> shape) => Full(1f, shape);

    /// <summary>A tensor filled with <paramref name="value"/>.</summary>
    public static Tensor Full(float value, params ReadOnlySpan<int> shape)
    {
        var t = new Tensor(shape, zero: false);
        t.Data.Fill(value);
        return t;
    }

    /// <summary>A 0-dimensional tensor holding one value.</summary>
    public static Tensor Scalar(float value) => Full(value, []);

    /// <summary>A copy of <paramref name="values"/> with the given shape (defaults to 1-D).</summary>
    public static Tensor FromArray(ReadOnlySpan<float> values, params ReadOnlySpan<int> shape)
    {
        var t = new Tensor(shape.IsEmpty ? [values.Length] : shape, zero: false);
        if (t.Size != values.Length)
            throw new ArgumentException($"FromArray: {values.Length} values do not fill shape {ShapeString(t.Shape)} ({t.Size} elements).");
        values.CopyTo(t.Data);
        return t;
    }

    /// <summary>Uniform samples in [low, high).</summary>
    public static Tensor Uniform(Generator rng, float low, float high, params ReadOnlySpan<int> shape)
    {
        ArgumentNullException.ThrowIfNull(rng);
        var t = new Tensor(shape, zero: false);
        var d = t.Data;
        for (int i = 0; i < d.Length; i++) d[i] = rng.NextUniform(low, high);
        return t;
    }

    /// <summary>Standard normal samples.</summary>
    public static Tensor Randn(Generator rng, params ReadOnlySpan<int> shape)
    {
        ArgumentNullException.ThrowIfNull(rng);
        var t = new Tensor(shape, zero: false);
        var d = t.Data;
        for (int i = 0; i < d.Length; i++) d[i] = rng.NextNormal();
        return t;
    }

    /// <summary>A copy of this tensor with no gradient history.</summary>
    public Tensor Clone()
    {
        var t = new Tensor(_shape, zero: false);
        Data.CopyTo(t.Data);
        return t;
    }

    /// <summary>Copies values from a tensor of the same shape into this one, in place, without recording.</summary>
    public void CopyFrom(Tensor source)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (!source.Shape.SequenceEqual(Shape))
            throw new ArgumentException($"CopyFrom: source shape {ShapeString(source.Shape)} does not match {ShapeString(Shape)}.");
        source.Data.CopyTo(Data);
    }
}
