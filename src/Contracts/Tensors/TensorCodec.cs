using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;
using AsyncRL.Contracts.V1;
using Google.Protobuf;

namespace AsyncRL.Contracts;

/// <summary>
/// Converts between <see cref="Tensor"/> messages and .NET spans for float32, int32, int64, bool and uint8.
/// Decoding returns views over the message bytes (no copy); the <c>Wrap*</c> encoders lend an array to the
/// message (no copy), the <c>From*</c> encoders copy. Every decode checks dtype and that the byte length
/// matches the shape, so a malformed tensor is an exception here, never a garbage read later.
/// </summary>
public static class TensorCodec
{
    /// <summary>Bytes per element of <paramref name="dtype"/>.</summary>
    public static int SizeOf(DType dtype) => dtype switch
    {
        DType.Float32 or DType.Int32 => 4,
        DType.Int64 or DType.Float64 => 8,
        DType.Bool or DType.Uint8 => 1,
        DType.Bfloat16 or DType.Float16 => 2,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "Unknown tensor dtype."),
    };

    /// <summary>Elements in a shape (1 for a scalar); rejects negative dimensions and counts beyond an array's reach.</summary>
    public static int ElementCount(ReadOnlySpan<long> shape)
    {
        long count = 1;
        foreach (long dimension in shape)
        {
            if (dimension < 0) throw new ArgumentException($"Tensor shape [{string.Join(",", shape.ToArray())}] has a negative dimension.", nameof(shape));
            if (!TryGrow(ref count, dimension)) throw new ArgumentException($"Tensor shape [{string.Join(",", shape.ToArray())}] holds more than {Array.MaxLength} elements.", nameof(shape));
        }
        return (int)count;
    }

    /// <summary>
    /// Multiplies the element count by one more dimension, false past an array's reach. Checked before multiplying:
    /// a product that wraps around 2^64 (say [3, 2^62]) would otherwise pass for a small, even empty, tensor.
    /// </summary>
    private static bool TryGrow(ref long count, long dimension)
    {
        if (dimension != 0 && count > Array.MaxLength / dimension) return false;
        count *= dimension;
        return count <= Array.MaxLength;
    }

    /// <summary>Checks that <paramref name="tensor"/> is well-formed; <paramref name="error"/> says precisely why not.</summary>
    public static bool TryValidate(Tensor tensor, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        error = null;
        if (tensor.Dtype == DType.Unspecified || !Enum.IsDefined(tensor.Dtype))
        {
            error = $"unknown dtype {tensor.Dtype}";
            return false;
        }
        long count = 1;
        foreach (long dimension in tensor.Shape)
        {
            if (dimension < 0)
            {
                error = $"shape [{string.Join(",", tensor.Shape)}] has a negative dimension";
                return false;
            }
            if (!TryGrow(ref count, dimension))
            {
                error = $"shape [{string.Join(",", tensor.Shape)}] is too large: more than {Array.MaxLength} elements";
                return false;
            }
        }
        long expected = count * SizeOf(tensor.Dtype);
        if (tensor.Data.Length != expected)
        {
            error = $"{tensor.Dtype} shape [{string.Join(",", tensor.Shape)}] needs {expected} bytes, data has {tensor.Data.Length}";
            return false;
        }
        if (tensor.Dtype == DType.Bool && tensor.Data.Span.IndexOfAnyExcept((byte)0, (byte)1) >= 0)
        {
            error = "bool data holds a byte other than 0 or 1";
            return false;
        }
        return true;
    }

    /// <summary>Throws <see cref="InvalidDataException"/> unless <paramref name="tensor"/> is well-formed.</summary>
    public static void Validate(Tensor tensor)
    {
        if (!TryValidate(tensor, out string? error)) throw new InvalidDataException("Invalid tensor: " + error + ".");
    }

    /// <summary>A float32 view of the tensor's data.</summary>
    public static ReadOnlySpan<float> AsFloat32(Tensor tensor) => View<float>(tensor, DType.Float32);

    /// <summary>An int32 view of the tensor's data.</summary>
    public static ReadOnlySpan<int> AsInt32(Tensor tensor) => View<int>(tensor, DType.Int32);

    /// <summary>An int64 view of the tensor's data.</summary>
    public static ReadOnlySpan<long> AsInt64(Tensor tensor) => View<long>(tensor, DType.Int64);

    /// <summary>A uint8 view of the tensor's data.</summary>
    public static ReadOnlySpan<byte> AsUInt8(Tensor tensor) => View<byte>(tensor, DType.Uint8);

    /// <summary>A bool view of the tensor's data (every byte checked to be 0 or 1).</summary>
    public static ReadOnlySpan<bool> AsBool(Tensor tensor) => View<bool>(tensor, DType.Bool);

    /// <summary>The tensor's float32 values in a new array.</summary>
    public static float[] ToFloat32Array(Tensor tensor) => AsFloat32(tensor).ToArray();

    /// <summary>A float32 tensor holding a copy of <paramref name="values"/>.</summary>
    public static Tensor FromFloat32(ReadOnlySpan<float> values, params ReadOnlySpan<long> shape) => Copy(values, DType.Float32, shape);

    /// <summary>An int32 tensor holding a copy of <paramref name="values"/>.</summary>
    public static Tensor FromInt32(ReadOnlySpan<int> values, params ReadOnlySpan<long> shape) => Copy(values, DType.Int32, shape);

    /// <summary>An int64 tensor holding a copy of <paramref name="values"/>.</summary>
    public static Tensor FromInt64(ReadOnlySpan<long> values, params ReadOnlySpan<long> shape) => Copy(values, DType.Int64, shape);

    /// <summary>A uint8 tensor holding a copy of <paramref name="values"/>.</summary>
    public static Tensor FromUInt8(ReadOnlySpan<byte> values, params ReadOnlySpan<long> shape) => Copy(values, DType.Uint8, shape);

    /// <summary>A bool tensor holding a copy of <paramref name="values"/> (one byte each, 0 or 1).</summary>
    public static Tensor FromBool(ReadOnlySpan<bool> values, params ReadOnlySpan<long> shape)
    {
        CheckCount(values.Length, shape);
        byte[] bytes = GC.AllocateUninitializedArray<byte>(values.Length);
        for (int i = 0; i < values.Length; i++) bytes[i] = values[i] ? (byte)1 : (byte)0;
        return Create(DType.Bool, shape, UnsafeByteOperations.UnsafeWrap(bytes));
    }

    /// <summary>
    /// A float32 tensor over <paramref name="values"/> without copying: the message reads the array when it
    /// is serialized, so leave the array unchanged until then.
    /// </summary>
    public static Tensor WrapFloat32(float[] values, params ReadOnlySpan<long> shape) => Wrap(values, DType.Float32, shape);

    /// <summary>An int32 tensor over <paramref name="values"/> without copying (see <see cref="WrapFloat32"/>).</summary>
    public static Tensor WrapInt32(int[] values, params ReadOnlySpan<long> shape) => Wrap(values, DType.Int32, shape);

    /// <summary>An int64 tensor over <paramref name="values"/> without copying (see <see cref="WrapFloat32"/>).</summary>
    public static Tensor WrapInt64(long[] values, params ReadOnlySpan<long> shape) => Wrap(values, DType.Int64, shape);

    /// <summary>A uint8 tensor over <paramref name="values"/> without copying (see <see cref="WrapFloat32"/>).</summary>
    public static Tensor WrapUInt8(byte[] values, params ReadOnlySpan<long> shape)
    {
        ArgumentNullException.ThrowIfNull(values);
        CheckCount(values.Length, shape);
        return Create(DType.Uint8, shape, UnsafeByteOperations.UnsafeWrap(values));
    }

    private static ReadOnlySpan<T> View<T>(Tensor tensor, DType dtype)
        where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (tensor.Dtype != dtype) throw new InvalidDataException($"Invalid tensor: expected {dtype}, got {tensor.Dtype}.");
        Validate(tensor);
        ReadOnlySpan<byte> bytes = tensor.Data.Span;
        if (!BitConverter.IsLittleEndian && SizeOf(dtype) > 1) bytes = SwapToNative(bytes, SizeOf(dtype));
        return MemoryMarshal.Cast<byte, T>(bytes);
    }

    private static Tensor Copy<T>(ReadOnlySpan<T> values, DType dtype, ReadOnlySpan<long> shape)
        where T : unmanaged
    {
        CheckCount(values.Length, shape);
        byte[] bytes = MemoryMarshal.AsBytes(values).ToArray();
        if (!BitConverter.IsLittleEndian) SwapInPlace(bytes, SizeOf(dtype));
        return Create(dtype, shape, UnsafeByteOperations.UnsafeWrap(bytes));
    }

    private static Tensor Wrap<T>(T[] values, DType dtype, ReadOnlySpan<long> shape)
        where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(values);
        // Lending the array only works where memory order is the wire order.
        if (!BitConverter.IsLittleEndian) return Copy<T>(values, dtype, shape);
        CheckCount(values.Length, shape);
        return Create(dtype, shape, UnsafeByteOperations.UnsafeWrap(new ArrayAsBytesMemory<T>(values).Memory));
    }

    private static Tensor Create(DType dtype, ReadOnlySpan<long> shape, ByteString data)
    {
        var tensor = new Tensor { Dtype = dtype, Data = data };
        foreach (long dimension in shape) tensor.Shape.Add(dimension);
        return tensor;
    }

    private static void CheckCount(int length, ReadOnlySpan<long> shape)
    {
        int expected = ElementCount(shape);
        if (length != expected)
        {
            throw new ArgumentException($"{length} values do not fill shape [{string.Join(",", shape.ToArray())}] ({expected} elements).", nameof(shape));
        }
    }

    private static byte[] SwapToNative(ReadOnlySpan<byte> littleEndian, int elementSize)
    {
        byte[] copy = littleEndian.ToArray();
        SwapInPlace(copy, elementSize);
        return copy;
    }

    private static void SwapInPlace(Span<byte> bytes, int elementSize)
    {
        switch (elementSize)
        {
            case 2: BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<byte, ushort>(bytes), MemoryMarshal.Cast<byte, ushort>(bytes)); break;
            case 4: BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<byte, uint>(bytes), MemoryMarshal.Cast<byte, uint>(bytes)); break;
            case 8: BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<byte, ulong>(bytes), MemoryMarshal.Cast<byte, ulong>(bytes)); break;
        }
    }
}
