using AsyncRL.Algorithms;
using AsyncRL.Models.Checkpoints;

namespace AsyncRL.Learner.Checkpointing;

/// <summary>
/// The learner's checkpoints on a <see cref="CheckpointStore"/> (DIR/checkpoints): the algorithm's tensors
/// (model.safetensors, optimizer.safetensors) and, in the manifest, the algorithm's strings beside the
/// node's own (<c>learner.*</c>: run id, version, counters, de-duplication watermarks).
/// </summary>
internal sealed class LearnerCheckpoints(string root, int keepLast, TimeProvider time)
{
    /// <summary>Prefix of the node's own metadata keys.</summary>
    public const string NodePrefix = "learner.";

    private readonly CheckpointStore _store = new(root, keepLast, time);

    /// <summary>Saves the state at <paramref name="update"/> (the store's step).</summary>
    public CheckpointManifest Save(long update, LearnerAlgorithmState algorithm, IReadOnlyDictionary<string, string> node)
    {
        var metadata = new Dictionary<string, string>(algorithm.Metadata, StringComparer.Ordinal);
        foreach (var (key, value) in node)
        {
            if (!key.StartsWith(NodePrefix, StringComparison.Ordinal)) throw new ArgumentException($"Node metadata key '{key}' lacks the '{NodePrefix}' prefix.", nameof(node));
            metadata[key] = value;
        }
        return _store.Save(update, algorithm.Model, algorithm.Optimizer, metadata, algorithm.Replay);
    }

    /// <summary>Whether any checkpoint directory exists, complete or not.</summary>
    public bool Any => _store.Steps().Count > 0;

    /// <summary>The checkpoints directory.</summary>
    public string Root => _store.Root;

    /// <summary>The newest checkpoint that verifies, or null for a fresh run; <paramref name="problems"/> lists the ones skipped.</summary>
    public (LearnerAlgorithmState Algorithm, IReadOnlyDictionary<string, string> Metadata, long Update)? TryLoadLatest(ICollection<string> problems)
    {
        var checkpoint = _store.TryLoadLatest(problems);
        if (checkpoint is null) return null;
        var algorithmMetadata = checkpoint.Metadata.Where(kv => !kv.Key.StartsWith(NodePrefix, StringComparison.Ordinal))
            .ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        var state = new LearnerAlgorithmState(checkpoint.Model.WeightTensors($"checkpoint {checkpoint.Step} model"), checkpoint.Optimizer?.Tensors, algorithmMetadata) { Replay = checkpoint.Replay?.Tensors };
        return (state, checkpoint.Metadata, checkpoint.Step);
    }
}
