namespace AsyncRL.Models.Checkpoints;

/// <summary>A checkpoint read back from a <see cref="CheckpointStore"/>, checksums verified.</summary>
public sealed class Checkpoint
{
    internal Checkpoint(string directory, CheckpointManifest manifest, SafeTensorsFile model, SafeTensorsFile? optimizer)
    {
        Directory = directory;
        Manifest = manifest;
        Model = model;
        Optimizer = optimizer;
    }

    /// <summary>The learner step it captures.</summary>
    public long Step => Manifest.Step;

    /// <summary>The checkpoint's directory.</summary>
    public string Directory { get; }

    /// <summary>The manifest as written.</summary>
    public CheckpointManifest Manifest { get; }

    /// <summary>The model's named tensors (<c>model.safetensors</c>).</summary>
    public SafeTensorsFile Model { get; }

    /// <summary>The optimizer's named tensors (<c>optimizer.safetensors</c>), when one was saved.</summary>
    public SafeTensorsFile? Optimizer { get; }

    /// <summary>A replay store's tensors (<c>replay.safetensors</c>), when one was saved.</summary>
    public SafeTensorsFile? Replay { get; init; }

    /// <summary>The manifest's free-form metadata.</summary>
    public IReadOnlyDictionary<string, string> Metadata => Manifest.Metadata;
}
