using System.Diagnostics;
using Grpc.Health.V1;
using AsyncRL.Contracts.Tests.Interop;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace AsyncRL.Contracts.Tests.Support;

/// <summary>
/// Finds a Python interpreter with grpcio (Debian's python3-grpcio) and runs the interop peers with it.
/// </summary>
internal static class PythonGrpc
{
    private static readonly Lazy<string?> LazyInterpreter = new(FindInterpreter);
    private static readonly Lazy<string> LazyDescriptors = new(WriteDescriptorSet);

    /// <summary>An interpreter that can <c>import grpc</c>, or null.</summary>
    public static string? Interpreter => LazyInterpreter.Value;

    /// <summary>A FileDescriptorSet of the protos the Python peers need, dependencies first.</summary>
    public static string DescriptorSetPath => LazyDescriptors.Value;

    public static string Script(string name) => Path.Combine(AppContext.BaseDirectory, "Interop", name);

    /// <summary>Starts a Python script; stdin stays open (the server scripts exit when it closes).</summary>
    public static Process Start(string script, IEnumerable<string> arguments)
    {
        var info = new ProcessStartInfo(Interpreter ?? throw new InvalidOperationException("No Python with grpcio."))
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(Script(script))!,
        };
        info.ArgumentList.Add(Script(script));
        foreach (string argument in arguments) info.ArgumentList.Add(argument);
        info.Environment["PYTHONDONTWRITEBYTECODE"] = "1";
        info.Environment["PYTHONUNBUFFERED"] = "1";
        return Process.Start(info) ?? throw new InvalidOperationException($"Could not start {script}.");
    }

    /// <summary>Runs a script to completion (killing it after <paramref name="timeout"/>).</summary>
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(string script, IEnumerable<string> arguments, TimeSpan timeout)
    {
        using Process process = Start(script, arguments);
        process.StandardInput.Close();
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{script} {string.Join(' ', arguments)} ran longer than {timeout.TotalSeconds} s. stderr: {await error}");
        }
        return (process.ExitCode, await output, await error);
    }

    private static string? FindInterpreter()
    {
        // Debian's python3-grpcio installs for the system interpreter, which may not be first on PATH.
        foreach (string candidate in new[] { "/usr/bin/python3", "python3" })
        {
            try
            {
                var info = new ProcessStartInfo(candidate, ["-c", "import grpc, google.protobuf"])
                {
                    RedirectStandardOutput = true,
                    RedirectStandardError = true,
                    UseShellExecute = false,
                };
                using Process? process = Process.Start(info);
                if (process is null) continue;
                if (!process.WaitForExit(TimeSpan.FromSeconds(30)))
                {
                    process.Kill(entireProcessTree: true);
                    continue;
                }
                if (process.ExitCode == 0) return candidate;
            }
            catch (System.ComponentModel.Win32Exception)
            {
                // Not installed under that name.
            }
        }
        return null;
    }

    private static string WriteDescriptorSet()
    {
        var ordered = new List<FileDescriptor>();
        foreach (FileDescriptor file in new[] { InteropReflection.Descriptor, HealthReflection.Descriptor }) AddWithDependencies(file, ordered);
        var set = new FileDescriptorSet();
        foreach (FileDescriptor file in ordered) set.File.Add(FileDescriptorProto.Parser.ParseFrom(file.SerializedData));
        string path = Path.Combine(Path.GetTempPath(), $"asyncrl-interop-{Environment.ProcessId}.pb");
        File.WriteAllBytes(path, set.ToByteArray());
        return path;

        static void AddWithDependencies(FileDescriptor file, List<FileDescriptor> ordered)
        {
            if (ordered.Contains(file)) return;
            foreach (FileDescriptor dependency in file.Dependencies) AddWithDependencies(dependency, ordered);
            ordered.Add(file);
        }
    }
}

/// <summary>A fact that needs Python with grpcio; skipped with the reason where it is absent.</summary>
public sealed class RequiresPythonGrpcFactAttribute : FactAttribute
{
    public RequiresPythonGrpcFactAttribute()
    {
        if (PythonGrpc.Interpreter is null) Skip = "python3-grpcio not installed (apt-get install python3-grpcio)";
    }
}

/// <summary>A theory that needs Python with grpcio; skipped with the reason where it is absent.</summary>
public sealed class RequiresPythonGrpcTheoryAttribute : TheoryAttribute
{
    public RequiresPythonGrpcTheoryAttribute()
    {
        if (PythonGrpc.Interpreter is null) Skip = "python3-grpcio not installed (apt-get install python3-grpcio)";
    }
}
