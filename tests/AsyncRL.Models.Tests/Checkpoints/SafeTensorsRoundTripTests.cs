using AsyncRL.Models.Checkpoints;

namespace AsyncRL.Models.Tests.Checkpoints;

public sealed class SafeTensorsRoundTripTests
{
    [Theory]
    [InlineData(new int[0])]
    [InlineData(new[] { 5 })]
    [InlineData(new[] { 3, 4 })]
    [InlineData(new[] { 2, 3, 4 })]
    [InlineData(new[] { 2, 1, 3, 2 })]
    [InlineData(new[] { 0 })]
    [InlineData(new[] { 3, 0 })]
    [InlineData(new[] { 2, 0, 4, 1 })]
    public void SaveLoad_ShapesOfRank0To4_RoundTrip(int[] shape)
    {
        var tensor = Tensor.Uniform(new Generator(7), -3f, 3f, shape);

        var loaded = SafeTensorsBytes.Load(SafeTensorsBytes.Save(new Dictionary<string, Tensor> { ["t"] = tensor }));

        var back = loaded.Tensors["t"];
        Assert.Equal(shape, back.Shape.ToArray());
        Assert.Equal(tensor.ToArray(), back.ToArray());
        Assert.Equal(SafeTensorsDType.F32, loaded.DTypes["t"]);
    }

    [Fact]
    public void SaveLoad_SpecialValues_AreBitExact()
    {
        uint[] bits =
        [
            0x7FC00000, 0xFFC00000, 0x7FC12345, 0x7F800001, // quiet NaNs (with payloads) and a signalling NaN
            0x7F800000, 0xFF800000, 0x80000000, 0x00000000,  // ±Inf, −0, +0
            0x00000001, 0x807FFFFF, 0x7F7FFFFF, 0xFF7FFFFF,  // subnormals, ±MaxValue
        ];
        var tensor = new Tensor(bits.Select(BitConverter.UInt32BitsToSingle).ToArray(), 3, 4);

        var loaded = SafeTensorsBytes.Load(SafeTensorsBytes.Save(new Dictionary<string, Tensor> { ["special"] = tensor }));

        Assert.Equal(bits, loaded.Tensors["special"].ToArray().Select(BitConverter.SingleToUInt32Bits).ToArray());
    }

    [Fact]
    public void SaveLoad_ManyTensorsAndMetadata_RoundTrip()
    {
        var rng = new Generator(11);
        var tensors = Enumerable.Range(0, 300).ToDictionary(
            i => $"layers.{i}.weight",
            i => Tensor.Uniform(rng, -1f, 1f, 1 + (i % 5), 1 + (i % 3)));
        var metadata = new Dictionary<string, string> { ["format"] = "pt", ["step"] = "1200", ["rng"] = "[1,2,3]", ["empty"] = "" };

        var loaded = SafeTensorsBytes.Load(SafeTensorsBytes.Save(tensors, metadata));

        Assert.Equal(tensors.Count, loaded.Tensors.Count);
        foreach (var (name, tensor) in tensors)
        {
            Assert.Equal(tensor.Shape.ToArray(), loaded.Tensors[name].Shape.ToArray());
            Assert.Equal(tensor.ToArray(), loaded.Tensors[name].ToArray());
        }
        Assert.Equal(metadata, loaded.Metadata);
        Assert.Empty(loaded.Integers);
    }

    [Fact]
    public void SaveLoad_UnicodeAndEscapedNames_RoundTrip()
    {
        string[] names = ["gewichte.ü", "权重", "emoji😀", "quote\"back\\slash", "new\nline\ttab", "", " "];
        var tensors = names.Select((n, i) => (n, i)).ToDictionary(p => p.n, p => Tensor.Full(p.i, 2));
        var metadata = new Dictionary<string, string> { ["ключ"] = "значение 😀", ["ctl"] = "\u0001\u001f" };

        var loaded = SafeTensorsBytes.Load(SafeTensorsBytes.Save(tensors, metadata));

        Assert.Equal(names.Order(StringComparer.Ordinal), loaded.Tensors.Keys.Order(StringComparer.Ordinal));
        foreach (var (name, tensor) in tensors) Assert.Equal(tensor.ToArray(), loaded.Tensors[name].ToArray());
        Assert.Equal(metadata, loaded.Metadata);
    }

