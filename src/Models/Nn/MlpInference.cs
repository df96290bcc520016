using System.Numerics.Tensors;
using AsyncRL.Models.Backend;

namespace AsyncRL.Models.Nn;

/// <summary>
/// Allocation-free forward passes of an MLP built by <see cref="Mlp"/>, for actors that call the
/// policy millions of times: no tape, no tensors, buffers sized once. It reads the module's live
/// weight storage, so weights loaded into the module are used at the next call. One instance per
/// thread (it owns its scratch buffers).
/// </summary>
public sealed class MlpInference
{
    private readonly (Tensor Weight, Tensor? Bias, ActivationKind? After)[] _layers;
    private float[] _a;
    private float[] _b;
    private int _capacityRows;

    /// <summary>Compiles the plan; the sequential must hold only <see cref="Linear"/> and <see cref="Activation"/> layers.</summary>
    public MlpInference(Sequential mlp, int maxBatch = 1)
    {
        ArgumentNullException.ThrowIfNull(mlp);
        var layers = new List<(Tensor, Tensor?, ActivationKind?)>();
        foreach (var layer in mlp.Layers)
        {
            switch (layer)
            {
                case Linear linear:
                    layers.Add((linear.Weight, linear.Bias, null));
                    break;
                case Activation act when layers.Count > 0 && layers[^1].Item3 is null:
                    layers[^1] = (layers[^1].Item1, layers[^1].Item2, act.Kind);
                    break;
                default:
                    throw new NotSupportedException($"MlpInference: unsupported layer {layer.GetType().Name} (Linear and single activations only).");
            }
        }
        if (layers.Count == 0) throw new ArgumentException("MlpInference: the module has no Linear layer.", nameof(mlp));
        _layers = [.. layers];
        InputSize = _layers[0].Weight.Dim(1);
        OutputSize = _layers[^1].Weight.Dim(0);
        Width = _layers.Max(l => l.Weight.Dim(0));
        _a = [];
        _b = [];
        EnsureCapacity(Math.Max(1, maxBatch));
    }

    /// <summary>Features per input row.</summary>
    public int InputSize { get; }

    /// <summary>Values per output row.</summary>
    public int OutputSize { get; }

    private int Width { get; }

    private void EnsureCapacity(int rows)
    {
        if (rows <= _capacityRows) return;
        _a = new float[rows * Width];
        _b = new float[rows * Width];
        _capacityRows = rows;
    }

    /// <summary>Runs one observation; the result span is valid until the next call.</summary>
    public ReadOnlySpan<float> Forward(ReadOnlySpan<float> observation)
    {
        if (observation.Length != InputSize)
            throw new ArgumentException($"MlpInference: expected {InputSize} features, got {observation.Length}.", nameof(observation));
        ReadOnlySpan<float> x = observation;
        var cur = _a;
        var next = _b;
        foreach (var (weight, bias, after) in _layers)
        {
            int outF = weight.Dim(0), inF = weight.Dim(1);
            var w = weight.Data;
            var y = cur.AsSpan(0, outF);
            for (int o = 0; o < outF; o++) y[o] = TensorPrimitives.Dot(w.Slice(o * inF, inF), x);
            if (bias is not null) TensorPrimitives.Add(y, bias.Data, y);
            if (after is { } kind) Activation.Apply(kind, y);
            x = y;
            (cur, next) = (next, cur);
        }
        return x;
    }

    /// <summary>Runs a batch of rows (row-major) into <paramref name="output"/> ([rows, OutputSize]).</summary>
    public void Forward(ReadOnlySpan<float> inputs, int rows, Span<float> output)
    {
        if (inputs.Length != rows * InputSize)
            throw new ArgumentException($"MlpInference: expected {rows}×{InputSize} = {rows * InputSize} inputs, got {inputs.Length}.", nameof(inputs));
        if (output.Length < rows * OutputSize)
            throw new ArgumentException($"MlpInference: output holds {output.Length} values, needs {rows * OutputSize}.", nameof(output));
        EnsureCapacity(rows);
        ReadOnlySpan<float> x = inputs;
        var cur = _a;
        var next = _b;
        for (int l = 0; l < _layers.Length; l++)
        {
            var (weight, bias, after) = _layers[l];
            int outF = weight.Dim(0), inF = weight.Dim(1);
            var y = l == _layers.Length - 1 ? output[..(rows * outF)] : cur.AsSpan(0, rows * outF);
            if (bias is not null)
                for (int r = 0; r < rows; r++) bias.Data.CopyTo(y.Slice(r * outF, outF));
            Gemm.Sgemm(false, true, rows, outF, inF, 1f, x, inF, weight.Data, inF, bias is null ? 0f : 1f, y, outF);
            if (after is { } kind) Activation.Apply(kind, y);
            x = y;
            (cur, next) = (next, cur);
        }
    }
}
