using System.CommandLine;
using AsyncRL.Cli.Configuration;

namespace AsyncRL.Cli.Tests;

public sealed class SettingSourceTests
{
    private static readonly Option<int> Actors = new("--actors") { DefaultValueFactory = _ => 2 };
    private static readonly Option<string> Env = new("--env") { DefaultValueFactory = _ => "cartpole" };

    private static SettingSource Source(string[] args, Dictionary<string, string> env, string? configJson)
    {
        var root = new RootCommand { Actors, Env };
        string? path = null;
        if (configJson is not null)
        {
            path = Path.Combine(Path.GetTempPath(), $"asyncrl-config-{Guid.NewGuid():N}.json");
            File.WriteAllText(path, configJson);
        }
        return new SettingSource(root.Parse(args), name => env.GetValueOrDefault(name), path);
    }

    [Fact]
    public void Get_FlagBeatsEnvironmentBeatsConfigBeatsDefault()
    {
        var env = new Dictionary<string, string> { ["ASYNCRL_ACTORS"] = "5" };
        const string config = """{ "actors": 7, "env": "acrobot" }""";
        Assert.Equal(3, Source(["--actors", "3"], env, config).Get(Actors));
        Assert.Equal(5, Source([], env, config).Get(Actors));
        Assert.Equal(7, Source([], [], config).Get(Actors));
        Assert.Equal(2, Source([], [], null).Get(Actors));
        Assert.Equal("acrobot", Source([], [], config).Get(Env));
    }

    [Fact]
    public void EnvironmentName_FollowsTheFlag()
    {
        Assert.Equal("ASYNCRL_ENVS_PER_ACTOR", SettingSource.EnvironmentName(new Option<int>("--envs-per-actor")));
    }

    [Fact]
    public void Get_BadEnvironmentValue_NamesTheVariable()
    {
        var ex = Assert.Throws<CliUsageException>(() => Source([], new() { ["ASYNCRL_ACTORS"] = "many" }, null).Get(Actors));
        Assert.Contains("ASYNCRL_ACTORS", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'many'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_BadConfigFile_GivesUsageError()
    {
        var ex = Assert.Throws<CliUsageException>(() => Source([], [], "{ not json"));
        Assert.Contains("config file", ex.Message, StringComparison.Ordinal);
    }
}
