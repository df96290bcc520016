using System.Globalization;

namespace AsyncRL.IntegrationTests.Load;

/// <summary>A process's threads, open file descriptors and resident set, from Linux's /proc.</summary>
internal readonly record struct ProcessHandles(int Threads, int FileDescriptors, long RssKib)
{
    public static bool Available => Directory.Exists("/proc/self/fd");

    public static ProcessHandles Of(int pid)
    {
        int threads = 0;
        long rss = 0;
        foreach (string line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("Threads:", StringComparison.Ordinal)) threads = Field(line);
            else if (line.StartsWith("VmRSS:", StringComparison.Ordinal)) rss = Field(line);
        }
        return new ProcessHandles(threads, Directory.GetFileSystemEntries($"/proc/{pid}/fd").Length, rss);
    }

    private static int Field(string line) => int.Parse(line.Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
}

/// <summary>A fact that reads /proc: skipped, with the reason, where there is none.</summary>
public sealed class ProcFsFactAttribute : FactAttribute
{
    public ProcFsFactAttribute()
    {
        if (!ProcessHandles.Available) Skip = "needs Linux's /proc to count a process's threads and open file descriptors";
    }
}
