using System.CommandLine;
using System.Globalization;
using System.Text.Json;

namespace AsyncRL.Cli.Configuration;

/// <summary>
/// Resolves each option in the documented order: an explicit flag, then the environment variable
/// <c>ASYNCRL_&lt;NAME&gt;</c> (the flag's name upper-cased, dashes as underscores), then the key of the
/// same name in the JSON file given by <c>--config</c>, then the option's default.
/// </summary>
internal sealed class SettingSource
{
    private readonly ParseResult _parse;
    private readonly Func<string, string?> _environment;
    private readonly JsonElement? _config;

    public SettingSource(ParseResult parse, Func<string, string?> environment, string? configPath)
    {
        _parse = parse;
        _environment = environment;
        if (configPath is null) return;
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(configPath), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            if (doc.RootElement.ValueKind != JsonValueKind.Object) throw new CliUsageException($"config file {configPath}: the top level must be a JSON object.");
            _config = doc.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            throw new CliUsageException($"config file {configPath}: {ex.Message}");
        }
        catch (IOException ex)
        {
            throw new CliUsageException($"config file {configPath}: {ex.Message}");
        }
    }

    /// <summary>The environment variable that can set <paramref name="option"/>.</summary>
    public static string EnvironmentName(Option option) =>
        "ASYNCRL_" + option.Name.TrimStart('-').Replace('-', '_').ToUpperInvariant();

    private static string ConfigKey(Option option) => option.Name.TrimStart('-');

    /// <summary>Whether the option was given at all (flag, environment variable or config key), rather than left to its default.</summary>
    public bool IsSet(Option option)
    {
        ArgumentNullException.ThrowIfNull(option);
        if (_parse.GetResult(option) is { Implicit: false }) return true;
        if (!string.IsNullOrEmpty(_environment(EnvironmentName(option)))) return true;
        return _config is { } cfg && cfg.TryGetProperty(ConfigKey(option), out _);
    }

    /// <summary>The resolved value of an option.</summary>
    public T Get<T>(Option<T> option)
    {
        ArgumentNullException.ThrowIfNull(option);
        var result = _parse.GetResult(option);
        if (result is { Implicit: false }) return _parse.GetValue(option)!;
        var env = _environment(EnvironmentName(option));
        if (!string.IsNullOrEmpty(env)) return Convert<T>(env, EnvironmentName(option));
        if (_config is { } cfg && cfg.TryGetProperty(ConfigKey(option), out var element))
            return Convert<T>(element.ValueKind == JsonValueKind.String ? element.GetString()! : element.GetRawText(), $"config key '{ConfigKey(option)}'");
        return _parse.GetValue(option)!;
    }

    private static T Convert<T>(string text, string source)
    {
        var type = Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T);
        try
        {
            object value = type switch
            {
                _ when type == typeof(string) => text,
                _ when type == typeof(bool) => bool.Parse(text),
                _ when type == typeof(int) => int.Parse(text, CultureInfo.InvariantCulture),
                _ when type == typeof(long) => long.Parse(text, CultureInfo.InvariantCulture),
                _ when type == typeof(ulong) => ulong.Parse(text, CultureInfo.InvariantCulture),
                _ when type == typeof(float) => float.Parse(text, CultureInfo.InvariantCulture),
                _ when type == typeof(double) => double.Parse(text, CultureInfo.InvariantCulture),
                _ when type == typeof(string[]) => text.TrimStart().StartsWith('[')
                    ? JsonSerializer.Deserialize<string[]>(text) ?? []
                    : text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                _ => throw new CliUsageException($"{source}: unsupported setting type {type.Name}."),
            };
            return (T)value;
        }
        catch (Exception ex) when (ex is FormatException or OverflowException or JsonException)
        {
            throw new CliUsageException($"{source}: '{text}' is not a valid {type.Name}.");
        }
    }
}

/// <summary>A user error in flags, environment or config: printed without a stack trace, exit code 2.</summary>
internal sealed class CliUsageException(string message) : Exception(message);
