using System.CommandLine;
using AsyncRL.Cli.Configuration;
using AsyncRL.Cli.Lifetime;

namespace AsyncRL.Cli.Commands;

/// <summary>Runs a command body with the resolved settings and turns user errors into exit code 2.</summary>
internal static class CommandRunner
{
    /// <summary>
    /// Sets <paramref name="command"/>'s action. The token the body gets is the process's shutdown token; a body that a
    /// signal cut short (its cancellation escaping) has stopped in order: it exits 0, or with the signal's code (130,
    /// 143) when <paramref name="signalExitCode"/> asks, for commands whose result is incomplete when stopped.
    /// </summary>
    public static void SetAction(Command command, Option<string?> config, Func<SettingSource, CancellationToken, Task<int>> body, bool signalExitCode = false)
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
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // A signal came before the command had anything to finish (it may have come while parsing).
                await Console.Error.WriteLineAsync($"asyncrl {command.Name}: stopped").ConfigureAwait(false);
                return signalExitCode ? ProcessShutdown.Current?.SignalExitCode ?? 0 : 0;
            }
        });
    }
}
