using System.Text.Json;
using AsyncRL.Deploy.Tests.Support;

namespace AsyncRL.Deploy.Tests;

/// <summary>
/// Images cannot be built here, so what the Dockerfile relies on is checked instead: the publish script it runs,
/// the paths it copies, the entrypoint it starts, the runtime it names, the user it runs as, and its build context.
/// </summary>
public sealed class DockerfileTests
{
    private static readonly string DockerfilePath = Repo.Path("deploy", "docker", "Dockerfile");

    private static Dockerfile Load() => Dockerfile.Load(DockerfilePath);

    /// <summary>The numeric user the runtime stage runs as.</summary>
    internal static string ImageUser() => Load()["runtime"].Last("USER").Arguments;

    /// <summary>
    /// The variables a container of the image starts with: the runtime stage's ENV, over those the ASP.NET base image
    /// documents (<c>ASPNETCORE_HTTP_PORTS</c>, which explicit Kestrel endpoints must override).
    /// </summary>
    internal static IReadOnlyDictionary<string, string> ImageEnvironment()
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal) { ["ASPNETCORE_HTTP_PORTS"] = "8080", ["DOTNET_RUNNING_IN_CONTAINER"] = "true" };
        foreach (var pair in Load()["runtime"].All("ENV").SelectMany(e => e.Words))
        {
            var kv = pair.Split('=', 2);
            env[kv[0]] = kv.Length > 1 ? kv[1] : throw new Xunit.Sdk.XunitException($"ENV {pair}: use the KEY=VALUE form");
        }
        return env;
    }

    [Fact]
    public async Task RuntimeStage_CopiesThePublishOutput_AndItsEntrypointRuns()
    {
        var docker = Load();
        var build = docker["build"];
        var runtime = docker["runtime"];

        // The build stage publishes with the script the tests run, into the folder the runtime stage copies.
        var publish = build.All("RUN").Select(r => r.Words).SingleOrDefault(w => w.Length >= 2 && w[0] == "deploy/docker/publish.sh")
            ?? throw new Xunit.Sdk.XunitException("the build stage does not run deploy/docker/publish.sh OUT");
        string buildOut = publish[1].TrimEnd('/');
        var copy = runtime.All("COPY").Select(c => c.Words).Single(w => w[0] == "--from=build");
        Assert.Equal(buildOut, copy[1].TrimEnd('/'));
        string appDir = copy[2].TrimEnd('/');

        // The entrypoint starts the published assembly with the dotnet host the runtime image has.
        var entrypoint = runtime.Last("ENTRYPOINT").ExecForm ?? throw new Xunit.Sdk.XunitException("ENTRYPOINT is not in exec form (signals would go to a shell)");
        Assert.Equal("dotnet", entrypoint[0]);
        Assert.StartsWith(appDir + "/", entrypoint[1], StringComparison.Ordinal);
        string published = await Published.DirectoryAsync();
        string assembly = Path.Combine(published, entrypoint[1][(appDir.Length + 1)..]);
        Assert.True(File.Exists(assembly), $"{entrypoint[1]} is not in the publish output ({string.Join(", ", Directory.GetFiles(published).Select(Path.GetFileName).Take(20))})");

        // The runtime image provides exactly the shared frameworks the published app asks for.
        using var runtimeConfig = JsonDocument.Parse(File.ReadAllText(Path.ChangeExtension(assembly, ".runtimeconfig.json")));
        var options = runtimeConfig.RootElement.GetProperty("runtimeOptions");
        var frameworks = options.TryGetProperty("frameworks", out var many)
            ? many.EnumerateArray().ToList()
            : [options.GetProperty("framework")];
        var aspnet = Assert.Single(frameworks, f => f.GetProperty("name").GetString() == "Microsoft.AspNetCore.App");
        Assert.All(frameworks, f => Assert.Contains(f.GetProperty("name").GetString(), new[] { "Microsoft.NETCore.App", "Microsoft.AspNetCore.App" }));
        Assert.StartsWith("mcr.microsoft.com/dotnet/aspnet:", runtime.BaseImage, StringComparison.Ordinal);
        string imageVersion = runtime.BaseImage.Split(':')[1].Split('-')[0];
        Assert.StartsWith(imageVersion + ".", aspnet.GetProperty("version").GetString(), StringComparison.Ordinal);
        Assert.StartsWith($"mcr.microsoft.com/dotnet/sdk:{imageVersion}", build.BaseImage, StringComparison.Ordinal);

        // The entrypoint, as the container would run it, serves both kinds of node (with the TLS flags the prod overlay uses).
        var learner = await Tool.RunAsync("dotnet", [assembly, "learner", "--help"], TimeSpan.FromMinutes(1));
        Assert.True(learner.ExitCode == 0, learner.Describe("asyncrl learner --help"));
        Assert.Contains("--tls-cert", learner.StdOut, StringComparison.Ordinal);
        var actor = await Tool.RunAsync("dotnet", [assembly, "actor", "--help"], TimeSpan.FromMinutes(1));
        Assert.True(actor.ExitCode == 0, actor.Describe("asyncrl actor --help"));
        Assert.Contains("--tls-ca", actor.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public void RuntimeStage_RunsAsANumericNonRootUser_WithOpenBlas()
    {
        var runtime = Load()["runtime"];
        Assert.True(int.TryParse(ImageUser(), System.Globalization.CultureInfo.InvariantCulture, out int uid) && uid > 0,
            $"USER {ImageUser()}: Kubernetes can verify runAsNonRoot only for a numeric, non-zero user");
        // The GEMM backend loads OpenBLAS when present (the managed kernel otherwise).
        Assert.Contains(runtime.All("RUN"), r => r.Arguments.Contains("libopenblas0-pthread", StringComparison.Ordinal));
    }

    [Fact]
    public void BuildContext_AdmitsEveryCopiedPath_AndKeepsBuildOutputOut()
    {
        var ignore = File.ReadAllLines(Repo.Path(".dockerignore")).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
        Assert.Equal("**", ignore[0]); // an allow-list: nothing enters the context unless named below
        var admitted = ignore.Where(l => l.StartsWith('!')).Select(l => l[1..]).ToList();
        Assert.Contains("**/bin/", ignore);
        Assert.Contains("**/obj/", ignore);

        foreach (var copy in Load()["build"].All("COPY"))
        {
            var words = copy.Words.Where(w => !w.StartsWith("--", StringComparison.Ordinal)).ToArray();
            foreach (var source in words[..^1])
            {
                string path = source.TrimEnd('/');
                Assert.True(File.Exists(Repo.Path(path)) || Directory.Exists(Repo.Path(path)), $"COPY {source}: not in the repository");
                bool isAdmitted = admitted.Any(a => a == path || (a.EndsWith("/**", StringComparison.Ordinal) && a[..^3] == path));
                Assert.True(isAdmitted, $"COPY {source}: .dockerignore leaves it out of the build context");
            }
        }
    }
}
