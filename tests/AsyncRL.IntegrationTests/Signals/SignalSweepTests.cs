using System.Diagnostics;
using System.Globalization;
using Xunit.Abstractions;

namespace AsyncRL.IntegrationTests.Signals;

/// <summary>
/// SIGTERM and SIGINT at any moment: each case holds an <c>asyncrl</c> process at one phase of its life
/// (<c>ASYNCRL_TEST_PAUSE_AT</c>) until the signal has landed there, then lets it go on. What comes after must notice
/// the signal and stop in order — exit code, the final checkpoint of a learner that started, and the documented
/// bound from signal to exit.
/// </summary>
public sealed class SignalSweepTests(SignalFixture fixture, ITestOutputHelper output) : IClassFixture<SignalFixture>
{
    /// <summary>The line a process prints when the phase hook holds it.</summary>
    private const string Paused = "asyncrl-test: paused at phase ";

    /// <summary>Signal to exit, as the README states it: 5 s, plus the final checkpoint (milliseconds for these runs).</summary>
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(5);

    /// <summary>Command × phase × signal: every phase each command passes, SIGTERM throughout and SIGINT at some.</summary>
    public static TheoryData<string, string, string> Cases => new()
    {
        { "learner", "parse", "TERM" },
        { "learner", "prepare", "TERM" },
        { "learner", "prepare-sft", "TERM" },
        { "learner", "restore", "TERM" },
        { "learner", "serve", "TERM" },
        { "learner", "join", "TERM" },
        { "learner", "train", "TERM" },
        { "learner", "train", "INT" },
        { "actor", "parse", "TERM" },
        { "actor", "connect", "TERM" },
        { "actor", "register", "TERM" },
        { "actor", "act", "TERM" },
        { "actor", "act", "INT" },
        { "train", "parse", "INT" },
        { "train", "cluster", "TERM" },
        { "train", "prepare", "TERM" },
        { "train", "prepare-sft", "INT" },
        { "train", "restore", "TERM" },
        { "train", "serve", "TERM" },
        { "train", "join", "TERM" },
        { "train", "connect", "TERM" },
        { "train", "register", "TERM" },
        { "train", "act", "TERM" },
        { "train", "train", "TERM" },
        { "train", "train", "INT" },
        { "sweep", "parse", "TERM" },
        { "sweep", "runs", "TERM" },
        { "sweep", "runs", "INT" },
        { "cluster", "parse", "TERM" },
        { "cluster", "cluster", "TERM" },
        { "cluster", "print", "INT" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Command_SignalledAtPhase_StopsInOrderWithinTheBound(string command, string phase, string signal)
    {
        using var run = phase == "restore" ? fixture.CopyOfFinishedRun() : RunDirectory.CreateTemp($"signal-{command}-{phase}");
        string hook = phase == "prepare-sft" ? "prepare" : phase;
        using var cli = CliProcess.Start(new Dictionary<string, string> { ["ASYNCRL_TEST_PAUSE_AT"] = hook }, Arguments(command, phase, run.Path));
        await cli.WaitForOutputAsync(Paused + hook, Eventually.Wait);

        var clock = Stopwatch.StartNew();
        cli.Signal(signal);
        int code = await cli.WaitForExitAsync(Eventually.Wait);
        var elapsed = clock.Elapsed;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{command} at {phase}, SIG{signal}: exit {code} after {elapsed.TotalSeconds:F2} s"));

        string context = $"{command} at {phase} (SIG{signal}), exit {code} after {elapsed.TotalSeconds:F2} s:\n{cli.Output}";
        Assert.Contains($"SIG{signal}: stopping in order", cli.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", cli.Output, StringComparison.Ordinal);
        // A sweep's grid is incomplete when it stops: the signal's own code; the nodes stop as their normal end.
        int expected = command == "sweep" ? (signal == "INT" ? 130 : 143) : 0;
        Assert.True(code == expected, $"expected exit code {expected}; {context}");
        Assert.True(elapsed <= Bound, $"took longer than {Bound.TotalSeconds} s; {context}");
        if (phase == "train" && command is "learner" or "train")
        {
            // A learner that started training saves its final checkpoint and summary on the way out.
            Assert.True(File.Exists(Path.Combine(run.Path, "checkpoints", "latest")), $"no final checkpoint; {context}");
            Assert.Equal("stopped", run.Summary().GetProperty("reason").GetString());
        }
    }

    /// <summary>Without the hook: SIGTERM after a delay that lands somewhere in <c>train</c>'s start-up or training.</summary>
    [Theory]
    [InlineData(300)]
    [InlineData(600)]
    [InlineData(900)]
    [InlineData(1200)]
    [InlineData(1800)]
    [InlineData(3000)]
    public async Task Train_SignalledAfterADelay_StopsWithinTheBound(int delayMs)
    {
        using var run = RunDirectory.CreateTemp("signal-delay");
        using var cli = CliProcess.Start(null, "train", "--out", run.Path, "--no-early-stop", "--steps", "100000000");
        await Task.Delay(delayMs);
        var clock = Stopwatch.StartNew();
        cli.Terminate();
        int code = await cli.WaitForExitAsync(Eventually.Wait);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"train, SIGTERM after {delayMs} ms: exit {code} after {clock.Elapsed.TotalSeconds:F2} s"));
        // Before the runtime takes signals (the first tenths of a second) the default action ends it: 143, at once.
        Assert.True(code is 0 or 143, cli.Output);
        Assert.True(clock.Elapsed <= Bound, $"took {clock.Elapsed.TotalSeconds:F2} s:\n{cli.Output}");
    }

    [Fact]
    public async Task LearnerAndActor_SignalledWhileLingering_StopWithinTheBound()
    {
        using var run = RunDirectory.CreateTemp("signal-linger");
        string url = $"http://127.0.0.1:{CliProcess.FreePort()}";
        var pause = new Dictionary<string, string> { ["ASYNCRL_TEST_PAUSE_AT"] = "linger" };
        using var learner = CliProcess.Start(pause, "learner", "--listen", url, "--out", run.Path, "--steps", "2000", "--no-early-stop",
            "--rows-per-update", "256", "--linger");
        using var actor = CliProcess.Start(pause, "actor", "--learner", url, "--actors", "1", "--linger");
        await learner.WaitForOutputAsync(Paused + "linger", Eventually.Wait);
        await actor.WaitForOutputAsync(Paused + "linger", Eventually.Wait);

        foreach (var (name, cli) in new[] { ("actor", actor), ("learner", learner) })
        {
            var clock = Stopwatch.StartNew();
            cli.Terminate();
            int code = await cli.WaitForExitAsync(Eventually.Wait);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name} lingering, SIGTERM: exit {code} after {clock.Elapsed.TotalSeconds:F2} s"));
            Assert.True(code == 0, cli.Output);
            Assert.True(clock.Elapsed <= Bound, $"{name} took {clock.Elapsed.TotalSeconds:F2} s:\n{cli.Output}");
        }
        // The run had ended on its budget before it lingered; stopping afterwards leaves that summary alone.
        Assert.Equal("budget", run.Summary().GetProperty("reason").GetString());
    }

