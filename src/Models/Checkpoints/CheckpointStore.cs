using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace AsyncRL.Models.Checkpoints;

/// <summary>
/// The learner's checkpoint directory (the run directory's <c>checkpoints/</c>): one sub-directory per
/// saved step holding <c>model.safetensors</c>, optionally <c>optimizer.safetensors</c>, and
/// <c>manifest.json</c> with every file's SHA-256; a <c>latest</c> file naming the newest complete one;
/// and only the last <see cref="KeepLast"/> checkpoints kept. It stores named tensors and strings,
/// nothing about modules, so any model or optimizer can be wired onto it. One writer per directory.
/// </summary>
public sealed class CheckpointStore
{
    /// <summary>The model weights file in each checkpoint.</summary>
    public const string ModelFileName = "model.safetensors";

    /// <summary>The optional optimizer state file in each checkpoint.</summary>
    public const string OptimizerFileName = "optimizer.safetensors";

    /// <summary>The optional replay-store file in each checkpoint (replay-based learners that keep their replay).</summary>
    public const string ReplayFileName = "replay.safetensors";

    /// <summary>The manifest in each checkpoint, written last.</summary>
    public const string ManifestFileName = "manifest.json";

    /// <summary>The pointer file in the root, holding the newest checkpoint's directory name.</summary>
    public const string LatestFileName = "latest";

    private const string StepPrefix = "step-";
    private const string TempPrefix = ".tmp-";
    private const int MaxManifestBytes = 16 << 20;

    private readonly TimeProvider _time;

