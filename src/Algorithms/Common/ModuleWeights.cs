using System.Runtime.InteropServices;
using AsyncRL.Contracts;
using AsyncRL.Contracts.V1;
using AsyncRL.Models.Nn;

namespace AsyncRL.Algorithms;

/// <summary>
/// A module's parameters as one contiguous blob (for <c>WeightsChunk</c>): parameters in
/// <see cref="Module.NamedParameters"/> order, each described by name, shape and byte offset.
/// </summary>
public static class ModuleWeights
{
    /// <summary>Packs the module's parameters in the given encoding.</summary>
    public static (byte[] Blob, ParameterInfo[] Parameters) Pack(Module module, WeightsEncoding encoding)
    {
        ArgumentNullException.ThrowIfNull(module);
        int width = BytesPer(encoding);
        var named = module.NamedParameters().ToList();
        var infos = new ParameterInfo[named.Count];
        long total = named.Sum(p => (long)p.Value.Size * width);
        var blob = new byte[total];
        long offset = 0;
        for (int i = 0; i < named.Count; i++)
        {
            var (name, t) = named[i];
            var info = new ParameterInfo { Name = name, Offset = (ulong)offset, Dtype = encoding == WeightsEncoding.Bf16 ? DType.Bfloat16 : DType.Float32 };
            foreach (int d in t.Shape) info.Shape.Add(d);
            infos[i] = info;
            var dst = blob.AsSpan((int)offset, t.Size * width);
            if (width == 4) MemoryMarshal.AsBytes(t.Data).CopyTo(dst);
            else BFloat16.Encode(t.Data, dst);
            offset += t.Size * width;
        }
        return (blob, infos);
    }

    /// <summary>
    /// Copies a blob into the module's parameters. Every parameter must be described with its exact
    /// name and shape and lie inside the blob; otherwise nothing is changed and the reason is thrown.
    /// </summary>
    public static void Apply(Module module, ReadOnlySpan<byte> blob, IReadOnlyList<ParameterInfo> parameters, WeightsEncoding encoding)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(parameters);
        int width = BytesPer(encoding);
        var own = module.NamedParameters().ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        if (parameters.Count != own.Count)
            throw new InvalidDataException($"Weights describe {parameters.Count} parameters, the model has {own.Count}.");
        foreach (var info in parameters)
        {
            if (!own.TryGetValue(info.Name, out var t)) throw new InvalidDataException($"Weights name an unknown parameter '{info.Name}'.");
            if (!info.Shape.SequenceEqual(t.Shape.ToArray().Select(d => (long)d)))
                throw new InvalidDataException($"Weights give '{info.Name}' shape [{string.Join(", ", info.Shape)}], the model has {Models.Tensor.ShapeString(t.Shape)}.");
            if (info.Offset + (ulong)t.Size * (ulong)width > (ulong)blob.Length)
                throw new InvalidDataException($"Weights of '{info.Name}' run past the end of the {blob.Length}-byte blob.");
        }
        foreach (var info in parameters)
        {
            var t = own[info.Name];
            var src = blob.Slice((int)info.Offset, t.Size * width);
            if (width == 4) MemoryMarshal.Cast<byte, float>(src).CopyTo(t.Data);
            else BFloat16.Decode(src, t.Data);
        }
    }

    private static int BytesPer(WeightsEncoding encoding) => encoding switch
    {
        WeightsEncoding.F32 or WeightsEncoding.Unspecified => 4,
        WeightsEncoding.Bf16 => 2,
        _ => throw new ArgumentOutOfRangeException(nameof(encoding), encoding, "Unknown weights encoding."),
    };
}
