using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace AsyncRL.Cli.Sweep;

/// <summary>
/// One grid point's <c>asyncrl train</c>, as a child process of this same executable: its output goes line by line
/// to the run's train.log, the newest progress line's return is its live score, and its last lines are kept for a
/// failure report. <see cref="RequestStop"/> sends SIGTERM, which train handles by stopping in order.
/// </summary>
internal sealed partial class TrainProcess : IDisposable
{
    private const int TailLines = 20;
    private readonly Process _process;
    private readonly StreamWriter _log;
    private readonly Lock _gate = new();
    private readonly Queue<string> _tail = new();
    private double? _score;

    private TrainProcess(Process process, StreamWriter log) => (_process, _log) = (process, log);

    /// <summary>Exit code when the process ends.</summary>
    public Task<int> Completion { get; private set; } = Task.FromResult(0);

    /// <summary>The mean return on the newest progress line (null before the first).</summary>
    public double? Score
    {
        get { lock (_gate) return _score; }
    }

    /// <summary>The last lines of output.</summary>
    public IReadOnlyList<string> Tail
    {
        get { lock (_gate) return [.. _tail]; }
    }

    /// <summary>Starts <c>asyncrl</c> with <paramref name="arguments"/>; output is appended to <paramref name="logPath"/>.</summary>
    public static TrainProcess Start(SelfCommand self, IReadOnlyList<string> arguments, string logPath, IReadOnlyDictionary<string, string> environment)
    {
        ArgumentNullException.ThrowIfNull(self);
        ArgumentNullException.ThrowIfNull(arguments);
        Directory.CreateDirectory(Path.GetDirectoryName(logPath)!);
        var psi = new ProcessStartInfo(self.FileName) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (string a in self.Prefix.Concat(arguments)) psi.ArgumentList.Add(a);
        foreach (var (key, value) in environment) psi.Environment[key] = value;
        var log = new StreamWriter(logPath, append: true) { AutoFlush = true };
        log.WriteLine($"# {DateTimeOffset.UtcNow:u} asyncrl {string.Join(' ', arguments.Select(Quote))}");
        var process = new Process { StartInfo = psi, EnableRaisingEvents = true };
        var run = new TrainProcess(process, log);
        process.OutputDataReceived += (_, e) => run.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => run.OnLine(e.Data);
        try
        {
            process.Start();
        }
        catch
        {
            log.Dispose();
            process.Dispose();
            throw;
        }
        process.StandardInput.Close(); // a child never reads the sweep's terminal
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        run.Completion = run.WaitAsync();
        return run;
    }

    /// <summary>Asks the run to stop in order (SIGTERM: final checkpoint and summary); kills it where signals are not available.</summary>
    public void RequestStop()
    {
        if (_process.HasExited) return;
        if (OperatingSystem.IsWindows() || Kill(_process.Id, SigTerm) != 0) Kill();
    }

    /// <summary>Ends the process (and anything it started) at once.</summary>
    public void Kill()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // already gone
        }
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
        lock (_gate) _log.Dispose();
    }

    /// <summary>The mean return on a train progress line (<c>… return=123.4 …</c>); null when the line has none.</summary>
    internal static double? ParseScore(string line)
    {
        var match = ReturnPattern().Match(line);
        return match.Success && double.TryParse(match.Groups[1].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) ? value : null;
    }

    private async Task<int> WaitAsync()
    {
        await _process.WaitForExitAsync().ConfigureAwait(false); // also waits for the output to be read to its end
        int code = _process.ExitCode;
        lock (_gate) _log.WriteLine($"# {DateTimeOffset.UtcNow:u} exited with code {code}");
        return code;
    }

    private void OnLine(string? line)
    {
        if (line is null) return;
        lock (_gate)
        {
            _log.WriteLine(line);
            _tail.Enqueue(line);
            while (_tail.Count > TailLines) _tail.Dequeue();
            if (ParseScore(line) is { } score) _score = score;
        }
    }

    private static string Quote(string a) => a.Length > 0 && !a.Any(char.IsWhiteSpace) ? a : $"'{a}'";

    [GeneratedRegex(@"(?:^|\s)return=(-?[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?)", RegexOptions.CultureInvariant)]
    private static partial Regex ReturnPattern();

    private const int SigTerm = 15;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}

/// <summary>How to start this same <c>asyncrl</c>: its apphost, or <c>dotnet asyncrl.dll</c> when run through the muxer.</summary>
/// <param name="FileName">The program to start.</param>
/// <param name="Prefix">Arguments before the command (the assembly, under <c>dotnet</c>).</param>
internal sealed record SelfCommand(string FileName, IReadOnlyList<string> Prefix)
{
    /// <summary>This process's own command.</summary>
    public static SelfCommand Current()
    {
        string process = Environment.ProcessPath ?? throw new InvalidOperationException("The path of this process is unknown, so the sweep cannot start its runs.");
        if (!Path.GetFileNameWithoutExtension(process).Equals("dotnet", StringComparison.OrdinalIgnoreCase)) return new SelfCommand(process, []);
        string assembly = typeof(SelfCommand).Assembly.Location;
        if (string.IsNullOrEmpty(assembly)) throw new InvalidOperationException("Running under dotnet without an assembly file: the sweep cannot start its runs.");
        return new SelfCommand(process, [assembly]);
    }
}
