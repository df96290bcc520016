using TorchSharp;

namespace AsyncRL.Models.Torch;

// Inside the namespace, so it wins over AsyncRL.Models.Tensor.
using Tensor = TorchSharp.torch.Tensor;

/// <summary>
/// Scalars that outlive the native calls reading them. TorchSharp passes libtorch a <see cref="Scalar"/>'s raw pointer
/// and frees the native scalar in the Scalar's finalizer, so a Scalar made on the fly (the float in <c>t * 0.5f</c>,
/// or the 1 and 2 that TorchSharp itself makes inside <c>a + b</c>, <c>add_(s)</c> and <c>square()</c>) is garbage
/// while libtorch still reads it, and a collection then frees it mid-call ("Unknown scalar type."). Torch code here
/// passes only Scalars held by a live object: these process-wide constants, a <see cref="TorchScalars"/> of the
/// owner, or a <c>using</c> local declared before the call.
/// </summary>
public static class TorchOps
{
    /// <summary>1: the alpha of a plain sum (what TorchSharp's <c>+</c> passes).</summary>
    public static readonly Scalar One = 1;

    /// <summary>2: the exponent of a square (what TorchSharp's <c>square()</c> passes).</summary>
    public static readonly Scalar Two = 2;

    /// <summary>a + b: TorchSharp's <c>+</c>, the same kernel and alpha, with an alpha that lives.</summary>
    public static Tensor Plus(this Tensor a, Tensor b) => a.add(b, One);

    /// <summary>x²: TorchSharp's <c>square()</c> (pow 2), with an exponent that lives.</summary>
    public static Tensor Squared(this Tensor x) => x.pow(Two);

    /// <summary>x += s in place: TorchSharp's <c>add_(s)</c> (alpha 1), with an alpha that lives.</summary>
    public static Tensor PlusInPlace(this Tensor x, Scalar s) => x.add_(s, One);
}

/// <summary>Scalars an object makes once, kept in its fields for its lifetime, and frees on its disposal.</summary>
public sealed class TorchScalars : IDisposable
{
    private readonly List<Scalar> _made = [];

    /// <summary>A Scalar holding <paramref name="value"/>.</summary>
    public Scalar Of(float value) => Keep(value.ToScalar());

    /// <summary>A Scalar holding <paramref name="value"/>.</summary>
    public Scalar Of(double value) => Keep(value.ToScalar());

    private Scalar Keep(Scalar scalar)
    {
        _made.Add(scalar);
        return scalar;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var s in _made) s.Dispose();
        _made.Clear();
    }
}
