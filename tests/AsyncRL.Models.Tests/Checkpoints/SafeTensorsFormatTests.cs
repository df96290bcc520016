using System.Text;
using AsyncRL.Models.Checkpoints;
using static AsyncRL.Models.Tests.Checkpoints.SafeTensorsBytes;

namespace AsyncRL.Models.Tests.Checkpoints;

/// <summary>The byte layout, pinned: what we write, and files as other writers produce them.</summary>
public sealed class SafeTensorsFormatTests
{
    [Fact]
    public void Save_TinyFile_MatchesGoldenBytes()
    {
        var tensors = new Dictionary<string, Tensor> { ["b"] = Tensor.FromArray([1f, -2f]), ["a"] = Tensor.Scalar(0.5f) };
        var metadata = new Dictionary<string, string> { ["k"] = "v" };

        var bytes = Save(tensors, metadata);

        // 132 bytes of compact JSON, metadata first and tensors sorted by name, padded with 4 spaces
        // to 136 (0x88) so the data starts 8-byte aligned at offset 144.
        const string header = """{"__metadata__":{"k":"v"},"a":{"dtype":"F32","shape":[],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}""";
        byte[] expected =
        [
            0x88, 0, 0, 0, 0, 0, 0, 0,
            .. Encoding.ASCII.GetBytes(header), 0x20, 0x20, 0x20, 0x20,
            0x00, 0x00, 0x00, 0x3F, // a = 0.5
            0x00, 0x00, 0x80, 0x3F, // b[0] = 1
            0x00, 0x00, 0x00, 0xC0, // b[1] = -2
        ];
        Assert.Equal(132, header.Length);
        Assert.Equal(expected, bytes);
    }

    [Fact]
    public void Save_NoTensorsNoMetadata_WritesAnEmptyObjectPadded()
    {
        var bytes = Save(new Dictionary<string, Tensor>());

        Assert.Equal(new byte[] { 8, 0, 0, 0, 0, 0, 0, 0, (byte)'{', (byte)'}', 32, 32, 32, 32, 32, 32 }, bytes);
        Assert.Empty(Load(bytes).Tensors);
    }

    [Fact]
    public void Load_ReferenceWriterLayout_ReadsEveryDType()
    {
        // As safetensors.torch.save_file lays out {"weight": f16 2x2, "bias": f32 [2], "scale": bf16 [1],
        // "step": int64 scalar} with metadata {"format": "pt"}: tensors ordered by descending dtype then
        // name, compact JSON in that order, space padding, and 2-byte tensors at unaligned offsets.
        var header = "{\"__metadata__\":{\"format\":\"pt\"},"
            + Entry("step", "I64", [], 0, 8) + "," + Entry("bias", "F32", [2], 8, 16) + ","
            + Entry("scale", "BF16", [1], 16, 18) + "," + Entry("weight", "F16", [2, 2], 18, 26) + "}";
        header = header.PadRight((header.Length + 7) / 8 * 8);
        byte[] data =
        [
            .. BitConverter.GetBytes(1234L),
            .. Floats(0.25f, -1f),
            .. UInt16s(0x3FC0),                         // bf16 1.5
            .. UInt16s(0x3C00, 0xC000, 0x3800, 0x7BFF), // f16 1, -2, 0.5, 65504
        ];

        var file = Load(Build(header, data));

        Assert.Equal("pt", file.Metadata["format"]);
        Assert.Equal(new float[] { 0.25f, -1f }, file.Tensors["bias"].ToArray());
        Assert.Equal(new float[] { 1.5f }, file.Tensors["scale"].ToArray());
        Assert.Equal(new float[] { 1f, -2f, 0.5f, 65504f }, file.Tensors["weight"].ToArray());
        Assert.Equal(new[] { 2, 2 }, file.Tensors["weight"].Shape.ToArray());
        Assert.Equal(new long[] { 1234 }, file.Integers["step"].Values);
        Assert.Empty(file.Integers["step"].Shape.ToArray());
        Assert.Equal(SafeTensorsDType.BF16, file.DTypes["scale"]);
        Assert.Equal(SafeTensorsDType.I64, file.DTypes["step"]);
    }

    [Fact]
    public void Load_F16_WidensExactly()
    {
        ushort[] halves = [0x3C00, 0xC000, 0x7C00, 0xFC00, 0x8000, 0x0001, 0x03FF, 0x7BFF, 0x3555];
        float[] expected = [1f, -2f, float.PositiveInfinity, float.NegativeInfinity, -0f, MathF.Pow(2, -24), 1023 * MathF.Pow(2, -24), 65504f, 0.333251953125f];

        var file = Load(Build("{" + Entry("h", "F16", [halves.Length], 0, halves.Length * 2) + "}", UInt16s(halves)));

        Assert.Equal(expected.Select(BitConverter.SingleToUInt32Bits), file.Tensors["h"].ToArray().Select(BitConverter.SingleToUInt32Bits));
    }

    [Fact]
    public void Load_F16NaN_StaysNaN()
    {
        var file = Load(Build("{" + Entry("h", "F16", [2], 0, 4) + "}", UInt16s(0x7E00, 0xFE01)));

        Assert.All(file.Tensors["h"].ToArray(), v => Assert.True(float.IsNaN(v)));
    }

