using System.CommandLine;
using AsyncRL.Cli.Configuration;

namespace AsyncRL.Cli.Commands;

/// <summary>Runs a command body with the resolved settings and turns user errors into exit code 2.</summary>
internal static class CommandRunner
{
    public static void SetAction(Command command, Option<string?> config, Func<SettingSource, CancellationToken, Task<int>> body)
    {
        command.SetAction(async (parse, cancellationToken) =>
        {
            try
            {
                var settings = new SettingSource(parse, Environment.GetEnvironmentVariable, parse.GetValue(config) ?? Environment.GetEnvironmentVariable("ASYNCRL_CONFIG"));
                return await body(settings, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is CliUsageException or ArgumentException)
            {
                await Console.Error.WriteLineAsync($"asyncrl {command.Name}: {ex.Message}").ConfigureAwait(false);
                return 2;
            }
        });
    }
}