    /// <summary>Opens (without creating) a store rooted at <paramref name="root"/>.</summary>
    /// <param name="root">The checkpoints directory, e.g. <c>DIR/checkpoints</c>.</param>
    /// <param name="keepLast">How many checkpoints retention keeps (at least 1).</param>
    /// <param name="timeProvider">Clock for <see cref="CheckpointManifest.CreatedAt"/>; the system clock by default.</param>
    public CheckpointStore(string root, int keepLast = 3, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        ArgumentOutOfRangeException.ThrowIfLessThan(keepLast, 1);
        Root = Path.GetFullPath(root);
        KeepLast = keepLast;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>The checkpoints directory.</summary>
    public string Root { get; }

    /// <summary>How many checkpoints are kept after each save.</summary>
    public int KeepLast { get; }

    /// <summary>The directory a step's checkpoint lives in.</summary>
    public string DirectoryFor(long step) => Path.Combine(Root, DirectoryName(step));

    /// <summary>The steps that have a checkpoint directory, ascending (complete or not: <see cref="Load"/> verifies).</summary>
    public IReadOnlyList<long> Steps()
    {
        if (!Directory.Exists(Root)) return [];
        var steps = new List<long>();
        foreach (var dir in Directory.EnumerateDirectories(Root))
            if (TryParseStep(Path.GetFileName(dir), out long step)) steps.Add(step);
        steps.Sort();
        return steps;
    }

    /// <summary>The step the <c>latest</c> pointer names, or null when there is no readable pointer.</summary>
    public long? LatestStep()
    {
        try
        {
            var text = File.ReadAllText(Path.Combine(Root, LatestFileName), Encoding.UTF8).Trim();
            return TryParseStep(text, out long step) ? step : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// Saves a checkpoint. Its files are written into a temporary directory that is renamed into place
    /// once complete, and only then does <c>latest</c> move, so a crash at any point leaves the previous
    /// checkpoint in force. Checkpoints with a higher step than <paramref name="step"/> are deleted:
    /// saving an earlier step means the run was restored from it and their timeline was abandoned.
    /// </summary>
    public CheckpointManifest Save(long step, IReadOnlyDictionary<string, Tensor> model,
        IReadOnlyDictionary<string, Tensor>? optimizer = null, IReadOnlyDictionary<string, string>? metadata = null,
        IReadOnlyDictionary<string, Tensor>? replay = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        ArgumentNullException.ThrowIfNull(model);
        Directory.CreateDirectory(Root);
        var temp = Path.Combine(Root, $"{TempPrefix}{DirectoryName(step)}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(temp);
        try
        {
            var files = new List<CheckpointFile> { WriteTensors(temp, ModelFileName, model) };
            if (optimizer is not null) files.Add(WriteTensors(temp, OptimizerFileName, optimizer));
            if (replay is not null) files.Add(WriteTensors(temp, ReplayFileName, replay));
            var manifest = new CheckpointManifest
            {
                FormatVersion = CheckpointManifest.CurrentFormatVersion,
                Step = step,
                CreatedAt = _time.GetUtcNow(),
                Files = files,
                Metadata = metadata is null ? new Dictionary<string, string>() : new Dictionary<string, string>(metadata, StringComparer.Ordinal),
            };
            var manifestBytes = JsonSerializer.SerializeToUtf8Bytes(manifest, CheckpointJsonContext.Default.CheckpointManifest);
            WriteDurably(Path.Combine(temp, ManifestFileName), manifestBytes);

            var final = DirectoryFor(step);
            if (Directory.Exists(final)) DeleteDirectory(final); // re-saving a step replaces it
            Directory.Move(temp, final);
            AtomicFile.Write(Path.Combine(Root, LatestFileName), s => s.Write(Encoding.UTF8.GetBytes(DirectoryName(step) + "\n")));
            Prune(step);
            return manifest;
        }
        catch
        {
            if (Directory.Exists(temp)) DeleteDirectory(temp);
            throw;
        }
    }

    /// <summary>Loads one checkpoint, verifying its manifest, sizes and checksums.</summary>
    /// <exception cref="CheckpointFormatException">The checkpoint is incomplete or corrupt.</exception>
    /// <exception cref="IOException">Its files cannot be read.</exception>
    public Checkpoint Load(long step)
    {
        var dir = DirectoryFor(step);
        var manifestPath = Path.Combine(dir, ManifestFileName);
        if (!Directory.Exists(dir))
            throw new DirectoryNotFoundException($"checkpoint {DirectoryName(step)} does not exist.");
        if (!File.Exists(manifestPath))
            throw new CheckpointFormatException($"checkpoint {DirectoryName(step)} has no {ManifestFileName}; it was never completed.");
        var manifest = ReadManifest(manifestPath);
        if (manifest.Step != step)
            throw new CheckpointFormatException($"checkpoint {DirectoryName(step)}: its manifest says step {manifest.Step}.");

        SafeTensorsFile? model = null, optimizer = null, replay = null;
        foreach (var file in manifest.Files)
        {
            var loaded = LoadVerified(dir, file);
            if (file.Name == ModelFileName) model = loaded;
            else if (file.Name == OptimizerFileName) optimizer = loaded;
            else if (file.Name == ReplayFileName) replay = loaded;
        }
        if (model is null)
            throw new CheckpointFormatException($"checkpoint {DirectoryName(step)}: the manifest lists no {ModelFileName}.");
        return new Checkpoint(dir, manifest, model, optimizer) { Replay = replay };
    }

    /// <summary>
    /// Loads the checkpoint <c>latest</c> names; if it is missing or corrupt, the newest earlier one that
    /// verifies. Returns null when none does (a fresh run).
    /// </summary>
    /// <param name="problems">Receives one line per checkpoint skipped and why, for the learner's log.</param>
    public Checkpoint? TryLoadLatest(ICollection<string>? problems = null)
    {
        var steps = Steps();
        var latest = LatestStep();
        // Directories newer than the pointer were renamed into place by a save that died before
        // committing; they are ignored (and removed by the next save).
        var candidates = latest is { } pointer
            ? steps.Where(s => s < pointer).Reverse().Prepend(pointer)
            : steps.Reverse();
        foreach (var step in candidates)
        {
            try
            {
                return Load(step);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                problems?.Add($"checkpoint {DirectoryName(step)} skipped: {e.Message}");
            }
        }
        return null;
    }

    private static CheckpointFile WriteTensors(string directory, string name, IReadOnlyDictionary<string, Tensor> tensors)
    {
        var path = Path.Combine(directory, name);
        using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1 << 16))
        {
            SafeTensors.Save(file, tensors);
            file.Flush(flushToDisk: true);
        }
        // Hashing the bytes as written back from the file costs one read from the page cache and
        // keeps the writer free of a hashing stream.
        var (bytes, sha) = Digest(path);
        return new CheckpointFile(name, bytes, sha);
    }

    private static SafeTensorsFile LoadVerified(string directory, CheckpointFile file)
    {
        // The manifest is data from disk: a name must not lead outside the checkpoint directory.
        if (string.IsNullOrEmpty(file.Name) || file.Name != Path.GetFileName(file.Name) || file.Name is "." or "..")
            throw new CheckpointFormatException($"manifest lists an invalid file name '{file.Name}'.");
        var path = Path.Combine(directory, file.Name);
        if (!File.Exists(path))
            throw new CheckpointFormatException($"{file.Name} listed in the manifest is missing.");
        var (bytes, sha) = Digest(path);
        if (bytes != file.Bytes)
            throw new CheckpointFormatException($"{file.Name} is {bytes} bytes, the manifest says {file.Bytes}.");
        if (!string.Equals(sha, file.Sha256, StringComparison.OrdinalIgnoreCase))
            throw new CheckpointFormatException($"{file.Name} has SHA-256 {sha}, the manifest says {file.Sha256}.");
        return SafeTensors.Load(path);
    }

    private static CheckpointManifest ReadManifest(string path)
    {
        var info = new FileInfo(path);
        if (info.Length > MaxManifestBytes)
            throw new CheckpointFormatException($"{ManifestFileName} is {info.Length} bytes, over the {MaxManifestBytes}-byte limit.");
        CheckpointManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize(File.ReadAllBytes(path), CheckpointJsonContext.Default.CheckpointManifest);
        }
        catch (JsonException e)
        {
            throw new CheckpointFormatException($"{ManifestFileName} is not a valid manifest: {e.Message}", e);
        }
        if (manifest is null || manifest.Files is null || manifest.Files.Any(f => f is null || f.Name is null || f.Sha256 is null))
            throw new CheckpointFormatException($"{ManifestFileName} is incomplete.");
        if (manifest.Files.Select(f => f.Name).Distinct(StringComparer.Ordinal).Count() != manifest.Files.Count)
            throw new CheckpointFormatException($"{ManifestFileName} lists a file more than once.");
        if (manifest.FormatVersion != CheckpointManifest.CurrentFormatVersion)
            throw new CheckpointFormatException($"{ManifestFileName} has format version {manifest.FormatVersion}; this build reads {CheckpointManifest.CurrentFormatVersion}.");
        return manifest with { Metadata = manifest.Metadata ?? new Dictionary<string, string>() };
    }

    private void Prune(long savedStep)
    {
        var steps = Steps();
        var keep = steps.Where(s => s <= savedStep).TakeLast(KeepLast).ToHashSet();
        foreach (var step in steps)
            if (!keep.Contains(step)) DeleteDirectory(DirectoryFor(step));
        // Temporary directories of saves that crashed; with one writer none is in use now.
        foreach (var dir in Directory.EnumerateDirectories(Root, TempPrefix + "*"))
            DeleteDirectory(dir);
    }

    private static (long Bytes, string Sha256) Digest(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16, FileOptions.SequentialScan);
        var hash = SHA256.HashData(stream);
        return (stream.Length, Convert.ToHexStringLower(hash));
    }

    private static void WriteDurably(string path, byte[] bytes)
    {
        using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None);
        file.Write(bytes);
        file.Flush(flushToDisk: true);
    }

    private static void DeleteDirectory(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
            // Already gone: the outcome wanted.
        }
    }

    private static string DirectoryName(long step) => StepPrefix + step.ToString("D10", CultureInfo.InvariantCulture);

    private static bool TryParseStep(string name, out long step)
    {
        step = 0;
        return name.StartsWith(StepPrefix, StringComparison.Ordinal)
            && name.Length > StepPrefix.Length
            && name.AsSpan(StepPrefix.Length).IndexOfAnyExceptInRange('0', '9') < 0
            && long.TryParse(name.AsSpan(StepPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out step);
    }
}
