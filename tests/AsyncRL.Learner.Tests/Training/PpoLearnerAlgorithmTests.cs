using AsyncRL.Algorithms;
using AsyncRL.Algorithms.Ppo;
using AsyncRL.Environments;
using AsyncRL.Learner.Tests.Support;

namespace AsyncRL.Learner.Tests.Training;

public sealed class PpoLearnerAlgorithmTests
{
    private static PpoLearnerAlgorithm Create() => new(LearnerHarness.SmallPpo, EnvRegistry.SpecOf("cartpole"), seed: 5, maxStaleness: 0);

    private static LearnerBatch Batch(ILearnerAlgorithm algorithm, Fragments fragments, ulong seq, long version)
    {
        var registered = new AsyncRL.Contracts.V1.RegisterReply { RunId = "r", ActorIds = { "a/0" } };
        var batch = fragments.Batch(registered, seq, version);
        return new LearnerBatch("a/0", seq, version, version, 32, default, algorithm.Decode(batch));
    }

    [Fact]
    public void Update_ConsumesOneUpdatesWorth_AndReportsFlatMetrics()
    {
        var algorithm = Create();
        var fragments = new Fragments();

        algorithm.Ingest(Batch(algorithm, fragments, 1, version: 0));
        Assert.True(algorithm.ReadyToUpdate);
        Assert.Throws<InvalidOperationException>(() => algorithm.Ingest(Batch(algorithm, fragments, 2, version: 0)));
        var result = algorithm.Update(learnerVersion: 2);

        Assert.False(algorithm.ReadyToUpdate);
        Assert.Equal(1ul, Assert.Single(result.Consumed).Seq);
        Assert.Equal(32, result.Rows);
        Assert.Equal(2, result.Staleness.Min);
        foreach (var key in new[] { "loss", "approx_kl", "clip_fraction", "ratio_mean", "ess", "explained_variance", "grad_norm", "lr" })
            Assert.True(result.Metrics.ContainsKey(key), key);
    }

    [Fact]
    public void SaveState_RestoredIntoAFreshInstance_ContinuesIdentically()
    {
        var original = Create();
        var fragments = new Fragments(seed: 3);
        original.Ingest(Batch(original, fragments, 1, 0));
        original.Update(0);
        var state = original.SaveState();
        var copy = new PpoLearnerAlgorithm(LearnerHarness.SmallPpo, EnvRegistry.SpecOf("cartpole"), seed: 99);
        copy.RestoreState(new LearnerAlgorithmState(
            state.Model.ToDictionary(kv => kv.Key, kv => kv.Value.Clone()), state.Optimizer!.ToDictionary(kv => kv.Key, kv => kv.Value.Clone()), state.Metadata));

        var next = new Fragments(seed: 4);
        var same = new Fragments(seed: 4);
        original.Ingest(Batch(original, next, 2, 1));
        copy.Ingest(Batch(copy, same, 2, 1));
        var a = original.Update(1);
        var b = copy.Update(1);

        Assert.Equal(a.Metrics["loss"], b.Metrics["loss"]);
        Assert.Equal(original.Policy.Parameters().SelectMany(p => p.Data.ToArray()), copy.Policy.Parameters().SelectMany(p => p.Data.ToArray()));
    }
}
