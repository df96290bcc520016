using AsyncRL.Models.Checkpoints;

namespace AsyncRL.IntegrationTests.BadInput;

/// <summary>
/// A run directory with two checkpoints, made once by two short <c>asyncrl train</c> runs (the second restores the
/// first's checkpoint and saves its own); tests damage copies of it.
/// </summary>
public sealed class TrainedRun : IAsyncLifetime
{
    private RunDirectory _run = null!;

    /// <summary>The checkpoint steps, oldest first.</summary>
    public IReadOnlyList<long> Steps { get; private set; } = [];

    public async Task InitializeAsync()
    {
        _run = RunDirectory.CreateTemp("trained");
        foreach (string steps in new[] { "1024", "2048" })
        {
            using var train = CliProcess.Start(null, "train", "--out", _run.Path, "--seed", "5", "--steps", steps, "--actors", "1", "--no-early-stop");
            Assert.True(await train.WaitForExitAsync(TimeSpan.FromMinutes(3)) == 0, train.Output);
        }
        Steps = new CheckpointStore(System.IO.Path.Combine(_run.Path, "checkpoints")).Steps();
        Assert.True(Steps.Count == 2, $"expected two checkpoints, found {Steps.Count}");
    }

    public Task DisposeAsync()
    {
        _run.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>A copy of the run directory, for one test to damage.</summary>
    internal RunDirectory Copy()
    {
        var copy = RunDirectory.CreateTemp("damaged");
        foreach (string file in Directory.EnumerateFiles(_run.Path, "*", SearchOption.AllDirectories))
        {
            string target = System.IO.Path.Combine(copy.Path, System.IO.Path.GetRelativePath(_run.Path, file));
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        return copy;
    }

    /// <summary>A file of one checkpoint of <paramref name="run"/>.</summary>
    internal string FileOf(RunDirectory run, long step, string name) =>
        System.IO.Path.Combine(new CheckpointStore(System.IO.Path.Combine(run.Path, "checkpoints")).DirectoryFor(step), name);
}
