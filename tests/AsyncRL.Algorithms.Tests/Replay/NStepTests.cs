using AsyncRL.Algorithms.Replay;

namespace AsyncRL.Algorithms.Tests.Replay;

public sealed class NStepTests
{
    private static readonly float[] Rewards = [1, 2, 3, 4, 5];

    [Fact]
    public void Compute_MidEpisode_SumsNDiscountedRewardsAndBootstrapsWithGammaToTheN()
    {
        var (g, discount, m) = NStep.Compute(Rewards, new bool[5], new bool[5], start: 1, n: 3, gamma: 0.5f);
        Assert.Equal(2 + 0.5f * 3 + 0.25f * 4, g, 6); // 4.5
        Assert.Equal(0.125f, discount, 6);
        Assert.Equal(3, m);
    }

    [Fact]
    public void Compute_TerminalInsideTheWindow_StopsThereAndDoesNotBootstrap()
    {
        bool[] terminated = [false, false, true, false, false];
        var (g, discount, m) = NStep.Compute(Rewards, terminated, new bool[5], start: 1, n: 3, gamma: 0.9f);
        Assert.Equal(2 + 0.9f * 3, g, 5);
        Assert.Equal(0f, discount);
        Assert.Equal(2, m);
    }

    [Fact]
    public void Compute_TruncationInsideTheWindow_StopsThereButBootstraps()
    {
        bool[] truncated = [true, false, false, false, false];
        var (g, discount, m) = NStep.Compute(Rewards, new bool[5], truncated, start: 0, n: 3, gamma: 0.9f);
        Assert.Equal(1f, g);
        Assert.Equal(0.9f, discount, 6);
        Assert.Equal(1, m);
    }

    [Fact]
    public void Compute_OneStep_IsTheRewardAndGamma()
    {
        var (g, discount, m) = NStep.Compute(Rewards, new bool[5], new bool[5], start: 4, n: 1, gamma: 0.99f);
        Assert.Equal((5f, 0.99f, 1), (g, discount, m));
    }
}
