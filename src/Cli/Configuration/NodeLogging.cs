using System.CommandLine;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace AsyncRL.Cli.Configuration;

/// <summary>
/// The nodes' log messages (faults, restarts, reconnects, rejected batches) on standard error, one line each, so
/// they reach a terminal or a pod's log beside the progress lines on standard output.
/// </summary>
internal static class NodeLogging
{
    private static readonly string[] Levels = ["trace", "debug", "information", "warning", "error", "critical", "none"];

    public static Option<string> Option() => new("--log-level")
    {
        Description = $"Node log messages on standard error at this level and above: {string.Join(", ", Levels)}.",
        DefaultValueFactory = _ => "warning",
    };

    /// <summary>A console logger factory at the level named; a precise usage error for an unknown name.</summary>
    public static ILoggerFactory Create(string level)
    {
        if (!Enum.TryParse(level, ignoreCase: true, out LogLevel minimum) || !Levels.Contains(level, StringComparer.OrdinalIgnoreCase))
            throw new CliUsageException($"--log-level '{level}': expected one of {string.Join(", ", Levels)}.");
        return LoggerFactory.Create(builder => builder
            .SetMinimumLevel(minimum)
            // The web host's per-request messages drown the nodes' own below debug.
            .AddFilter("Microsoft", minimum <= LogLevel.Debug ? minimum : (LogLevel)Math.Max((int)minimum, (int)LogLevel.Warning))
            .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace)
            .AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.TimestampFormat = "HH:mm:ss.fff ";
                o.ColorBehavior = LoggerColorBehavior.Disabled;
            }));
    }
}
