namespace AsyncRL.Models.Checkpoints;

/// <summary>
/// Reads and writes the safetensors format: an 8-byte little-endian header length N, N bytes of
/// UTF-8 JSON naming each tensor's dtype, shape and byte range, then the raw little-endian data.
/// Files we write open in PyTorch (<c>safetensors.torch.load_file</c>) and numpy; files PyTorch
/// writes load here (F32, F16, BF16 and F64 as float32 tensors; integer types apart).
/// </summary>
public static class SafeTensors
{
    /// <summary>
    /// The largest header accepted (the reference implementation's limit): a corrupt length field
    /// must not make us allocate gigabytes before discovering the file is bad.
    /// </summary>
    public const int MaxHeaderBytes = 100_000_000;

    /// <summary>Writes <paramref name="tensors"/> as F32, sorted by name, with optional metadata strings.</summary>
    public static void Save(Stream stream, IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(tensors);
        SafeTensorsWriter.Write(stream, tensors, metadata);
    }

    /// <summary>
    /// Writes a file atomically: a crash mid-write leaves the previous file (or none) under
    /// <paramref name="path"/>, never a partial one.
    /// </summary>
    public static void Save(string path, IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        AtomicFile.Write(path, stream => SafeTensorsWriter.Write(stream, tensors, metadata));
    }

    /// <summary>
    /// Reads a whole safetensors stream from its current position to its end (the format requires the
    /// tensors to fill the rest exactly). A stream that cannot seek is buffered in memory first, since
    /// validation needs its length.
    /// </summary>
    /// <exception cref="CheckpointFormatException">The bytes are not a valid safetensors file, or use a dtype or rank we cannot hold.</exception>
    public static SafeTensorsFile Load(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return SafeTensorsReader.Read(stream);
    }

    /// <summary>Reads a safetensors file.</summary>
    /// <exception cref="CheckpointFormatException">The file is not a valid safetensors file, or uses a dtype or rank we cannot hold.</exception>
    public static SafeTensorsFile Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16, FileOptions.SequentialScan);
        return SafeTensorsReader.Read(stream);
    }
}
