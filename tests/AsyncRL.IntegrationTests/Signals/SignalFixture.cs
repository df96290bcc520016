using System.Globalization;

namespace AsyncRL.IntegrationTests.Signals;

/// <summary>
/// What the signal cases share: a learner that keeps running (actor nodes act against it, <c>asyncrl cluster</c> prints
/// it), a finished run directory with checkpoints (the cases that restore copy it), and a loopback port nobody
/// listens on (seeds and learners that never answer).
/// </summary>
public sealed class SignalFixture : IAsyncLifetime
{
    private readonly RunDirectory _liveRun = RunDirectory.CreateTemp("signals-live");
    private readonly RunDirectory _finished = RunDirectory.CreateTemp("signals-finished");
    private CliProcess? _learner;

    /// <summary>The live learner's gRPC address.</summary>
    public string LearnerUrl { get; private set; } = "";

    /// <summary>The live learner's cluster address (<c>akka.tcp://asyncrl@127.0.0.1:PORT</c>).</summary>
    public string ClusterAddress { get; private set; } = "";

    /// <summary>A loopback port with nothing behind it.</summary>
    public int DeadPort { get; } = CliProcess.FreePort();

    public async Task InitializeAsync()
    {
        // A short finished run: PPO on CartPole, so its checkpoints restore into the learner and train cases.
        using (var train = CliProcess.Start(null, "train", "--out", _finished.Path, "--steps", "4096", "--no-early-stop"))
            Assert.True(await train.WaitForExitAsync(Eventually.Wait) == 0, train.Output);
        Assert.True(File.Exists(Path.Combine(_finished.Path, "checkpoints", "latest")), "the finished run left no checkpoint");

        int port = CliProcess.FreePort(), clusterPort = CliProcess.FreePort();
        LearnerUrl = $"http://127.0.0.1:{port}";
        ClusterAddress = $"akka.tcp://asyncrl@127.0.0.1:{clusterPort}";
        _learner = CliProcess.Start(null, "learner", "--listen", LearnerUrl, "--cluster-port", clusterPort.ToString(CultureInfo.InvariantCulture),
            "--out", _liveRun.Path, "--no-early-stop", "--steps", "100000000", "--rows-per-update", "256");
        await _learner.WaitForOutputAsync("cluster at", Eventually.Wait);
    }

    /// <summary>A fresh copy of the finished run directory.</summary>
    internal RunDirectory CopyOfFinishedRun()
    {
        var copy = RunDirectory.CreateTemp("signals-restore");
        foreach (string file in Directory.EnumerateFiles(_finished.Path, "*", SearchOption.AllDirectories))
        {
            string target = Path.Combine(copy.Path, Path.GetRelativePath(_finished.Path, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        // summary.json would say the run is over; without it the restored run goes on.
        File.Delete(Path.Combine(copy.Path, "summary.json"));
        return copy;
    }

    /// <summary>The live learner's output, for failure messages.</summary>
    public string LearnerOutput => _learner?.Output ?? "";

    public Task DisposeAsync()
    {
        _learner?.Dispose();
        _liveRun.Dispose();
        _finished.Dispose();
        return Task.CompletedTask;
    }
}
