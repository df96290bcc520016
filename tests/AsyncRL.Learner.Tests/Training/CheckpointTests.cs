using AsyncRL.Contracts;
using AsyncRL.Contracts.V1;
using AsyncRL.Learner.Tests.Support;

namespace AsyncRL.Learner.Tests.Training;

public sealed class CheckpointTests
{
    [Fact]
    public async Task Restart_RestoresTheLatestCheckpoint_VersionContinues_AndDeduplicationSurvives()
    {
        using var dir = new TempDirectory();
        var fragments = new Fragments();
        RegisterReply registered;
        WeightsAssembler lastBeforeStop;
        string runId;
        await using (var first = await LearnerHarness.StartAsync(o => o with { CheckpointEveryUpdates = 1 }, outDir: dir.Path))
        {
            registered = await first.RegisterAsync();
            runId = first.Node.RunId!;
            await using var watch = new WeightsWatch(first.Client);
            await using var push = new PushStream(first.Client);
            await watch.NextAsync().Within();
            await push.SendAsync(fragments.Batch(registered, 1));
            await watch.NextAsync().Within();
            await push.SendAsync(fragments.Batch(registered, 2, version: 1));
            lastBeforeStop = (await watch.NextAsync().Within())!;
        }

        await using var second = await LearnerHarness.StartAsync(o => o with { CheckpointEveryUpdates = 1 }, outDir: dir.Path);
        var again = await second.RegisterAsync();
        await using var watchAgain = new WeightsWatch(second.Client);
        var restored = await watchAgain.NextAsync().Within();
        await using var resend = new PushStream(second.Client);
        var duplicate = await resend.SendAsync(fragments.Batch(registered, 2, version: 1));
        var fresh = await resend.SendAsync(fragments.Batch(registered, 3, version: 2));
        var next = await watchAgain.NextAsync().Within();
        await second.Node.StopAsync().Within();
        var summary = await second.Node.Completion.Within();

        Assert.Equal(runId, second.Node.RunId);
        Assert.Equal(runId, again.RunId);
        Assert.Equal(registered.ActorIds, again.ActorIds);
        Assert.Equal(2, again.LatestPolicyVersion);
        Assert.Equal(2, lastBeforeStop.Version);
        Assert.Equal(2, restored!.Version);
        Assert.Equal(lastBeforeStop.Blob.ToArray(), restored.Blob.ToArray());
        Assert.Equal(AckStatus.Duplicate, duplicate.Status);
        Assert.Equal(AckStatus.Accepted, fresh.Status);
        Assert.Equal(2, fresh.LearnerPolicyVersion);
        Assert.Equal(3, next!.Version);
        Assert.Equal(3, next.LearnerUpdate);
        Assert.Equal(3, summary.Updates);
        Assert.Equal(96, summary.EnvSteps);
        Assert.Equal(3, summary.AcceptedBatches);
        Assert.Equal(1, summary.DuplicateBatches);
        Assert.True(File.Exists(Path.Combine(dir.Path, "checkpoints", "latest")));
    }

    [Fact]
    public async Task Restart_WithAnotherEnvironment_RefusesTheDirectory()
    {
        using var dir = new TempDirectory();
        await using (var first = await LearnerHarness.StartAsync(outDir: dir.Path))
        {
            await first.Node.StopAsync().Within();
        }

        await using var node = new LearnerNode(LearnerHarness.DefaultOptions(dir.Path) with { Env = "acrobot" });
        var error = await Assert.ThrowsAsync<RunDirectoryConflictException>(() => node.StartAsync().Within());

        Assert.Contains("ppo on cartpole, not ppo on acrobot", error.Message, StringComparison.Ordinal);
    }
}
