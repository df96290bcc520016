using System.Text.Json;

namespace AsyncRL.Cli.Sweep.Results;

/// <summary>
/// Reads a run's <c>summary.json</c> (DESIGN.md §7) into a <see cref="RunResult"/>. A run counts as complete when
/// its summary says it ended by itself (<c>reason</c> is not <c>stopped</c>); missing optional fields become empty
/// cells; a missing, half-written or malformed file is reported with the reason instead of thrown.
/// </summary>
internal static class SummaryReader
{
    /// <summary>The result of <paramref name="job"/>, or why there is none.</summary>
    public static (RunResult? Result, string? Problem) Read(SweepJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (!File.Exists(job.SummaryPath)) return (null, "no summary.json");
        string text;
        try
        {
            text = File.ReadAllText(job.SummaryPath);
        }
        catch (IOException e)
        {
            return (null, $"summary.json unreadable: {e.Message}");
        }
        return Parse(job, text);
    }

    /// <summary>Parses the text of a summary for <paramref name="job"/>.</summary>
    public static (RunResult? Result, string? Problem) Parse(SweepJob job, string json)
    {
        ArgumentNullException.ThrowIfNull(job);
        try
        {
            using var doc = JsonDocument.Parse(json);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return (null, "summary.json is not a JSON object");
            string? reason = String(root, "reason");
            if (reason is null) return (null, "summary.json has no reason: the run did not end");
            if (reason == "stopped") return (null, "the run was stopped before it ended");
            if (String(root, "algo") is { } algo && !algo.Equals(job.Algo, StringComparison.OrdinalIgnoreCase))
                return (null, $"summary.json is of {algo}, not {job.Algo}: another run used this directory");
            return (new RunResult(job.Algo, job.N, job.Seed, Number(root, "sft_score"), Number(root, "final_score"),
                Number(root, "kl_to_reference"), Number(root, "env_steps") is { } steps ? (long)steps : null, Number(root, "wall_s"), job.Variant), null);
        }
        catch (JsonException e)
        {
            return (null, $"summary.json is not valid JSON ({e.Message})");
        }
    }

    /// <summary>Whether <paramref name="job"/> already has a complete result (a re-run sweep skips it).</summary>
    public static bool IsComplete(SweepJob job) => Read(job).Result is not null;

    private static string? String(JsonElement root, string name) =>
        root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static double? Number(JsonElement root, string name) =>
        root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out double d) && double.IsFinite(d) ? d : null;
}
