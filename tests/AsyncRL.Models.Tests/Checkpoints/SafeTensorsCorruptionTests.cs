using System.Buffers.Binary;
using AsyncRL.Models.Checkpoints;
using static AsyncRL.Models.Tests.Checkpoints.SafeTensorsBytes;

namespace AsyncRL.Models.Tests.Checkpoints;

/// <summary>Each kind of damage gives a <see cref="CheckpointFormatException"/> that says what is wrong and where.</summary>
public sealed class SafeTensorsCorruptionTests
{
    private static readonly string s_w = Entry("w", "F32", [2], 0, 8);

    public static TheoryData<string, byte[], string, string?> Cases() => new()
    {
        { "empty file", [], "too short", null },
        { "7-byte file", new byte[7], "too short", null },
        { "length past end", WithLength(Build("{}"), 3), "runs past the end", null },
        { "length over the cap", WithLength(Build("{}"), SafeTensors.MaxHeaderBytes + 1UL), "exceeds the limit", null },
        { "length u64 max", WithLength(Build("{}"), ulong.MaxValue), "exceeds the limit", null },
        { "header length zero", Build(""), "must be a JSON object", null },
        { "invalid UTF-8", Build([(byte)'{', (byte)'"', 0xC3, 0x28, (byte)'"', (byte)':', (byte)'1', (byte)'}'], []), "not valid UTF-8", null },
        { "not JSON", Build("{garbage"), "not valid JSON", null },
        { "array header", Build("[1,2]"), "must be a JSON object", null },
        { "unterminated", Build("{\"w\":{\"dtype\":\"F32\""), "not valid JSON", null },
        { "trailing content", Build("{} {}"), "not valid JSON", null },
        { "trailing comma", Build("{" + s_w + ",}", Floats(1, 2)), "not valid JSON", null },
        { "lone surrogate escape", Build("{\"\\ud800\":1}"), "invalid string", null },
        { "entry not an object", Build("{\"w\":[1]}"), "must be an object", "w" },
        { "missing dtype", Build("{\"w\":{\"shape\":[2],\"data_offsets\":[0,8]}}", Floats(1, 2)), "missing 'dtype'", "w" },
        { "missing shape", Build("{\"w\":{\"dtype\":\"F32\",\"data_offsets\":[0,8]}}", Floats(1, 2)), "missing 'shape'", "w" },
        { "missing offsets", Build("{\"w\":{\"dtype\":\"F32\",\"shape\":[2]}}", Floats(1, 2)), "missing 'data_offsets'", "w" },
        { "dtype twice", Build("{\"w\":{\"dtype\":\"F32\",\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,8]}}", Floats(1, 2)), "'dtype' more than once", "w" },
        { "unknown dtype", Build("{" + Entry("w", "Q4_K", [2], 0, 8) + "}", Floats(1, 2)), "unsupported dtype 'Q4_K'", "w" },
        { "fp8 dtype", Build("{" + Entry("w", "F8_E4M3", [8], 0, 8) + "}", Floats(1, 2)), "unsupported dtype", "w" },
        { "dtype not a string", Build("{\"w\":{\"dtype\":4,\"shape\":[2],\"data_offsets\":[0,8]}}", Floats(1, 2)), "'dtype' must be a string", "w" },
        { "negative dimension", Build("{" + Entry("w", "F32", [-2], 0, 8) + "}", Floats(1, 2)), "negative dimension", "w" },
        { "fractional dimension", Build("{\"w\":{\"dtype\":\"F32\",\"shape\":[2.5],\"data_offsets\":[0,8]}}", Floats(1, 2)), "whole numbers", "w" },
        { "huge dimension", Build("{\"w\":{\"dtype\":\"F32\",\"shape\":[99999999999999999999],\"data_offsets\":[0,8]}}", Floats(1, 2)), "whole numbers", "w" },
        { "shape product overflows", Build("{" + Entry("w", "F32", [int.MaxValue, int.MaxValue, int.MaxValue], 0, 8) + "}", Floats(1, 2)), "64 bits", "w" },
        { "too many elements for an array", Build("{" + Entry("w", "U8", [int.MaxValue, 2], 0, 2L * int.MaxValue) + "}", Floats(1, 2)), "run past the end", "w" },
        { "three offsets", Build("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8,16]}}", Floats(1, 2)), "exactly two", "w" },
        { "one offset", Build("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8]}}", Floats(1, 2)), "exactly two", "w" },
        { "negative offset", Build("{" + Entry("w", "F32", [2], -8, 0) + "}", Floats(1, 2)), "non-negative", "w" },
        { "end before begin", Build("{" + Entry("w", "F32", [2], 8, 0) + "}", Floats(1, 2)), "end before they begin", "w" },
        { "size mismatch", Build("{" + Entry("w", "F32", [3], 0, 8) + "}", Floats(1, 2)), "needs 12 bytes", "w" },
        { "offsets past end", Build("{" + Entry("w", "F32", [4], 0, 16) + "}", Floats(1, 2)), "run past the end", "w" },
        { "offsets far past end", Build("{" + Entry("w", "F32", [2], long.MaxValue - 8, long.MaxValue) + "}", Floats(1, 2)), "run past the end", "w" },
        { "overlap", Build("{" + Entry("a", "F32", [2], 0, 8) + "," + Entry("b", "F32", [1], 4, 8) + "}", Floats(1, 2)), "overlap tensor 'a'", "b" },
        { "gap", Build("{" + Entry("a", "F32", [1], 0, 4) + "," + Entry("b", "F32", [1], 8, 12) + "}", Floats(1, 2, 3)), "gap of 4 bytes", "b" },
        { "gap at start", Build("{" + Entry("a", "F32", [1], 4, 8) + "}", Floats(1, 2)), "at the start", "a" },
        { "trailing bytes", Build("{" + s_w + "}", Floats(1, 2, 3)), "stray trailing bytes", null },
        { "data without tensors", Build("{}", Floats(1)), "stray trailing bytes", null },
        { "duplicate name", Build("{" + s_w + "," + s_w + "}", Floats(1, 2)), "more than once", "w" },
        { "metadata not an object", Build("{\"__metadata__\":[1]," + s_w + "}", Floats(1, 2)), "must be an object of strings", null },
        { "metadata value not a string", Build("{\"__metadata__\":{\"a\":1}," + s_w + "}", Floats(1, 2)), "must be a string", null },
        { "metadata key twice", Build("{\"__metadata__\":{\"a\":\"1\",\"a\":\"2\"}}"), "more than once", null },
        { "metadata twice", Build("{\"__metadata__\":{},\"__metadata__\":{}}"), "more than once", "__metadata__" },
        { "deep nesting", Build("{\"w\":{\"x\":" + new string('[', 100) + new string(']', 100) + "}}"), "not valid JSON", null },
        { "U64 too large", Build("{" + Entry("u", "U64", [1], 0, 8) + "}", BitConverter.GetBytes(ulong.MaxValue)), "does not fit", "u" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Load_CorruptFile_ThrowsFormatExceptionNamingTheProblem(string damage, byte[] bytes, string expectedMessage, string? expectedTensor)
    {
        var ex = Assert.Throws<CheckpointFormatException>(() => Load(bytes));

        Assert.True(ex.Message.Contains(expectedMessage, StringComparison.Ordinal), $"{damage}: message was \"{ex.Message}\"");
        Assert.Equal(expectedTensor, ex.TensorName);
        if (expectedTensor is not null) Assert.Contains($"'{expectedTensor}'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_TruncatedAtEveryByte_ThrowsFormatException()
    {
        var bytes = Save(new Dictionary<string, Tensor>
        {
            ["a"] = Tensor.FromArray([1, 2, 3], 3),
            ["b"] = Tensor.Scalar(4),
        }, new Dictionary<string, string> { ["m"] = "v" });

        for (int length = 0; length < bytes.Length; length++)
        {
            var truncated = bytes.AsSpan(0, length).ToArray();
            Assert.Throws<CheckpointFormatException>(() => Load(truncated));
        }
    }

    [Fact]
    public void Load_TruncatedFileOnDisk_ThrowsFormatException()
    {
        using var dir = new TempDirectory();
        var path = dir.File("m.safetensors");
        SafeTensors.Save(path, new Dictionary<string, Tensor> { ["w"] = Tensor.Ones(256) });
        using (var file = new FileStream(path, FileMode.Open)) file.SetLength(file.Length - 1);

        var ex = Assert.Throws<CheckpointFormatException>(() => SafeTensors.Load(path));

        Assert.Equal("w", ex.TensorName);
        Assert.Contains("truncated", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_HugeClaimedHeaderInSmallFile_FailsWithoutAllocatingIt()
    {
        var bytes = WithLength(Build("{}"), SafeTensors.MaxHeaderBytes);
        long before = GC.GetAllocatedBytesForCurrentThread();

        Assert.Throws<CheckpointFormatException>(() => Load(bytes));

        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20, "the claimed header size was allocated");
    }

    private static byte[] WithLength(byte[] bytes, ulong headerLength)
    {
        var copy = bytes.ToArray();
        BinaryPrimitives.WriteUInt64LittleEndian(copy, headerLength);
        return copy;
    }
}
