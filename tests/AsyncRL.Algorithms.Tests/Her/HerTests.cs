using AsyncRL.Algorithms.Her;
using AsyncRL.Algorithms.Replay;
using AsyncRL.Environments;
using AsyncRL.Environments.Goals;

namespace AsyncRL.Algorithms.Tests.Her;

public sealed class HerTests
{
    [Fact]
    public void GoalStep_StaysInsideEachStrategysRange()
    {
        var rng = new Generator(1);
        for (int i = 0; i < 1000; i++)
        {
            Assert.InRange(HerRelabel.GoalStep(HerStrategy.Future, 3, 10, rng), 3, 9);
            Assert.Equal(9, HerRelabel.GoalStep(HerStrategy.Final, 3, 10, rng));
            Assert.InRange(HerRelabel.GoalStep(HerStrategy.Episode, 3, 10, rng), 0, 9);
        }
        Assert.Equal(0.8, HerRelabel.RelabelProbability(4), 12);
        Assert.Equal(0, HerRelabel.RelabelProbability(0));
    }

    [Fact]
    public void Sampler_FinalStrategy_RelabelsWithTheEpisodesLastStateAndTheEnvironmentsReward()
    {
        var env = new BitFlip(3, new Generator(1));
        var store = new EpisodeReplay(100, HerSampler.Columns(6));
        // Goal 111 never reached: 000 → 100 → 110 (flips bits 0, 1).
        float[] obs = [0, 0, 0, 1, 1, 1, 1, 0, 0, 1, 1, 1];
        float[] next = [1, 0, 0, 1, 1, 1, 1, 1, 0, 1, 1, 1];
        store.Add(2, [obs, new float[] { 0, 1 }, next], policyVersion: 3);
        var sampler = new HerSampler(env, new HerOptions { Strategy = HerStrategy.Final, K = 1_000_000 });
        int b = 64;
        var (o, a, r, n, d, lag, age) = (new float[b * 6], new int[b], new float[b], new float[b * 6], new float[b], new long[b], new long[b]);
        int relabelled = sampler.Sample(store, new Generator(2), learnerVersion: 5, o, a, r, n, d, lag, age);
        Assert.InRange(relabelled, 60, 64);
        for (int k = 0; k < b; k++)
        {
            Assert.Equal(2, lag[k]);
            var goal = o.AsSpan(k * 6 + 3, 3).ToArray();
            if (goal.SequenceEqual(new float[] { 1, 1, 1 })) continue; // the rare original goal
            Assert.Equal([1f, 1, 0], goal);                              // the final achieved state
            Assert.Equal(goal, n.AsSpan(k * 6 + 3, 3).ToArray());
            bool reaches = n.AsSpan(k * 6, 3).SequenceEqual(goal);      // only the last step reaches 110
            Assert.Equal(reaches ? 0f : -1f, r[k]);
            Assert.Equal(reaches ? 0f : 0.98f, d[k], 6);
            Assert.Equal(reaches ? 1 : 0, a[k]);
        }
    }

    [Fact]
    public void Episodes_NotWhole_AreRejectedWithTheReason()
    {
        bool[] no = [false, false];
        var e = new HerEpisodes(new float[4], [0, 1], [-1, -1], new float[4], no, no, [0, 1], [0, 0]);
        var ex = Assert.Throws<ArgumentException>(() => e.Validate(2, 2));
        Assert.Contains("does not end its episode", ex.Message, StringComparison.Ordinal);
        var skipped = e with { Truncated = [false, true], Steps = [0, 2] };
        ex = Assert.Throws<ArgumentException>(() => skipped.Validate(2, 2));
        Assert.Contains("column 'step': row 1 is step 2, expected 1", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => (e with { Truncated = [false, true], Actions = [0, 5] }).Validate(2, 2));
    }

    [Fact]
    public void Collector_SendsOnlyWholeEpisodes()
    {
        var args = new Dictionary<string, string> { ["n"] = "6" };
        var net = new AsyncRL.Algorithms.Dqn.QNetwork(12, 6, [8], new Generator(1));
        var collector = new HerCollector(EnvRegistry.CreateVector("bitflip", args, 3, 5), new AsyncRL.Algorithms.Dqn.DqnActingPolicy(net, 3), new Generator(2), 4, [1f, 1f, 1f]);
        for (int i = 0; i < 5; i++)
        {
            var (episodes, steps) = collector.Collect(i);
            episodes.Validate(12, 6);
            Assert.True(episodes.Rows > 0 && steps >= 12);
            Assert.All(episodes.Episodes(), ep => Assert.InRange(ep.Length, 1, 6));
        }
    }
}
