namespace AsyncRL.Deploy.Tests.Support;

/// <summary>
/// The CLI as <c>deploy/docker/publish.sh</c> publishes it for the image, once per test run. Here it publishes the
/// build the tests were compiled against (<c>--no-build</c>): the image's build stage runs the same script with a build.
/// </summary>
internal static class Published
{
    private static readonly Lazy<Task<string>> Output = new(PublishAsync);

    /// <summary>The publish folder (what the Dockerfile copies to /app).</summary>
    public static Task<string> DirectoryAsync() => Output.Value;

    private static async Task<string> PublishAsync()
    {
        var dir = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"asyncrl-publish-{Guid.NewGuid():N}");
        AppDomain.CurrentDomain.ProcessExit += (_, _) => TryDelete(dir);
#if DEBUG
        string[] configuration = ["-c", "Debug"];
#else
        string[] configuration = [];
#endif
        var result = await Tool.RunAsync("bash", [Repo.Path("deploy", "docker", "publish.sh"), dir, "--no-build", .. configuration], TimeSpan.FromMinutes(5));
        if (result.ExitCode != 0) throw new InvalidOperationException(result.Describe("deploy/docker/publish.sh"));
        return dir;
    }

    private static void TryDelete(string dir)
    {
        try
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
