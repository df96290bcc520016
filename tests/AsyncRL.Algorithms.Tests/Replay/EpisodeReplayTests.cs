using AsyncRL.Algorithms.Replay;

namespace AsyncRL.Algorithms.Tests.Replay;

public sealed class EpisodeReplayTests
{
    private static void AddEpisode(EpisodeReplay store, int id, int length) =>
        store.Add(length, [Enumerable.Range(0, length).Select(t => id * 100f + t).ToArray()], policyVersion: id);

    [Fact]
    public void Add_PastCapacity_EvictsWholeEpisodesOldestFirst()
    {
        var store = new EpisodeReplay(10, [new ReplayColumn("step", 1)]);
        AddEpisode(store, 1, 4);
        AddEpisode(store, 2, 3);
        AddEpisode(store, 3, 2);
        Assert.Equal((3, 9), (store.Count, store.Size));
        AddEpisode(store, 4, 3); // needs 3 rows, 1 free: episode 1 goes
        Assert.Equal((3, 8, 1L), (store.Count, store.Size, store.EvictedEpisodes));
        Assert.Equal([2L, 3, 4], Enumerable.Range(0, store.Count).Select(i => store.EpisodeAt(i).PolicyVersion));
        // Episode 4 wraps around the end of the ring and still reads back in order.
        var e4 = store.EpisodeAt(2);
        Assert.Equal([400f, 401, 402], Enumerable.Range(0, 3).Select(t => store.Step(0, e4, t)[0]));
        Assert.True(e4.Start + e4.Length > store.Capacity);
        AddEpisode(store, 5, 10); // the whole store
        Assert.Equal((1, 10), (store.Count, store.Size));
        Assert.Equal(509f, store.Step(0, store.EpisodeAt(0), 9)[0]);
    }

    [Fact]
    public void SampleEpisode_IsUniformOverEpisodes()
    {
        var store = new EpisodeReplay(100, [new ReplayColumn("step", 1)]);
        AddEpisode(store, 0, 1);
        AddEpisode(store, 1, 30);
        var rng = new Generator(4);
        int shortOnes = Enumerable.Range(0, 10_000).Count(_ => store.SampleEpisode(rng).Length == 1);
        Assert.InRange(shortOnes, 4800, 5200);
    }

    [Fact]
    public void Add_WrongSizes_AreRejected()
    {
        var store = new EpisodeReplay(10, [new ReplayColumn("obs", 2)]);
        Assert.Throws<ArgumentException>(() => store.Add(2, [new float[3]], 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => store.Add(11, [new float[22]], 0));
        Assert.Equal(0, store.Count);
    }
}
