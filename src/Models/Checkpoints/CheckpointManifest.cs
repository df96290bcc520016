using System.Text.Json.Serialization;

namespace AsyncRL.Models.Checkpoints;

/// <summary>
/// <c>manifest.json</c> of one checkpoint directory. It is written last, so a directory with a
/// manifest whose checksums match is complete; a directory without one was never finished.
/// </summary>
public sealed record CheckpointManifest
{
    /// <summary>The layout version this code writes and reads.</summary>
    public const int CurrentFormatVersion = 1;

    /// <summary>Layout version; readers refuse versions they do not know.</summary>
    public required int FormatVersion { get; init; }

    /// <summary>The learner step (update count) the checkpoint captures.</summary>
    public required long Step { get; init; }

    /// <summary>When the checkpoint was written, from the store's <see cref="TimeProvider"/>.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>The files of the checkpoint, with their sizes and SHA-256 digests.</summary>
    public required IReadOnlyList<CheckpointFile> Files { get; init; }

    /// <summary>Free-form strings the learner needs to resume: RNG state, policy version, configuration hash…</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();
}

/// <summary>One file of a checkpoint: a plain name inside the checkpoint directory, its length and lower-case hex SHA-256.</summary>
public sealed record CheckpointFile(string Name, long Bytes, string Sha256);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true)]
[JsonSerializable(typeof(CheckpointManifest))]
internal sealed partial class CheckpointJsonContext : JsonSerializerContext;
