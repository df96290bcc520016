using System.Text.Json;
using AsyncRL.Models.Checkpoints;

namespace AsyncRL.IntegrationTests.BadInput;

/// <summary>
/// Damaged run directories and places the CLI cannot write, met by real <c>asyncrl</c> processes: a precise one-line
/// error naming the file and a non-zero exit code (2 usage, 3 file), never a stack trace; or, where a good checkpoint
/// remains, a warning naming the one skipped and a run that goes on from the good one.
/// </summary>
public sealed class DiskBadInputTests(TrainedRun trained) : IClassFixture<TrainedRun>
{
    private static readonly TimeSpan Exit = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task Eval_LatestCheckpointTruncated_ScoresThePreviousOne_AndNamesTheOneSkipped()
    {
        using var run = trained.Copy();
        var (older, newest) = (trained.Steps[0], trained.Steps[1]);
        string model = trained.FileOf(run, newest, CheckpointStore.ModelFileName);
        long length = new FileInfo(model).Length;
        using (var file = new FileStream(model, FileMode.Open)) file.SetLength(length / 2);

        using var eval = CliProcess.Start(null, "eval", "--checkpoint", run.Path, "--episodes", "1");
        int code = await eval.WaitForExitAsync(Exit);

        Assert.True(code == 0, eval.Output);
        Assert.Contains($"checkpoint step-{newest:D10} skipped: model.safetensors is {length / 2} bytes, the manifest says {length}", eval.Output, StringComparison.Ordinal);
        using var result = JsonDocument.Parse(eval.Output.Split('\n').Last(l => l.StartsWith('{')));
        Assert.Equal(older, result.RootElement.GetProperty("checkpoint_step").GetInt64());
    }

    [Fact]
    public async Task Eval_NoCheckpointVerifies_ExitsWithAUsageError_NamingTheFault()
    {
        using var run = trained.Copy();
        foreach (long step in trained.Steps) FlipAByte(trained.FileOf(run, step, CheckpointStore.ModelFileName));

        using var eval = CliProcess.Start(null, "eval", "--checkpoint", run.Path);
        int code = await eval.WaitForExitAsync(Exit);

        Assert.True(code == 2, eval.Output);
        Assert.Contains("no verified checkpoint under", eval.Output, StringComparison.Ordinal);
        Assert.Contains("model.safetensors has SHA-256", eval.Output, StringComparison.Ordinal);
        AssertNoStackTrace(eval);
    }

    [Theory]
    [InlineData("not a run directory", "config.json not found: --checkpoint must name a run directory written by asyncrl")]
    [InlineData("config.json that is not JSON", "config.json is not the JSON asyncrl writes")]
    public async Task Eval_OnWhatIsNotARunDirectory_ExitsWithAUsageError(string name, string message)
    {
        using var run = RunDirectory.CreateTemp("not-a-run");
        if (name == "config.json that is not JSON") await File.WriteAllTextAsync(Path.Combine(run.Path, "config.json"), "{\"env\": \"cartpole\",");

        using var eval = CliProcess.Start(null, "eval", "--checkpoint", run.Path);
        int code = await eval.WaitForExitAsync(Exit);

        Assert.True(code == 2, eval.Output);
        Assert.Contains(message, eval.Output, StringComparison.Ordinal);
        AssertNoStackTrace(eval);
    }

    [Fact]
    public async Task Learner_LatestManifestCorrupt_RestoresThePreviousCheckpoint_AndSaysWhy()
    {
        using var run = trained.Copy();
        var (older, newest) = (trained.Steps[0], trained.Steps[1]);
        await File.WriteAllTextAsync(trained.FileOf(run, newest, CheckpointStore.ManifestFileName), "{ \"format_version\": ");

        using var learner = await LearnerProcess.StartAsync(null, "--listen", $"http://127.0.0.1:{CliProcess.FreePort()}", "--out", run.Path,
            "--no-early-stop", "--steps", "100000000", "--log-level", "information");

        Assert.Contains($"checkpoint step-{newest:D10} skipped: manifest.json is not a valid manifest", learner.Output, StringComparison.Ordinal);
        Assert.Contains($"Restored checkpoint at update {older}", learner.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Learner_NoCheckpointVerifies_RefusesToStart_Exit3_AndLeavesThemAlone()
    {
        using var run = trained.Copy();
        foreach (long step in trained.Steps) FlipAByte(trained.FileOf(run, step, CheckpointStore.ModelFileName));
        var before = Directory.EnumerateFiles(Path.Combine(run.Path, "checkpoints"), "*", SearchOption.AllDirectories).Order().Select(File.ReadAllBytes).ToList();

        using var learner = CliProcess.Start(null, "learner", "--listen", $"http://127.0.0.1:{CliProcess.FreePort()}", "--out", run.Path, "--seed", "5");
        int code = await learner.WaitForExitAsync(Exit);

        Assert.True(code == 3, learner.Output);
        Assert.Contains("no checkpoint in", learner.Output, StringComparison.Ordinal);
        Assert.Contains("model.safetensors has SHA-256", learner.Output, StringComparison.Ordinal);
        AssertNoStackTrace(learner);
        var after = Directory.EnumerateFiles(Path.Combine(run.Path, "checkpoints"), "*", SearchOption.AllDirectories).Order().Select(File.ReadAllBytes).ToList();
        Assert.Equal(before, after); // a fresh start would have pruned them
    }

    [Fact]
    public async Task Learner_RunDirectoryUnderAFile_Exit3_NamingIt()
    {
        using var scratch = RunDirectory.CreateTemp("file-in-the-way");
        string blocker = Path.Combine(scratch.Path, "a-file");
        await File.WriteAllTextAsync(blocker, "not a directory");
        string outDir = Path.Combine(blocker, "run");

        using var learner = CliProcess.Start(null, "learner", "--listen", $"http://127.0.0.1:{CliProcess.FreePort()}", "--out", outDir);
        int code = await learner.WaitForExitAsync(Exit);

        Assert.True(code == 3, learner.Output);
        Assert.Contains($"the run directory {outDir} cannot be created or written", learner.Output, StringComparison.Ordinal);
        AssertNoStackTrace(learner);
    }

    [RequiresTmpfsFact]
    public async Task Learner_ReadOnlyRunDirectory_Exit3_NamingIt()
    {
        using var readOnly = Tmpfs.Mount("size=64k,ro");

        using var learner = CliProcess.Start(null, "learner", "--listen", $"http://127.0.0.1:{CliProcess.FreePort()}", "--out", readOnly.Path);
        int code = await learner.WaitForExitAsync(Exit);

        Assert.True(code == 3, learner.Output);
        Assert.Contains($"the run directory {readOnly.Path} cannot be created or written", learner.Output, StringComparison.Ordinal);
        AssertNoStackTrace(learner);
    }

    private static void FlipAByte(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        bytes[^1] ^= 0xFF;
        File.WriteAllBytes(path, bytes);
    }

    private static void AssertNoStackTrace(CliProcess process) =>
        Assert.DoesNotMatch(@"\n(err: )?\s+at [\w.]+\(", process.Output);
}
