using System.Text.Json;
using AsyncRL.Algorithms;
using AsyncRL.Contracts;
using AsyncRL.Contracts.V1;
using AsyncRL.Learner.Tests.Support;
using AsyncRL.Models.Nn;

namespace AsyncRL.Learner.Tests.Training;

/// <summary><c>--n N</c> on the learner: one update per round of fragments, a version every N updates, staleness j on the j-th.</summary>
public sealed class OffPolicyNTests
{
    [Fact]
    public async Task Update_NThree_PublishesEveryThirdUpdate_AndStalenessCyclesZeroToTwo()
    {
        // Arrange: one actor, one fragment per PPO update
        await using var learner = await LearnerHarness.StartAsync(o => o with { OffPolicyN = 3 });
        var registered = await learner.RegisterAsync();
        var fragments = new Fragments();
        await using var watch = new WeightsWatch(learner.Client);
        await using var push = new PushStream(learner.Client);
        Assert.Equal(0, (await watch.NextAsync().Within())!.Version);

        // Act: two cycles of three fragments, each generated with the version the cycle starts with
        ulong seq = 1;
        var published = new List<WeightsAssembler>();
        foreach (long version in new long[] { 0, 3 })
        {
            for (int i = 0; i < 3; i++) await push.SendAsync(fragments.Batch(registered, seq++, version));
            published.Add((await watch.NextAsync().Within())!);
        }
        await learner.Node.StopAsync().Within();
        var summary = await learner.Node.Completion.Within();

        // Assert
        Assert.Equal([3L, 6L], published.Select(p => p.Version));
        Assert.Equal([3L, 6L], published.Select(p => p.LearnerUpdate));
        var lines = MetricsLines(learner.OutDir);
        Assert.Equal([0.0, 1.0, 2.0, 0.0, 1.0, 2.0], lines.Select(l => l.GetProperty("staleness_mean").GetDouble()));
        Assert.Equal([0L, 1L, 2L, 3L, 4L, 5L], lines.Select(l => l.GetProperty("learner_version").GetInt64()));
        Assert.Equal([0L, 0L, 3L, 3L, 3L, 6L], lines.Select(l => l.GetProperty("policy_version").GetInt64()));
        Assert.Equal(3, Json(learner.OutDir, "config.json").GetProperty("n").GetInt32());
        Assert.Equal(3, Json(learner.OutDir, "summary.json").GetProperty("n").GetInt32());
        Assert.Equal(3, summary.N);
        Assert.Equal(new StalenessStats(0, 1.0, 2), summary.Staleness);
    }

    [Fact]
    public async Task Register_NThree_RunSpecTellsActorsThreeFragmentsPerVersion()
    {
        await using var learner = await LearnerHarness.StartAsync(o => o with { OffPolicyN = 3 });
        var registered = await learner.RegisterAsync();
        await using var asynchronous = await LearnerHarness.StartAsync();
        var free = await asynchronous.RegisterAsync();

        Assert.Equal(3u, registered.Run.FragmentsPerVersion);
        Assert.Equal(0u, free.Run.FragmentsPerVersion);
        Assert.Equal(JsonValueKind.Null, Json(asynchronous.OutDir, "config.json").GetProperty("n").ValueKind);
    }

    [Fact]
    public async Task Update_RoundTooSmallForAnUpdate_PublishesOnceEveryActorDelivered_InsteadOfWaitingForever()
    {
        // Arrange: an update needs two fragments, N = 2, one actor: two fragments of a version make one update
        await using var learner = await LearnerHarness.StartAsync(o => o with { OffPolicyN = 2, Ppo = LearnerHarness.SmallPpo with { RowsPerUpdate = 64 } });
        var registered = await learner.RegisterAsync();
        var fragments = new Fragments();
        await using var watch = new WeightsWatch(learner.Client);
        await using var push = new PushStream(learner.Client);
        await watch.NextAsync().Within();

        // Act
        await push.SendAsync(fragments.Batch(registered, 1, version: 0));
        await push.SendAsync(fragments.Batch(registered, 2, version: 0));
        var next = await watch.NextAsync().Within();

        // Assert: published after the one update it could take, numbered by it
        Assert.Equal(1, next!.Version);
        Assert.Equal(1, next.LearnerUpdate);
    }

