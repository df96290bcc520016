using System.Diagnostics;

namespace AsyncRL.Tests.Support;

/// <summary>
/// Finds a Python interpreter that can import numpy (Debian's python3-numpy lives under the system
/// python3, which need not be the first python3 on PATH) and runs scripts with it.
/// </summary>
internal static class PythonNumpy
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(60);
    private static readonly Lazy<string?> s_interpreter = new(Find);

    /// <summary>The interpreter, or null when none can import numpy.</summary>
    public static string? Interpreter => s_interpreter.Value;

    /// <summary>Runs a script and returns its standard output; fails the test on a non-zero exit or a hang.</summary>
    public static string Run(string script, params string[] arguments)
    {
        var interpreter = Interpreter ?? throw new InvalidOperationException("python3 with numpy is not available.");
        var (exitCode, stdout, stderr) = Execute(interpreter, [script, .. arguments])
            ?? throw new TimeoutException($"{Path.GetFileName(script)} {string.Join(' ', arguments)} did not finish within {s_timeout.TotalSeconds} s.");
        Assert.True(exitCode == 0, $"{Path.GetFileName(script)} exited with {exitCode}:\n{stderr}");
        return stdout;
    }

    private static string? Find()
    {
        var candidates = new List<string>();
        if (Environment.GetEnvironmentVariable("ASYNCRL_PYTHON") is { Length: > 0 } configured) candidates.Add(configured);
        candidates.AddRange(["/usr/bin/python3", "python3"]);
        foreach (var candidate in candidates)
        {
            try
            {
                if (Execute(candidate, ["-c", "import numpy"]) is (0, _, _)) return candidate;
            }
            catch (System.ComponentModel.Win32Exception)
            {
                // Not installed under that name; try the next.
            }
        }
        return null;
    }

    private static (int ExitCode, string Stdout, string Stderr)? Execute(string fileName, string[] arguments)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(s_timeout))
        {
            process.Kill(entireProcessTree: true);
            return null;
        }
        return (process.ExitCode, stdout.GetAwaiter().GetResult(), stderr.GetAwaiter().GetResult());
    }
}

/// <summary>A fact that is skipped, with the reason, where no python3 can import numpy.</summary>
public sealed class RequiresPythonNumpyFactAttribute : FactAttribute
{
    public RequiresPythonNumpyFactAttribute()
    {
        if (PythonNumpy.Interpreter is null)
            Skip = "python3-numpy not installed (apt-get install python3-numpy, or point ASYNCRL_PYTHON at a python3 that has numpy).";
    }
}
