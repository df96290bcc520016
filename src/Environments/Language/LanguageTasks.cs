namespace AsyncRL.Environments.Language;

/// <summary>
/// The built-in language tasks by id. They are not <see cref="IEnvironment"/>s (a completion is one action
/// sequence judged at its end), but the learner node describes them with an <see cref="EnvSpec"/>: observation
/// size = prompt length, actions = vocabulary size, episode length = completion length, no return threshold.
/// </summary>
public static class LanguageTasks
{
    /// <summary>Known ids.</summary>
    public static IReadOnlyList<string> Ids { get; } = [ArithTask.TaskId, GoldRmTask.TaskId];

    /// <summary>Whether <paramref name="id"/> names a language task.</summary>
    public static bool IsLanguageTask(string? id) => Ids.Contains(id ?? "", StringComparer.OrdinalIgnoreCase);

    /// <summary>The task <paramref name="id"/> with held-out prompts derived from <paramref name="seed"/>; throws for an unknown id or arguments.</summary>
    public static ILanguageTask Create(string id, IReadOnlyDictionary<string, string>? args, ulong seed)
    {
        CheckNoArgs(id, args);
        return id.ToUpperInvariant() switch
        {
            "ARITH" => new ArithTask(seed),
            "GOLD-RM" => new GoldRmTask(seed),
            _ => throw new ArgumentException($"Unknown language task '{id}'. Known: {string.Join(", ", Ids)}.", nameof(id)),
        };
    }

    /// <summary>The task's description for the learner node.</summary>
    public static EnvSpec SpecOf(string id, IReadOnlyDictionary<string, string>? args)
    {
        CheckNoArgs(id, args);
        return id.ToUpperInvariant() switch
        {
            "ARITH" => new EnvSpec(ArithTask.TaskId, ArithTask.PromptTokens, Vocabulary.Size, ArithTask.CompletionTokens, null),
            "GOLD-RM" => new EnvSpec(GoldRmTask.TaskId, GoldRmTask.PromptTokens, Vocabulary.Size, GoldRmTask.CompletionTokens, null),
            _ => throw new ArgumentException($"Unknown language task '{id}'. Known: {string.Join(", ", Ids)}.", nameof(id)),
        };
    }

    private static void CheckNoArgs(string id, IReadOnlyDictionary<string, string>? args)
    {
        ArgumentNullException.ThrowIfNull(id);
        if (args is { Count: > 0 })
            throw new ArgumentException($"Language task '{id}' takes no arguments (got {string.Join(", ", args.Keys)}).", nameof(args));
    }
}
