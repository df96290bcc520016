using System.Text.Json;
using AsyncRL.Algorithms.Language;
using AsyncRL.Cli.Configuration;
using AsyncRL.Environments.Language;
using AsyncRL.Models;
using AsyncRL.Models.Checkpoints;
using AsyncRL.Models.Nn;

namespace AsyncRL.Cli.Commands;

/// <summary><c>asyncrl eval</c> for a dpo, ppo-lm or rloo run: the task's score of the checkpoint's policy on the held-out prompts.</summary>
internal static class LanguageEvaluation
{
    /// <summary>The result line for a language run's checkpoint; null when config.json is not a language run's.</summary>
    public static string? TryScore(string configPath, Checkpoint latest)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(configPath));
        var root = doc.RootElement;
        string? algo = root.TryGetProperty("algo", out var a) ? a.GetString() : null;
        if (!LanguageObjectives.IsLanguageAlgorithm(algo) || !root.TryGetProperty("lm", out var lm)) return null;
        string env = root.GetProperty("env").GetString() ?? throw new CliUsageException($"{configPath}: 'env' is missing.");
        ulong seed = root.GetProperty("seed").GetUInt64();
        var envArgs = new Dictionary<string, string>(StringComparer.Ordinal);
        if (root.TryGetProperty("env_args", out var ea) && ea.ValueKind == JsonValueKind.Object)
            foreach (var p in ea.EnumerateObject()) envArgs[p.Name] = p.Value.GetString() ?? "";
        var m = lm.GetProperty("preparation").GetProperty("model");
        var shape = new LanguageModelOptions(m.GetProperty("dim").GetInt32(), m.GetProperty("layers").GetInt32(), m.GetProperty("heads").GetInt32(),
            m.GetProperty("mlp_ratio").GetInt32());
        // The held-out prompts derive from the run's seed, as they did during training.
        var task = LanguageTasks.Create(env, envArgs, seed);
        var policy = new TinyGpt(shape.ConfigFor(task), new Generator(0));
        policy.LoadStateDict(LanguageLearnerAlgorithm.PolicyPart(latest.Model.Tensors));
        double score = TaskScorer.Score(policy, task);
        return JsonSerializer.Serialize(new
        {
            checkpoint_step = latest.Step,
            algo,
            env,
            held_out_prompts = task.HeldOutPrompts.Count,
            score,
            score_name = task is ArithTask ? "greedy_accuracy" : "gold_win_rate",
        });
    }
}
