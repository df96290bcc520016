namespace AsyncRL.Learner.Tests.Support;

/// <summary>A fresh directory under the system temp folder, deleted at the end of the test.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "asyncrl-learner-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Left for the OS to clean: a test must not fail on cleanup.
        }
    }
}
