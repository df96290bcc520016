namespace AsyncRL.IntegrationTests.BadInput;

/// <summary>
/// Bad command lines and missing files, each met by a real <c>asyncrl</c> process: exit code 2 and one line naming the
/// fault on standard error, never a stack trace. All start at once: each is a process start and little more.
/// </summary>
public sealed class CliUsageTests
{
    [Fact]
    public async Task BadCommandLines_Exit2_WithOneLineNamingTheFault()
    {
        using var scratch = RunDirectory.CreateTemp("cli-usage");
        string notJson = Path.Combine(scratch.Path, "config.json");
        await File.WriteAllTextAsync(notJson, "{ \"steps\": ");
        string missing = Path.Combine(scratch.Path, "missing");
        (string Name, string[] Args, string Message)[] cases =
        [
            ("unknown algorithm", ["learner", "--algo", "nosuch"], "--algo nosuch: this build runs"),
            ("missing config file", ["learner", "--config", missing + ".json"], $"config file {missing}.json:"),
            ("config file that is not JSON", ["learner", "--config", notJson], $"config file {notJson}:"),
            ("negative stall timeout", ["learner", "--message-stall-timeout", "-1"], "--message-stall-timeout -1: give a number of seconds above 0"),
            ("missing TLS files", ["learner", "--listen", "https://127.0.0.1:0", "--tls-cert", missing + ".crt", "--tls-key", missing + ".key"], $"--tls-cert {missing}.crt"),
            ("unknown log level", ["learner", "--log-level", "loud"], "--log-level 'loud': expected one of"),
            ("learner address that is not a URL", ["actor", "--learner", "not a url"], "--learner: 'not a url' is not an absolute http:// or https:// address"),
            ("eval without a checkpoint", ["eval"], "--checkpoint DIR is required"),
        ];

        // A learner that got past its checks would write here, not into the working directory.
        string[] Args((string Name, string[] Args, string Message) c) =>
            c.Args[0] == "learner" ? [.. c.Args, "--out", Path.Combine(scratch.Path, c.Name.Replace(' ', '-'))] : c.Args;
        var runs = cases.Select(c => (Case: c, Process: CliProcess.Start(null, Args(c)))).ToList();
        try
        {
            foreach (var (c, process) in runs)
            {
                int code = await process.WaitForExitAsync(TimeSpan.FromMinutes(2));
                Assert.True(code == 2, $"{c.Name}: exit {code}\n{process.Output}");
                Assert.Contains(c.Message, process.Output, StringComparison.Ordinal);
                Assert.DoesNotMatch(@"\n(err: )?\s+at [\w.]+\(", process.Output);
            }
        }
        finally
        {
            foreach (var (_, process) in runs) process.Dispose();
        }
    }

    [Fact]
    public async Task UnknownOption_IsAUsageError_NamingIt_AndWhereToLook()
    {
        using var learner = CliProcess.Start(null, "learner", "--no-such-option");
        int code = await learner.WaitForExitAsync(TimeSpan.FromMinutes(2));

        // The parser's error, answered as every usage error is: exit 2, the fault named, before any command runs.
        Assert.True(code == 2, learner.Output);
        Assert.Contains("asyncrl: Unrecognized command or argument '--no-such-option'", learner.Output, StringComparison.Ordinal);
        Assert.Contains("see 'asyncrl learner --help'", learner.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("listening", learner.Output, StringComparison.Ordinal);
    }
}
