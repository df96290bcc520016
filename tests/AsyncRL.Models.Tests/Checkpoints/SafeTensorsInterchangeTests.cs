using System.Text.Json;
using AsyncRL.Models.Checkpoints;
using AsyncRL.Tests.Support;

namespace AsyncRL.Models.Tests.Checkpoints;

/// <summary>Our files against an independent reader and writer (json + numpy, no torch).</summary>
public sealed class SafeTensorsInterchangeTests
{
    private static readonly string s_script = Path.Combine(AppContext.BaseDirectory, "Checkpoints", "safetensors_numpy.py");

    [RequiresPythonNumpyFact]
    public void Save_ReadByNumpy_SameShapesBitsAndMetadata()
    {
        using var dir = new TempDirectory();
        var path = dir.File("ours.safetensors");
        var special = new[] { 0x7FC00000u, 0xFF800000u, 0x80000000u, 0x00000001u, 0x7F7FFFFFu, 0x3F800000u };
        var tensors = new Dictionary<string, Tensor>
        {
            ["scalar"] = Tensor.Scalar(-1.25f),
            ["bias"] = Tensor.FromArray([0.1f, 0.2f, 0.3f]),
            ["encoder.layers.0.weight"] = Tensor.Uniform(new Generator(3), -1f, 1f, 4, 3),
            ["special"] = new Tensor(special.Select(BitConverter.UInt32BitsToSingle).ToArray(), 1, 2, 3),
            ["rank4"] = Tensor.Uniform(new Generator(4), -5f, 5f, 2, 1, 3, 2),
            ["empty"] = Tensor.Zeros(2, 0),
            ["名前😀\"quoted\""] = Tensor.Full(7f, 2),
        };
        var metadata = new Dictionary<string, string> { ["format"] = "pt", ["rng"] = "{\"seed\":1}", ["ключ"] = "значение" };
        SafeTensors.Save(path, tensors, metadata);

        using var dump = JsonDocument.Parse(PythonNumpy.Run(s_script, "dump", path));

        var root = dump.RootElement;
        Assert.True(root.GetProperty("aligned").GetBoolean(), "the data area must start 8-byte aligned");
        Assert.Equal(metadata, root.GetProperty("metadata").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!));
        var read = root.GetProperty("tensors");
        Assert.Equal(tensors.Keys.Order(StringComparer.Ordinal), read.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        foreach (var (name, tensor) in tensors)
        {
            var entry = read.GetProperty(name);
            Assert.Equal("F32", entry.GetProperty("dtype").GetString());
            Assert.Equal(tensor.Shape.ToArray(), entry.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()));
            Assert.Equal(tensor.ToArray().Select(BitConverter.SingleToUInt32Bits), entry.GetProperty("bits").EnumerateArray().Select(e => e.GetUInt32()));
        }
    }

    [RequiresPythonNumpyFact]
    public void Load_WrittenByNumpy_SameValuesAsNumpyConverts()
    {
        using var dir = new TempDirectory();
        var path = dir.File("theirs.safetensors");

        using var expected = JsonDocument.Parse(PythonNumpy.Run(s_script, "write", path));
        var file = SafeTensors.Load(path);

        var root = expected.RootElement;
        Assert.Equal(root.GetProperty("metadata").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!), file.Metadata);
        var entries = root.GetProperty("tensors").EnumerateObject().ToList();
        Assert.Equal(entries.Count, file.DTypes.Count);
        foreach (var entry in entries)
        {
            var name = entry.Name;
            var shape = entry.Value.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()).ToArray();
            Assert.Equal(entry.Value.GetProperty("dtype").GetString(), file.DTypes[name].ToString().ToUpperInvariant());
            if (entry.Value.TryGetProperty("bits", out var bits))
            {
                Assert.Equal(shape, file.Tensors[name].Shape.ToArray());
                Assert.Equal(bits.EnumerateArray().Select(e => e.GetUInt32()), file.Tensors[name].ToArray().Select(BitConverter.SingleToUInt32Bits));
            }
            else
            {
                Assert.Equal(shape, file.Integers[name].Shape.ToArray());
                Assert.Equal(entry.Value.GetProperty("values").EnumerateArray().Select(e => e.GetInt64()), file.Integers[name].Values);
            }
        }
    }
}