    [Fact]
    public async Task Ingest_StoreStillFilling_PublishesTheSameWeightsOneVersionOn()
    {
        // Arrange: four fragments per update (a store warming up), N = 1: the actor waits after every fragment
        await using var learner = await LearnerHarness.StartAsync(o => o with { OffPolicyN = 1, Ppo = LearnerHarness.SmallPpo with { RowsPerUpdate = 128 } });
        var registered = await learner.RegisterAsync();
        var fragments = new Fragments();
        await using var watch = new WeightsWatch(learner.Client);
        await using var push = new PushStream(learner.Client);
        var first = await watch.NextAsync().Within();

        // Act
        await push.SendAsync(fragments.Batch(registered, 1, version: 0));
        var second = await watch.NextAsync().Within();

        // Assert
        Assert.Equal(1, second!.Version);
        Assert.Equal(0, second.LearnerUpdate);
        Assert.Equal(first!.Blob.ToArray(), second.Blob.ToArray());
    }

    [Fact]
    public async Task Restart_MidCycle_PublishesTheLearnerVersion()
    {
        // Arrange: N = 3, stopped after two updates of the first cycle
        using var dir = new TempDirectory();
        var fragments = new Fragments();
        UpdateSignal? signal = null;
        RegisterReply registered;
        await using (var first = await LearnerHarness.StartAsync(o => o with { OffPolicyN = 3 }, outDir: dir.Path,
            algorithm: o => signal = new UpdateSignal(LearnerAlgorithms.Create(o), updates: 2)))
        {
            registered = await first.RegisterAsync();
            await using var push = new PushStream(first.Client);
            await push.SendAsync(fragments.Batch(registered, 1, version: 0));
            await push.SendAsync(fragments.Batch(registered, 2, version: 0));
            await signal!.Reached.Within();
            await first.Node.StopAsync().Within();
        }

        // Act
        await using var second = await LearnerHarness.StartAsync(o => o with { OffPolicyN = 3 }, outDir: dir.Path);
        await using var watch = new WeightsWatch(second.Client);
        var restored = await watch.NextAsync().Within();

        // Assert: the weights after two updates are version 0 + 2, and a new cycle starts from there
        Assert.Equal(2, restored!.Version);
    }

    [Fact]
    public void Validate_NWithLag_Throws()
    {
        var options = LearnerHarness.DefaultOptions("unused") with { OffPolicyN = 2, Lag = 1 };
        var error = Assert.Throws<ArgumentException>(options.Validate);
        Assert.Contains("exclude each other", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>((options with { Lag = 0, OffPolicyN = 0 }).Validate);
        Assert.Throws<ArgumentException>((options with { OffPolicyN = null, PublishEvery = 2 }).Validate);
    }

    private static List<JsonElement> MetricsLines(string dir) =>
        [.. File.ReadAllLines(Path.Combine(dir, "metrics.jsonl")).Select(l => JsonDocument.Parse(l).RootElement)];

    private static JsonElement Json(string dir, string file) => JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, file))).RootElement;

    /// <summary>Completes <see cref="Reached"/> once the wrapped algorithm has taken the given number of updates.</summary>
    private sealed class UpdateSignal(ILearnerAlgorithm inner, int updates) : ILearnerAlgorithm
    {
        private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _taken;

        public Task Reached => _reached.Task;

        public string Name => inner.Name;

        public SampleSchema Schema => inner.Schema;

        public Module Policy => inner.Policy;

        public bool ReadyToUpdate => inner.ReadyToUpdate;

        public RunSpec CreateRunSpec(ulong seed, uint lag) => inner.CreateRunSpec(seed, lag);

        public ILearnerSamples Decode(SampleBatch batch) => inner.Decode(batch);

        public void Ingest(LearnerBatch batch) => inner.Ingest(batch);

        public LearnerUpdateResult Update(long learnerVersion)
        {
            var result = inner.Update(learnerVersion);
            if (++_taken >= updates) _reached.TrySetResult();
            return result;
        }

        public LearnerAlgorithmState SaveState() => inner.SaveState();

        public void RestoreState(LearnerAlgorithmState state) => inner.RestoreState(state);
    }
}