    [Fact]
    public void Save_ViewWithOffset_WritesOnlyTheViewedElements()
    {
        var whole = Tensor.FromArray([0, 1, 2, 3, 4, 5, 6, 7], 4, 2);
        var rows = whole.ViewRows(1, 2);

        var loaded = SafeTensorsBytes.Load(SafeTensorsBytes.Save(new Dictionary<string, Tensor> { ["rows"] = rows }));

        Assert.Equal(new float[] { 2, 3, 4, 5 }, loaded.Tensors["rows"].ToArray());
    }

    [Fact]
    public void Save_InsertionOrder_DoesNotChangeTheBytes()
    {
        var a = Tensor.FromArray([1, 2]);
        var b = Tensor.FromArray([3]);

        var first = SafeTensorsBytes.Save(new Dictionary<string, Tensor> { ["a"] = a, ["b"] = b }, new Dictionary<string, string> { ["x"] = "1", ["y"] = "2" });
        var second = SafeTensorsBytes.Save(new Dictionary<string, Tensor> { ["b"] = b, ["a"] = a }, new Dictionary<string, string> { ["y"] = "2", ["x"] = "1" });

        Assert.Equal(first, second);
    }

    [Fact]
    public void Save_ReservedMetadataName_Throws()
    {
        var ex = Assert.Throws<ArgumentException>(() => SafeTensorsBytes.Save(new Dictionary<string, Tensor> { ["__metadata__"] = Tensor.Scalar(1) }));
        Assert.Contains("__metadata__", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_NonSeekableStream_ReadsTheSameTensors()
    {
        var bytes = SafeTensorsBytes.Save(new Dictionary<string, Tensor> { ["w"] = Tensor.FromArray([1, 2, 3], 3, 1) });

        var loaded = SafeTensors.Load(new ForwardOnlyStream(bytes));

        Assert.Equal(new float[] { 1, 2, 3 }, loaded.Tensors["w"].ToArray());
    }

    [Fact]
    public void SaveLoad_Path_RoundTripsAndLeavesNoTemporaryFile()
    {
        using var dir = new TempDirectory();
        var path = dir.File("model.safetensors");

        SafeTensors.Save(path, new Dictionary<string, Tensor> { ["w"] = Tensor.FromArray([4, 5]) });
        SafeTensors.Save(path, new Dictionary<string, Tensor> { ["w"] = Tensor.FromArray([6, 7]) });

        Assert.Equal(new float[] { 6, 7 }, SafeTensors.Load(path).Tensors["w"].ToArray());
        Assert.Equal([path], Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void Save_Path_FailureMidWrite_KeepsThePreviousFile()
    {
        using var dir = new TempDirectory();
        var path = dir.File("model.safetensors");
        SafeTensors.Save(path, new Dictionary<string, Tensor> { ["w"] = Tensor.FromArray([1, 2]) });
        Tensor released;
        using (DisposeScope.Begin()) released = Tensor.Ones(1000); // its storage goes back to the pool here
        // "a" is written first (sorted order); reading "z"'s storage then throws, half-way through the data.
        var tensors = new Dictionary<string, Tensor> { ["a"] = Tensor.Ones(1000), ["z"] = released };

        Assert.Throws<ObjectDisposedException>(() => SafeTensors.Save(path, tensors));

        Assert.Equal(new float[] { 1, 2 }, SafeTensors.Load(path).Tensors["w"].ToArray());
        Assert.Equal([path], Directory.GetFiles(dir.Path));
    }

    /// <summary>A stream that cannot seek or report its length, like a pipe or a network body.</summary>
    private sealed class ForwardOnlyStream(byte[] bytes) : MemoryStream(bytes, writable: false)
    {
        public override bool CanSeek => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override long Seek(long offset, SeekOrigin loc) => throw new NotSupportedException();
    }
}
