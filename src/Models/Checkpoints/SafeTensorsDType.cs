namespace AsyncRL.Models.Checkpoints;

/// <summary>The element types a safetensors header may name (its <c>dtype</c> strings).</summary>
public enum SafeTensorsDType
{
    /// <summary><c>BOOL</c>: one byte, 0 or 1.</summary>
    Bool,
    /// <summary><c>U8</c>.</summary>
    U8,
    /// <summary><c>I8</c>.</summary>
    I8,
    /// <summary><c>I16</c>.</summary>
    I16,
    /// <summary><c>U16</c>.</summary>
    U16,
    /// <summary><c>I32</c>.</summary>
    I32,
    /// <summary><c>U32</c>.</summary>
    U32,
    /// <summary><c>I64</c>.</summary>
    I64,
    /// <summary><c>U64</c>; values above <see cref="long.MaxValue"/> are rejected on load.</summary>
    U64,
    /// <summary><c>F16</c>: IEEE half precision, widened exactly to float32 on load.</summary>
    F16,
    /// <summary><c>BF16</c>: bfloat16, widened exactly to float32 on load.</summary>
    BF16,
    /// <summary><c>F32</c>: the only type we write.</summary>
    F32,
    /// <summary><c>F64</c>: rounded to the nearest float32 on load.</summary>
    F64,
}

internal static class SafeTensorsDTypes
{
    /// <summary>Parses a header's dtype string; fp8 and other exotic types are not supported.</summary>
    public static bool TryParse(string text, out SafeTensorsDType dtype)
    {
        SafeTensorsDType? parsed = text switch
        {
            "BOOL" => SafeTensorsDType.Bool,
            "U8" => SafeTensorsDType.U8,
            "I8" => SafeTensorsDType.I8,
            "I16" => SafeTensorsDType.I16,
            "U16" => SafeTensorsDType.U16,
            "I32" => SafeTensorsDType.I32,
            "U32" => SafeTensorsDType.U32,
            "I64" => SafeTensorsDType.I64,
            "U64" => SafeTensorsDType.U64,
            "F16" => SafeTensorsDType.F16,
            "BF16" => SafeTensorsDType.BF16,
            "F32" => SafeTensorsDType.F32,
            "F64" => SafeTensorsDType.F64,
            _ => null,
        };
        dtype = parsed.GetValueOrDefault();
        return parsed.HasValue;
    }

    /// <summary>The dtype string as the format spells it.</summary>
    public static string Name(this SafeTensorsDType dtype) => dtype switch
    {
        SafeTensorsDType.Bool => "BOOL",
        _ => dtype.ToString(),
    };

    public static int ElementSize(this SafeTensorsDType dtype) => dtype switch
    {
        SafeTensorsDType.Bool or SafeTensorsDType.U8 or SafeTensorsDType.I8 => 1,
        SafeTensorsDType.I16 or SafeTensorsDType.U16 or SafeTensorsDType.F16 or SafeTensorsDType.BF16 => 2,
        SafeTensorsDType.I32 or SafeTensorsDType.U32 or SafeTensorsDType.F32 => 4,
        SafeTensorsDType.I64 or SafeTensorsDType.U64 or SafeTensorsDType.F64 => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, null),
    };

    /// <summary>True for the types loaded into float32 <see cref="Tensor"/>s; the rest load as integers.</summary>
    public static bool IsFloatingPoint(this SafeTensorsDType dtype) =>
        dtype is SafeTensorsDType.F16 or SafeTensorsDType.BF16 or SafeTensorsDType.F32 or SafeTensorsDType.F64;
}