    private string[] Arguments(string command, string phase, string outDir)
    {
        string dead = fixture.DeadPort.ToString(CultureInfo.InvariantCulture);
        string[] language = ["--algo", "dpo", "--env", "arith", "--sft-cache", Path.Combine(outDir, "sft")];
        string[] run = ["--out", outDir, "--no-early-stop", "--steps", "100000000", .. phase == "prepare-sft" ? language : []];
        return command switch
        {
            "learner" => ["learner", "--listen", "http://127.0.0.1:0", "--rows-per-update", "256", .. run],
            "train" => ["train", .. run],
            "actor" => phase switch
            {
                "connect" => ["actor", "--seed-nodes", $"akka.tcp://asyncrl@127.0.0.1:{dead}", "--actors", "1"],
                "register" => ["actor", "--learner", $"http://127.0.0.1:{dead}", "--actors", "1"],
                _ => ["actor", "--learner", fixture.LearnerUrl, "--actors", "1", "--node-id", $"signal-{Guid.NewGuid():N}"[..16]],
            },
            "sweep" => ["sweep", "--algo", "ppo", "--env", "cartpole", "--n", "1", "--seeds", "1", "--parallel", "1", "--steps", "100000000",
                "--no-early-stop", "--out", outDir],
            "cluster" => ["cluster", "--timeout", "120", "--seed-nodes", phase == "cluster" ? $"akka.tcp://asyncrl@127.0.0.1:{dead}" : fixture.ClusterAddress],
            _ => throw new ArgumentOutOfRangeException(nameof(command), command, "no such command"),
        };
    }
}
