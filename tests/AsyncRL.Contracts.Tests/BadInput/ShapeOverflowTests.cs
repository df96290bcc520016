using AsyncRL.Contracts.V1;
using Google.Protobuf;

namespace AsyncRL.Contracts.Tests.BadInput;

/// <summary>
/// Shapes whose element count wraps around 2^64. Multiplied naively, [3, 2^62] holds 3·2^62 ≡ −2^62 elements, which
/// times 4 bytes is 0: an empty data field would pass for it. The count is checked before each multiplication.
/// </summary>
public sealed class ShapeOverflowTests
{
    public static TheoryData<long[]> WrappingShapes() =>
    [
        [3, 1L << 62], // wraps to a negative count, 0 bytes of float32
        [4, 1L << 62], // wraps to exactly 0
        [1L << 31, 1L << 31, 4], // 2^64 elements
        [0x1_0000_0001L, 0xFFFF_FFFFL], // (2^32 + 1)(2^32 − 1) = 2^64 − 1
    ];

    [Theory]
    [MemberData(nameof(WrappingShapes))]
    public void TryValidate_ShapeWhoseCountWraps_IsTooLarge_NotEmpty(long[] shape)
    {
        var tensor = new Tensor { Dtype = DType.Float32, Data = ByteString.Empty };
        tensor.Shape.Add(shape);

        bool valid = TensorCodec.TryValidate(tensor, out string? error);

        Assert.False(valid);
        Assert.Contains("is too large", error, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(WrappingShapes))]
    public void ElementCount_ShapeWhoseCountWraps_Throws(long[] shape)
    {
        var error = Assert.Throws<ArgumentException>(() => TensorCodec.ElementCount(shape));

        Assert.Contains("holds more than", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TryValidate_ZeroFirst_ThenHugeDimensions_IsAnEmptyValidTensor()
    {
        // A leading zero makes the tensor empty: the huge dimensions after it multiply nothing.
        var tensor = new Tensor { Dtype = DType.Float32, Data = ByteString.Empty };
        tensor.Shape.Add([0, 1L << 62, 1L << 62]);

        Assert.True(TensorCodec.TryValidate(tensor, out string? error), error);
    }
}
