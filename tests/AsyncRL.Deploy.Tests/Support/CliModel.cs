using System.CommandLine;
using System.Reflection;
using AsyncRL.Cli.Commands;
using AsyncRL.Cli.Configuration;
using AsyncRL.Cluster;
using AsyncRL.Models.Backend;

namespace AsyncRL.Deploy.Tests.Support;

/// <summary>The real <c>asyncrl</c> commands a container can run, and how their options are spelled as flags, variables and config keys.</summary>
internal static class CliModel
{
    /// <summary>Variables read outside the option system: the GEMM backend's, as AsyncRL.Models names them.</summary>
    public static readonly IReadOnlySet<string> RuntimeVariables = new HashSet<string>(
        new[] { "BackendVariable", "ThreadsVariable" }.Select(GemmVariable), StringComparer.Ordinal);

    private static string GemmVariable(string field) =>
        (string)(typeof(Gemm).Assembly.GetType("AsyncRL.Models.Backend.GemmSettings", throwOnError: true)!
            .GetField(field, BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)?.GetRawConstantValue()
            ?? throw new InvalidOperationException($"GemmSettings.{field} is gone"));

    /// <summary>A fresh definition of the subcommand <paramref name="name"/> (what <c>asyncrl NAME</c> parses with).</summary>
    public static Command Command(string name) => name switch
    {
        "learner" => LearnerCommand.Create(),
        "actor" => ActorCommand.Create(),
        "train" => TrainCommand.Create(),
        "eval" => EvalCommand.Create(),
        _ => throw new Xunit.Sdk.XunitException($"'{name}' is not an asyncrl subcommand (learner, actor, train, eval)."),
    };

    public static IReadOnlyList<Option> Options(Command command) => [.. command.Options.Where(o => o.Name.StartsWith("--", StringComparison.Ordinal))];

    public static Option? ByFlag(Command command, string flag) => Options(command).FirstOrDefault(o => o.Name == flag || o.Aliases.Contains(flag));

    public static string EnvironmentName(Option option) => SettingSource.EnvironmentName(option);

    public static string ConfigKey(Option option) => option.Name.TrimStart('-');

    /// <summary>Parses <paramref name="args"/> (without the subcommand) as the command would; the parser's errors.</summary>
    public static (ParseResult Parse, IReadOnlyList<string> Errors) Parse(Command command, IReadOnlyList<string> args)
    {
        var root = new RootCommand { command };
        var parse = root.Parse([command.Name, .. args]);
        return (parse, [.. parse.Errors.Select(e => e.Message)]);
    }

    /// <summary>
    /// The cluster settings a node would start with (a <paramref name="role"/> node given these arguments, variables and
    /// config file), built and validated by the CLI's own cluster options; a combination the CLI refuses fails here
    /// with its message, and a node that would not join a cluster at all gives null.
    /// </summary>
    public static ClusterSettings? Cluster(Command command, IReadOnlyList<string> args, IReadOnlyDictionary<string, string> environment, string? configPath, string role)
    {
        // The command with a fresh set of cluster options whose values can be read back: its own are not reachable.
        var cluster = new ClusterArgs();
        var probe = new Command(command.Name);
        cluster.AddTo(probe);
        var clusterNames = probe.Options.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var option in command.Options.Where(o => !clusterNames.Contains(o.Name))) probe.Options.Add(option);
        var (parse, errors) = Parse(probe, args);
        if (errors.Count > 0) throw new Xunit.Sdk.XunitException($"asyncrl {command.Name}: {string.Join("; ", errors)}");
        var source = new SettingSource(parse, name => environment.GetValueOrDefault(name), configPath);
        if (role == ClusterRoles.Actor && !cluster.Joins(source)) return null;
        try
        {
            return cluster.Build(source, role);
        }
        catch (CliUsageException ex)
        {
            throw new Xunit.Sdk.XunitException($"asyncrl {command.Name}: {ex.Message}");
        }
    }

    /// <summary>
    /// Resolves every option of <paramref name="command"/> through the CLI's own <see cref="SettingSource"/> (flag, then
    /// variable, then config file): a value the CLI could not convert fails here with the CLI's message.
    /// </summary>
    public static void ResolveAll(Command command, ParseResult parse, IReadOnlyDictionary<string, string> environment, string? configPath)
    {
        var source = new SettingSource(parse, name => environment.GetValueOrDefault(name), configPath);
        var get = typeof(SettingSource).GetMethod(nameof(SettingSource.Get))!;
        foreach (var option in Options(command))
        {
            try
            {
                get.MakeGenericMethod(option.ValueType).Invoke(source, [option]);
            }
            catch (TargetInvocationException ex) when (ex.InnerException is not null)
            {
                throw new Xunit.Sdk.XunitException($"asyncrl {command.Name} {option.Name}: {ex.InnerException.Message}");
            }
        }
    }
}
