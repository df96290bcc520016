namespace AsyncRL.Deploy.Tests.Support;

/// <summary>Paths in the source tree the tests run from.</summary>
internal static class Repo
{
    /// <summary>The folder holding AsyncRL.sln, found upwards from the test assembly.</summary>
    public static string Root { get; } = FindRoot();

    public static string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "AsyncRL.sln"))) return dir.FullName;
        throw new InvalidOperationException($"AsyncRL.sln not found above {AppContext.BaseDirectory}.");
    }
}
