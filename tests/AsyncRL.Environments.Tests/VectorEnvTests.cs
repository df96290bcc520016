namespace AsyncRL.Environments.Tests;

public sealed class VectorEnvTests
{
    [Fact]
    public void Step_AutoResets_ReportsEpisodes_AndKeepsFinalObservation()
    {
        var venv = EnvRegistry.CreateVector("cartpole", 3, seed: 1);
        venv.Reset();
        var actions = new int[3]; // always push left: episodes end quickly by termination
        var rewards = new float[3];
        var term = new bool[3];
        var trunc = new bool[3];
        int doneSeen = 0;
        for (int t = 0; t < 200; t++)
        {
            venv.Step(actions, rewards, term, trunc);
            for (int i = 0; i < 3; i++)
            {
                if (!term[i]) continue;
                doneSeen++;
                Assert.True(Math.Abs(venv.FinalObservations[i * 4]) > 2.4f || Math.Abs(venv.FinalObservations[i * 4 + 2]) > 0.2094f);
                Assert.All(venv.Observations.Slice(i * 4, 4).ToArray(), v => Assert.InRange(v, -0.05f, 0.05f));
            }
        }
        var episodes = new List<EpisodeStats>();
        Assert.Equal(doneSeen, venv.DrainEpisodes(episodes));
        Assert.True(doneSeen > 10);
        Assert.All(episodes, e => Assert.Equal(e.Length, e.Return));
        Assert.Equal(0, venv.PendingEpisodes);
    }

    [Fact]
    public void CreateVector_SameSeed_SameObservations_DifferentEnvsDiffer()
    {
        var a = EnvRegistry.CreateVector("acrobot", 2, seed: 5);
        var b = EnvRegistry.CreateVector("acrobot", 2, seed: 5);
        a.Reset();
        b.Reset();
        Assert.Equal(a.Observations.ToArray(), b.Observations.ToArray());
        Assert.NotEqual(a.Observations[..6].ToArray(), a.Observations[6..].ToArray());
    }

    [Fact]
    public void Registry_UnknownId_ListsKnownIds()
    {
        var ex = Assert.Throws<ArgumentException>(() => EnvRegistry.SpecOf("pong"));
        Assert.Contains("cartpole", ex.Message, StringComparison.Ordinal);
        Assert.Contains("acrobot", ex.Message, StringComparison.Ordinal);
    }
}
