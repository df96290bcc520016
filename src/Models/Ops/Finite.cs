using System.Numerics;
using System.Runtime.InteropServices;

namespace AsyncRL.Models;

/// <summary>Finiteness checks for validating incoming data (no NaN, no ±∞).</summary>
public static class Finite
{
    private const uint ExponentMask = 0x7F80_0000u; // all exponent bits set ⇔ NaN or ±∞

    /// <summary>True when no value is NaN or infinite (SIMD).</summary>
    public static bool All(ReadOnlySpan<float> values)
    {
        var bits = MemoryMarshal.Cast<float, uint>(values);
        var mask = new Vector<uint>(ExponentMask);
        var bad = Vector<uint>.Zero;
        int i = 0;
        // OR the comparisons together and test once at the end: no branch in the hot loop.
        for (; i <= bits.Length - Vector<uint>.Count; i += Vector<uint>.Count)
            bad |= Vector.Equals(new Vector<uint>(bits[i..]) & mask, mask);
        if (bad != Vector<uint>.Zero) return false;
        for (; i < bits.Length; i++)
            if ((bits[i] & ExponentMask) == ExponentMask) return false;
        return true;
    }
}

public sealed partial class Tensor
{
    /// <summary>True when no element is NaN or infinite.</summary>
    public bool AllFinite() => Finite.All(Data);
}
