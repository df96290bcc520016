using AsyncRL.Contracts.V1;
using AsyncRL.Models.Checkpoints;
using Grpc.Net.Client;
using LearnerClient = AsyncRL.Contracts.V1.Learner.LearnerClient;

namespace AsyncRL.IntegrationTests.BadInput;

/// <summary>
/// A learner process whose run directory is a small tmpfs that fills up between two checkpoints: the failed saves are
/// reported and counted (<c>asyncrl.learner.checkpoints{status=failed}</c>), the previous checkpoint stays intact and in
/// force, training goes on, and once there is room again checkpoints resume.
/// </summary>
public sealed class FullDiskTests
{
    [RequiresTmpfsFact]
    public async Task DiskFullWhileCheckpointing_PreviousCheckpointSurvives_FailureCounted_TrainingGoesOn()
    {
        using var disk = Tmpfs.Mount("size=4m");
        await using var metrics = await MetricsReceiver.StartAsync();
        var address = new Uri($"http://127.0.0.1:{CliProcess.FreePort()}");
        // Every pushed batch of 32 rows is one update; a checkpoint is due a fifth of a second after the last good one.
        using var learner = await LearnerProcess.StartAsync(metrics, "--listen", address.ToString().TrimEnd('/'), "--out", disk.Path,
            "--no-early-stop", "--steps", "100000000", "--rows-per-update", "32", "--checkpoint-interval", "0.2");
        using var channel = GrpcChannel.ForAddress(address);
        var client = new LearnerClient(channel);
        var registered = await client.RegisterAsync(new RegisterRequest { NodeId = "disk", ActorCount = 1, EnvsPerActor = 4 }).ResponseAsync.WaitAsync(Eventually.Wait);
        var batches = new CartPoleBatches();
        using var push = client.PushSamples();
        ulong seq = 0;
        async Task<PushAck> PushAsync()
        {
            await push.RequestStream.WriteAsync(batches.Next(registered.RunId, registered.ActorIds[0], ++seq)).WaitAsync(Eventually.Wait);
            Assert.True(await push.ResponseStream.MoveNext(CancellationToken.None).WaitAsync(Eventually.Wait), learner.Output);
            return push.ResponseStream.Current;
        }
        async Task TrainUntilAsync(Func<bool> condition, string what)
        {
            var deadline = DateTime.UtcNow + Eventually.Wait;
            while (!condition())
            {
                Assert.True(DateTime.UtcNow < deadline, $"no {what} after {seq} batches:\n{learner.Output}");
                Assert.Equal(AckStatus.Accepted, (await PushAsync()).Status);
                await Task.Delay(50); // lets a fifth of a second pass every few updates
            }
        }
        var store = new CheckpointStore(Path.Combine(disk.Path, "checkpoints"));

        await TrainUntilAsync(() => metrics.Total("asyncrl.learner.checkpoints", ("status", "saved")) >= 1 && store.LatestStep() is not null, "checkpoint");
        long good = store.LatestStep()!.Value;
        var goodFiles = Snapshot(store.DirectoryFor(good));
        FillUp(Path.Combine(disk.Path, "filler"));
        long versionAtFull = (await PushAsync()).LearnerPolicyVersion;
        await TrainUntilAsync(() => metrics.Total("asyncrl.learner.checkpoints", ("status", "failed")) >= 2, "failed checkpoints");
        long versionAfterFailures = (await PushAsync()).LearnerPolicyVersion;

        Assert.False(learner.HasExited, learner.Output);
        Assert.True(versionAfterFailures > versionAtFull, $"training stopped at version {versionAtFull}");
        Assert.Contains("Checkpoint at update", learner.Output, StringComparison.Ordinal);
        Assert.Contains("No space left on device", learner.Output, StringComparison.Ordinal);
        Assert.Equal(good, store.LatestStep()); // the pointer still names the last good one
        Assert.Equal(goodFiles, Snapshot(store.DirectoryFor(good)));
        Assert.Equal(good, store.Load(good).Step); // and it verifies
        Assert.Empty(Directory.EnumerateDirectories(store.Root, ".tmp-*")); // no half-written one left behind

        // Room again: the next checkpoint goes through.
        File.Delete(Path.Combine(disk.Path, "filler"));
        long saved = metrics.Total("asyncrl.learner.checkpoints", ("status", "saved"));
        await TrainUntilAsync(() => metrics.Total("asyncrl.learner.checkpoints", ("status", "saved")) > saved && store.LatestStep() > good, "checkpoint after the disk was freed");
        Assert.Equal(store.LatestStep(), store.Load(store.LatestStep()!.Value).Step);
    }

    private static Dictionary<string, byte[]> Snapshot(string directory) =>
        Directory.EnumerateFiles(directory).ToDictionary(f => Path.GetFileName(f), File.ReadAllBytes, StringComparer.Ordinal);

    /// <summary>Writes <paramref name="path"/> until the file system has no byte left.</summary>
    private static void FillUp(string path)
    {
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 1);
        var block = new byte[64 * 1024];
        try
        {
            while (true) file.Write(block);
        }
        catch (IOException)
        {
            // full; now the last bytes that fit in a partial block
        }
        try
        {
            while (true) file.Write(block, 0, 1);
        }
        catch (IOException)
        {
            // not one byte more
        }
    }
}