    [Fact]
    public void Load_BF16_IsTheTopHalfOfFloat32()
    {
        ushort[] bf = [0x3F80, 0xC040, 0x7F80, 0xFF80, 0x8000, 0x0001, 0x7FC1, 0x4049];

        var file = Load(Build("{" + Entry("b", "BF16", [2, 4], 0, 16) + "}", UInt16s(bf)));

        Assert.Equal(bf.Select(b => (uint)b << 16), file.Tensors["b"].ToArray().Select(BitConverter.SingleToUInt32Bits));
    }

    [Fact]
    public void Load_F64_RoundsToNearestFloat32()
    {
        double[] values = [0.1, -1e300, 1e-50, Math.PI];

        var file = Load(Build("{" + Entry("d", "F64", [4], 0, 32) + "}", values.SelectMany(BitConverter.GetBytes).ToArray()));

        Assert.Equal(new[] { 0.1f, float.NegativeInfinity, 0f, MathF.PI }, file.Tensors["d"].ToArray());
    }

    [Fact]
    public void Load_IntegerDTypes_KeepExactValues()
    {
        var header = "{" + string.Join(',',
            Entry("bool", "BOOL", [2], 0, 2), Entry("u8", "U8", [2], 2, 4), Entry("i8", "I8", [2], 4, 6),
            Entry("i16", "I16", [2], 6, 10), Entry("u16", "U16", [1], 10, 12), Entry("i32", "I32", [2], 12, 20),
            Entry("u32", "U32", [1], 20, 24), Entry("i64", "I64", [2], 24, 40), Entry("u64", "U64", [1], 40, 48)) + "}";
        byte[] data =
        [
            0, 1, 0, 255, 0x80, 0x7F,
            .. BitConverter.GetBytes((short)-32768), .. BitConverter.GetBytes((short)32767),
            .. BitConverter.GetBytes((ushort)65535),
            .. BitConverter.GetBytes(int.MinValue), .. BitConverter.GetBytes(16_777_217),
            .. BitConverter.GetBytes(uint.MaxValue),
            .. BitConverter.GetBytes(long.MinValue), .. BitConverter.GetBytes(long.MaxValue),
            .. BitConverter.GetBytes((ulong)long.MaxValue),
        ];

        var ints = Load(Build(header, data)).Integers;

        Assert.Equal(new long[] { 0, 1 }, ints["bool"].Values);
        Assert.Equal(new long[] { 0, 255 }, ints["u8"].Values);
        Assert.Equal(new long[] { -128, 127 }, ints["i8"].Values);
        Assert.Equal(new long[] { -32768, 32767 }, ints["i16"].Values);
        Assert.Equal(new long[] { 65535 }, ints["u16"].Values);
        Assert.Equal(new long[] { int.MinValue, 16_777_217 }, ints["i32"].Values);
        Assert.Equal(new long[] { uint.MaxValue }, ints["u32"].Values);
        Assert.Equal(new long[] { long.MinValue, long.MaxValue }, ints["i64"].Values);
        Assert.Equal(new long[] { long.MaxValue }, ints["u64"].Values);
        Assert.Equal(SafeTensorsDType.Bool, ints["bool"].DType);
    }

    [Fact]
    public void Load_HeaderOrderDiffersFromDataOrder_ReadsEachTensorFromItsOffsets()
    {
        var header = "{" + Entry("second", "F32", [1], 4, 8) + "," + Entry("first", "F32", [1], 0, 4) + "}";

        var file = Load(Build(header, Floats(1f, 2f)));

        Assert.Equal(1f, file.Tensors["first"].Item());
        Assert.Equal(2f, file.Tensors["second"].Item());
    }

    [Fact]
    public void Load_PaddingUnknownFieldsNullMetadataAndEmptyTensors_AreAccepted()
    {
        var header = "{\"__metadata__\":null,\"e\":{\"dtype\":\"F32\",\"shape\":[0,3],\"data_offsets\":[0,0],\"extra\":{\"x\":[1]}},"
            + Entry("z", "F32", [0], 0, 0) + "," + Entry("w", "F32", [1], 0, 4) + "}\n\t  ";

        var file = Load(Build(header, Floats(3f)));

        Assert.Equal(new[] { 0, 3 }, file.Tensors["e"].Shape.ToArray());
        Assert.Equal(0, file.Tensors["z"].Size);
        Assert.Equal(3f, file.Tensors["w"].Item());
        Assert.Empty(file.Metadata);
    }

    [Fact]
    public void Load_EscapedNamesInHeader_AreDecoded()
    {
        var header = "{\"\\u00fc\\ud83d\\ude00\\n\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4]}}";

        var file = Load(Build(header, Floats(5f)));

        Assert.Equal(5f, file.Tensors["ü😀\n"].Item());
    }

    [Fact]
    public void Load_IntegerTensorOfRank5_IsKeptWhileFloatRank5IsRefused()
    {
        var ints = Load(Build("{" + Entry("i", "I32", [1, 1, 1, 1, 2], 0, 8) + "}", new byte[8]));
        Assert.Equal(new[] { 1, 1, 1, 1, 2 }, ints.Integers["i"].Shape.ToArray());

        var ex = Assert.Throws<CheckpointFormatException>(() => Load(Build("{" + Entry("f", "F32", [1, 1, 1, 1, 2], 0, 8) + "}", new byte[8])));
        Assert.Equal("f", ex.TensorName);
        Assert.Contains("rank 5", ex.Message, StringComparison.Ordinal);
    }
}
