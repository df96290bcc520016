namespace AsyncRL.Algorithms;

/// <summary>An algorithm's checkpointable state: named tensors (safetensors files) and strings (the manifest).</summary>
/// <param name="Model">The model's state dict.</param>
/// <param name="Optimizer">The optimizer's state dict (null when it has none).</param>
/// <param name="Metadata">Everything else needed to continue exactly (RNG state, counters), as strings.</param>
public sealed record LearnerAlgorithmState(
    IReadOnlyDictionary<string, Tensor> Model, IReadOnlyDictionary<string, Tensor>? Optimizer, IReadOnlyDictionary<string, string> Metadata)
{
    /// <summary>A replay store's rows (replay-based algorithms, when asked to checkpoint them; its own file as it can be large).</summary>
    public IReadOnlyDictionary<string, Tensor>? Replay { get; init; }
}
