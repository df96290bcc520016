using System.CommandLine;
using AsyncRL.Cli.Commands;
using AsyncRL.Cli.Configuration;
using AsyncRL.Models.Engine;

namespace AsyncRL.Cli.Tests.Commands;

/// <summary><c>--backend</c> and <c>--device</c>: flag, <c>ASYNCRL_*</c> variable and config key, checked at start.</summary>
public sealed class BackendOptionTests
{
    private static (LearnerArgs Args, SettingSource Source) Parse(Func<string, string?> environment, string? configJson, params string[] args)
    {
        var learner = new LearnerArgs("runs/x");
        var command = new RootCommand();
        learner.AddTo(command);
        string? path = null;
        if (configJson is not null)
        {
            path = Path.Combine(Path.GetTempPath(), $"asyncrl-backend-{Guid.NewGuid():N}.json");
            File.WriteAllText(path, configJson);
        }
        return (learner, new SettingSource(command.Parse(args), environment, path));
    }

    [Fact]
    public void Learner_BackendFromFlagVariableOrConfig_ReachesPpoAndDqn()
    {
        var (a, s) = Parse(_ => null, null, "--backend", "torch");
        var options = NodeFactory.Learner(s, a, "http://127.0.0.1:0", healthPort: null, rowsPerUpdate: 512);
        Assert.Equal(ModelBackend.Torch, options.Ppo.Engine.Backend);
        Assert.Equal(ModelBackend.Torch, options.Dqn.Engine.Backend);
        Assert.Equal(ModelBackend.Torch, options.Her.Dqn.Engine.Backend);
        Assert.Equal(ModelBackend.Torch, options.Maddpg.Engine.Backend);

        (a, s) = Parse(name => name == "ASYNCRL_BACKEND" ? "torch" : null, null, "--algo", "dqn");
        Assert.Equal(ModelBackend.Torch, a.Engine(s).Backend);

        (a, s) = Parse(_ => null, """{ "backend": "torch", "device": "cpu" }""");
        Assert.Equal(new ModelEngine(ModelBackend.Torch, "cpu"), a.Engine(s));
    }

    [Fact]
    public void Learner_NoBackend_TakesTheMeasuredDefault()
    {
        var (a, s) = Parse(_ => null, null, "--algo", "ppo");
        Assert.Equal(ModelEngines.DefaultBackend("ppo"), a.Engine(s).Backend);
    }

    [Theory]
    [InlineData("--backend", "tensorflow", "--backend")]
    [InlineData("--device", "tpu", "'tpu'")]
    public void Check_UnknownBackendOrDevice_IsAUsageErrorAtStart(string flag, string value, string expected)
    {
        string[] args = flag == "--backend" ? [flag, value] : ["--backend", "torch", flag, value];
        var (a, s) = Parse(_ => null, null, args);
        var ex = Assert.Throws<CliUsageException>(() => a.Check(s));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_CudaOnTheManagedEngine_SaysItNeedsTorch()
    {
        var (a, s) = Parse(_ => null, null, "--backend", "managed", "--device", "cuda");
        var ex = Assert.Throws<CliUsageException>(() => a.Check(s));
        Assert.Contains("--backend torch", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("dpo")]
    [InlineData("ppo-lm")]
    [InlineData("rloo")]
    public void Check_TorchForALanguageAlgorithm_IsAcceptedAndReachesItsOptions(string algo)
    {
        var (a, s) = Parse(_ => null, null, "--backend", "torch", "--algo", algo, "--env", "arith");
        a.Check(s);
        var options = NodeFactory.Learner(s, a, "http://127.0.0.1:0", healthPort: null, rowsPerUpdate: 512);
        Assert.Equal(new ModelEngine(ModelBackend.Torch, "cpu"), options.Language.Engine);
    }
}
