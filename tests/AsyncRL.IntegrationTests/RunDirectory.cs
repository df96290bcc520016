using System.Text.Json;

namespace AsyncRL.IntegrationTests;

/// <summary>Reads a run directory (DESIGN.md §7) the way a user's script would.</summary>
internal sealed class RunDirectory(string path) : IDisposable
{
    public string Path { get; } = path;

    public static RunDirectory CreateTemp(string name)
    {
        var dir = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"asyncrl-it-{name}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        return new RunDirectory(dir);
    }

    /// <summary>A metric of the newest metrics line (−1 when there is none yet, or it lacks the key).</summary>
    public static long Last(IReadOnlyList<JsonElement> metrics, string key) =>
        metrics.Count > 0 && metrics[^1].TryGetProperty(key, out var v) ? v.GetInt64() : -1;

    /// <summary>Removes the directory (best effort: a process may still hold a file).</summary>
    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    public JsonElement Summary()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(System.IO.Path.Combine(Path, "summary.json")));
        return doc.RootElement.Clone();
    }

    /// <summary>Every complete line of metrics.jsonl so far (a line being written is skipped).</summary>
    public IReadOnlyList<JsonElement> Metrics()
    {
        var file = System.IO.Path.Combine(Path, "metrics.jsonl");
        if (!File.Exists(file)) return [];
        using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        var result = new List<JsonElement>();
        while (reader.ReadLine() is { } line)
        {
            try
            {
                using var doc = JsonDocument.Parse(line);
                result.Add(doc.RootElement.Clone());
            }
            catch (JsonException)
            {
                // the writer is mid-line
            }
        }
        return result;
    }

    /// <summary>Polls metrics.jsonl until <paramref name="condition"/> holds; fails with the process output after the timeout.</summary>
    public async Task<IReadOnlyList<JsonElement>> WaitForMetricsAsync(Func<IReadOnlyList<JsonElement>, bool> condition, TimeSpan timeout, Func<string> diagnostics)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            var m = Metrics();
            if (m.Count > 0 && condition(m)) return m;
            await Task.Delay(200);
        }
        throw new TimeoutException($"metrics condition not met within {timeout} ({Metrics().Count} lines). Output:\n{diagnostics()}");
    }
}
