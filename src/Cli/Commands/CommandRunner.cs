using System.CommandLine;
using AsyncRL.Cli.Configuration;
using AsyncRL.Cli.Lifetime;

namespace AsyncRL.Cli.Commands;

/// <summary>
/// Runs a command body with the resolved settings and turns user errors into one line on standard error: exit code 2
/// for a usage error, 3 for a file, directory or port that cannot be used (an unwritable --out, a full disk, damaged
/// checkpoints, a run directory of another run, an address in use).
/// </summary>
internal static class CommandRunner
{
    /// <summary>Exit code of a usage error.</summary>
    public const int UsageError = 2;

    /// <summary>Exit code of a file or directory the command cannot read or write; the message names it.</summary>
    public const int FileError = 3;

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
                return UsageError;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                await Console.Error.WriteLineAsync($"asyncrl {command.Name}: {ex.Message}").ConfigureAwait(false);
                return FileError;
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
