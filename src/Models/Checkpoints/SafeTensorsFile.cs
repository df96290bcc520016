namespace AsyncRL.Models.Checkpoints;

/// <summary>
/// What <see cref="SafeTensors.Load(Stream)"/> read: float tensors (F32, and F16/BF16/F64 converted to
/// float32), integer tensors kept as 64-bit values, the dtype each tensor had in the file, and the
/// <c>__metadata__</c> strings.
/// </summary>
public sealed class SafeTensorsFile
{
    internal SafeTensorsFile(
        IReadOnlyDictionary<string, Tensor> tensors,
        IReadOnlyDictionary<string, IntegerTensor> integers,
        IReadOnlyDictionary<string, SafeTensorsDType> dtypes,
        IReadOnlyDictionary<string, string> metadata)
    {
        Tensors = tensors;
        Integers = integers;
        DTypes = dtypes;
        Metadata = metadata;
    }

    /// <summary>Floating-point tensors by name, as float32.</summary>
    public IReadOnlyDictionary<string, Tensor> Tensors { get; }

    /// <summary>Integer and bool tensors by name.</summary>
    public IReadOnlyDictionary<string, IntegerTensor> Integers { get; }

    /// <summary>The dtype every tensor (float or integer) had in the file.</summary>
    public IReadOnlyDictionary<string, SafeTensorsDType> DTypes { get; }

    /// <summary>The header's <c>__metadata__</c> map (empty when absent).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>
    /// The tensors of a file that holds network weights: throws naming the first integer or bool tensor, which no
    /// network parameter can take (otherwise it would only surface as "missing" when the state dict is loaded).
    /// </summary>
    public IReadOnlyDictionary<string, Tensor> WeightTensors(string source)
    {
        foreach (var (name, t) in Integers.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            throw new InvalidDataException($"{source}: tensor '{name}' has dtype {t.DType}; network weights are floating point (F32, or F16, BF16, F64 converted).");
        return Tensors;
    }
}
