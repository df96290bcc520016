using AsyncRL.Models.Checkpoints;

namespace AsyncRL.Models.Tests.Golden;

/// <summary>One PyTorch fixture (see tests/golden/make_golden.py for the naming scheme).</summary>
internal sealed class GoldenFixture
{
    private readonly IReadOnlyDictionary<string, Tensor> _tensors;

    private GoldenFixture(IReadOnlyDictionary<string, Tensor> tensors) => _tensors = tensors;

    public static GoldenFixture Load(string name) =>
        new(SafeTensors.Load(Path.Combine(AppContext.BaseDirectory, "Golden", "fixtures", name + ".safetensors")).Tensors);

    public Tensor this[string key] => _tensors.TryGetValue(key, out var t) ? t.Clone() : throw new KeyNotFoundException($"fixture has no tensor '{key}'");

    public int[] Ints(string key) => [.. this[key].ToArray().Select(v => (int)v)];

    /// <summary>Entries under a prefix, with the prefix removed (e.g. a module state dict under "p.").</summary>
    public Dictionary<string, Tensor> WithPrefix(string prefix) =>
        _tensors.Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal))
            .ToDictionary(kv => kv.Key[prefix.Length..], kv => kv.Value.Clone(), StringComparer.Ordinal);

    /// <summary>Asserts |actual − expected| ≤ atol + rtol·|expected| element-wise, naming the first offender.</summary>
    public static void AssertClose(Tensor expected, Tensor actual, string what, double rtol = 1e-4, double atol = 1e-5)
    {
        Assert.True(expected.Shape.SequenceEqual(actual.Shape),
            $"{what}: shape {Tensor.ShapeString(actual.Shape)}, expected {Tensor.ShapeString(expected.Shape)}");
        var e = expected.Data;
        var a = actual.Data;
        for (int i = 0; i < e.Length; i++)
            Assert.True(Math.Abs(a[i] - e[i]) <= atol + rtol * Math.Abs(e[i]),
                $"{what}[{i}]: {a[i]:G7}, PyTorch {e[i]:G7}");
    }
}
