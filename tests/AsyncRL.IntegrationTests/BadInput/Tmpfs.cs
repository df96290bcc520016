using System.Diagnostics;

namespace AsyncRL.IntegrationTests.BadInput;

/// <summary>
/// A small tmpfs mounted for one test: a disk that fills up, or one that is read-only even for root. Mounting needs
/// root (CAP_SYS_ADMIN); <see cref="RequiresTmpfsFactAttribute"/> skips the test, with the reason, where that fails.
/// </summary>
internal sealed class Tmpfs : IDisposable
{
    private Tmpfs(string path) => Path = path;

    public string Path { get; }

    /// <summary>Why a tmpfs cannot be mounted here (null: it can), found once by mounting one.</summary>
    public static string? Unavailable => Probe.Value;

    private static readonly Lazy<string?> Probe = new(() =>
    {
        if (!Environment.IsPrivilegedProcess) return "needs root to mount a tmpfs (run the tests as root, as the CI does)";
        try
        {
            using var probe = Mount("size=64k");
            return null;
        }
        catch (InvalidOperationException e)
        {
            return e.Message;
        }
    });

    /// <summary>Mounts a tmpfs with <paramref name="options"/> (e.g. <c>size=4m</c>, <c>ro</c>) on a fresh directory.</summary>
    public static Tmpfs Mount(string options)
    {
        string path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"asyncrl-tmpfs-{Guid.NewGuid():N}");
        Directory.CreateDirectory(path);
        var (code, output) = Run("mount", "-t", "tmpfs", "-o", options, "tmpfs", path);
        if (code != 0)
        {
            Directory.Delete(path);
            throw new InvalidOperationException($"mount -t tmpfs -o {options} failed ({code}): {output}");
        }
        return new Tmpfs(path);
    }

    public void Dispose()
    {
        Run("umount", "-l", Path);
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // best effort: a lazy unmount may still be under way
        }
    }

    private static (int Code, string Output) Run(string file, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false })!;
        string output = process.StandardError.ReadToEnd() + process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output.Trim());
    }
}

/// <summary>A fact that mounts a tmpfs: skipped with the reason where that cannot be done.</summary>
public sealed class RequiresTmpfsFactAttribute : FactAttribute
{
    public RequiresTmpfsFactAttribute()
    {
        if (Tmpfs.Unavailable is { } reason) Skip = reason;
    }
}
