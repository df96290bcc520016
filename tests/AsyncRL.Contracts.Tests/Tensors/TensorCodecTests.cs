using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using AsyncRL.Contracts.V1;
using Google.Protobuf;

namespace AsyncRL.Contracts.Tests.Tensors;

public sealed class TensorCodecTests
{
    [Fact]
    public void FromFloat32_ThenAsFloat32_RoundTripsThroughTheWire()
    {
        // Arrange
        float[] values = [1.5f, -2f, float.MaxValue, float.Epsilon, 0f, 3.25f];

        // Act
        Tensor tensor = Tensor.Parser.ParseFrom(TensorCodec.FromFloat32(values, 2, 3).ToByteArray());

        // Assert
        Assert.Equal(DType.Float32, tensor.Dtype);
        Assert.Equal([2L, 3L], tensor.Shape);
        Assert.Equal(values, TensorCodec.AsFloat32(tensor).ToArray());
        Assert.Equal(BitConverter.GetBytes(1.5f), tensor.Data.Span[..4].ToArray()); // little-endian on the wire
    }

    [Fact]
    public void IntegerAndByteEncoders_RoundTripEveryDType()
    {
        // Arrange / Act
        Tensor int32 = Reparse(TensorCodec.FromInt32([int.MinValue, 0, int.MaxValue], 3));
        Tensor int64 = Reparse(TensorCodec.FromInt64([long.MinValue, 42, long.MaxValue], 3, 1));
        Tensor uint8 = Reparse(TensorCodec.FromUInt8([0, 7, 255], 3));
        Tensor flags = Reparse(TensorCodec.FromBool([true, false, true, true], 2, 2));

        // Assert
        Assert.Equal([int.MinValue, 0, int.MaxValue], TensorCodec.AsInt32(int32).ToArray());
        Assert.Equal([long.MinValue, 42, long.MaxValue], TensorCodec.AsInt64(int64).ToArray());
        Assert.Equal([0, 7, 255], TensorCodec.AsUInt8(uint8).ToArray());
        Assert.Equal([true, false, true, true], TensorCodec.AsBool(flags).ToArray());
        Assert.Equal([1, 0, 1, 1], flags.Data.ToByteArray());
    }

    [Fact]
    public void WrapFloat32_LendsTheArrayWithoutCopying()
    {
        // Arrange
        float[] values = [1f, 2f, 3f, 4f];

        // Act
        Tensor tensor = TensorCodec.WrapFloat32(values, 4);
        values[0] = 9f; // visible through the message: it aliases the array

        // Assert
        Assert.Equal(9f, TensorCodec.AsFloat32(tensor)[0]);
        Assert.Equal([9f, 2f, 3f, 4f], TensorCodec.AsFloat32(Reparse(tensor)).ToArray());
    }

    [Fact]
    public void AsFloat32_ViewsTheMessageBytesWithoutCopying()
    {
        // Arrange
        Tensor tensor = TensorCodec.FromFloat32([1f, 2f], 2);

        // Act
        ReadOnlySpan<float> view = TensorCodec.AsFloat32(tensor);

        // Assert
        Assert.True(Unsafe.AreSame(in MemoryMarshal.GetReference(MemoryMarshal.AsBytes(view)), in MemoryMarshal.GetReference(tensor.Data.Span)));
    }

    [Fact]
    public void ScalarAndEmptyShapes_AreValid()
    {
        Assert.Equal([5f], TensorCodec.AsFloat32(TensorCodec.FromFloat32([5f])).ToArray());
        Assert.Empty(TensorCodec.AsInt64(TensorCodec.FromInt64([], 0, 3)).ToArray());
    }

    [Theory]
    [InlineData(DType.Float32, new long[] { 2, 3 }, 23, "needs 24 bytes, data has 23")]
    [InlineData(DType.Int64, new long[] { 4 }, 16, "needs 32 bytes, data has 16")]
    [InlineData(DType.Float32, new long[] { 2, -1 }, 8, "negative dimension")]
    [InlineData(DType.Unspecified, new long[] { 1 }, 4, "unknown dtype")]
    [InlineData(DType.Int32, new long[] { 1L << 40, 1L << 40 }, 0, "too large")]
    public void TryValidate_MalformedTensor_SaysPreciselyWhy(DType dtype, long[] shape, int bytes, string expected)
    {
        // Arrange
        var tensor = new Tensor { Dtype = dtype, Data = ByteString.CopyFrom(new byte[bytes]) };
        tensor.Shape.Add(shape);

        // Act
        bool valid = TensorCodec.TryValidate(tensor, out string? error);

        // Assert
        Assert.False(valid);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void AsBool_ByteOtherThanZeroOrOne_Throws()
    {
        var tensor = new Tensor { Dtype = DType.Bool, Shape = { 2 }, Data = ByteString.CopyFrom(1, 2) };
        var ex = Assert.Throws<InvalidDataException>(() => TensorCodec.AsBool(tensor).ToArray());
        Assert.Contains("other than 0 or 1", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AsInt32_WrongDType_Throws()
    {
        Tensor tensor = TensorCodec.FromFloat32([1f], 1);
        var ex = Assert.Throws<InvalidDataException>(() => TensorCodec.AsInt32(tensor).ToArray());
        Assert.Contains("expected Int32, got Float32", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromFloat32_ValuesDoNotFillShape_Throws()
    {
        Assert.Throws<ArgumentException>(() => TensorCodec.FromFloat32([1f, 2f, 3f], 2, 2));
    }

    [Fact]
    public void BFloat16_RoundsToNearestEvenAndKeepsSpecialValues()
    {
        // 1 + 2^-8 lies exactly between two bfloat16 values (1 and 1 + 2^-7): ties go to the even one, 1.
        Assert.Equal(1f, BFloat16.ToSingle(BFloat16.FromSingle(1f + MathF.Pow(2, -8))));
        Assert.Equal(1f + MathF.Pow(2, -7), BFloat16.ToSingle(BFloat16.FromSingle(1f + 3 * MathF.Pow(2, -9))));
        Assert.True(float.IsNaN(BFloat16.ToSingle(BFloat16.FromSingle(float.NaN))));
        Assert.Equal(float.PositiveInfinity, BFloat16.ToSingle(BFloat16.FromSingle(float.PositiveInfinity)));
        Assert.Equal(-2.5f, BFloat16.ToSingle(BFloat16.FromSingle(-2.5f)));
    }

    [Fact]
    public void BFloat16_EncodeDecode_ErrorWithinHalfAnUlp()
    {
        // Arrange
        var random = new Random(7);
        float[] values = Enumerable.Range(0, 1000).Select(_ => (float)(random.NextDouble() * 200 - 100)).ToArray();
        var bytes = new byte[values.Length * 2];
        var decoded = new float[values.Length];

        // Act
        BFloat16.Encode(values, bytes);
        BFloat16.Decode(bytes, decoded);

        // Assert: bfloat16 keeps 8 significant bits; rounding to nearest errs by at most half an ulp, 2^-8 relative.
        for (int i = 0; i < values.Length; i++) Assert.True(Math.Abs(decoded[i] - values[i]) <= Math.Abs(values[i]) * MathF.Pow(2, -8));
    }

    private static Tensor Reparse(Tensor tensor) => Tensor.Parser.ParseFrom(tensor.ToByteArray());
}
