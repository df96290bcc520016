using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AsyncRL.Learner.RunLog;

/// <summary>
/// The run directory (DESIGN.md §7): config.json, metrics.jsonl (appended, one object per update, so a
/// restored run continues the file) and summary.json. Written from the update loop and the node's stop only.
/// </summary>
internal sealed class RunDirectory : IDisposable
{
    public const string ConfigFileName = "config.json";
    public const string MetricsFileName = "metrics.jsonl";
    public const string SummaryFileName = "summary.json";
    public const string CheckpointsDirectoryName = "checkpoints";

    private static readonly JsonWriterOptions LineOptions = new() { Indented = false };
    private readonly FileStream _metrics;
    private readonly ArrayBufferWriterStream _line = new();

    public RunDirectory(string path)
    {
        Path = System.IO.Path.GetFullPath(path);
        try
        {
            Directory.CreateDirectory(Path);
            _metrics = new FileStream(System.IO.Path.Combine(Path, MetricsFileName), FileMode.Append, FileAccess.Write, FileShare.Read);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The system's words alone ("could not find a part of the path") do not say what the node was doing.
            throw new IOException($"the run directory {Path} cannot be created or written: {e.Message}", e);
        }
    }

    public string Path { get; }

    public string CheckpointsPath => System.IO.Path.Combine(Path, CheckpointsDirectoryName);

    public void WriteConfig(JsonObject config) =>
        WriteAtomically(ConfigFileName, Encoding.UTF8.GetBytes(config.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n"));

    public void WriteSummary(LearnerRunSummary summary) =>
        WriteAtomically(SummaryFileName, [.. JsonSerializer.SerializeToUtf8Bytes(summary, LearnerJsonContext.Default.LearnerRunSummary), (byte)'\n']);

    /// <summary>Appends one metrics line; NaN and infinities become null (JSON has no such numbers).</summary>
    public void AppendMetrics(IEnumerable<KeyValuePair<string, object?>> fields)
    {
        _line.Clear();
        using (var writer = new Utf8JsonWriter(_line, LineOptions))
        {
            writer.WriteStartObject();
            foreach (var (name, value) in fields)
            {
                writer.WritePropertyName(name);
                switch (value)
                {
                    case null: writer.WriteNullValue(); break;
                    case double d when !double.IsFinite(d): writer.WriteNullValue(); break;
                    case double d: writer.WriteNumberValue(d); break;
                    case long l: writer.WriteNumberValue(l); break;
                    case int i: writer.WriteNumberValue(i); break;
                    case bool b: writer.WriteBooleanValue(b); break;
                    case long[] values:
                        writer.WriteStartArray();
                        foreach (var v in values) writer.WriteNumberValue(v);
                        writer.WriteEndArray();
                        break;
                    default: writer.WriteStringValue(value.ToString()); break;
                }
            }
            writer.WriteEndObject();
        }
        _line.WriteByte((byte)'\n');
        _metrics.Write(_line.Written);
        _metrics.Flush();
    }

    public void Dispose()
    {
        _metrics.Dispose();
        _line.Dispose();
    }

    // Readers (plots, the CLI) never see half a file: write beside it, then rename over it.
    private void WriteAtomically(string name, byte[] bytes)
    {
        string final = System.IO.Path.Combine(Path, name);
        string temp = final + ".tmp";
        File.WriteAllBytes(temp, bytes);
        File.Move(temp, final, overwrite: true);
    }

    /// <summary>A reusable in-memory stream for one line.</summary>
    private sealed class ArrayBufferWriterStream : MemoryStream
    {
        public ReadOnlySpan<byte> Written => GetBuffer().AsSpan(0, (int)Length);

        public void Clear() => SetLength(0);
    }
}
