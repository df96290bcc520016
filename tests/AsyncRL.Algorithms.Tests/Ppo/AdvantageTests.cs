using AsyncRL.Algorithms.Ppo;

namespace AsyncRL.Algorithms.Tests.Ppo;

public sealed class AdvantageTests
{
    // Rollout [T = 5, N = 2]: env 0 terminates at t = 2, env 1 is truncated at t = 3.
    private static readonly float[] Rewards = [1, 0.5f, 1, 0, 1, 2, 0.5f, 1, 1, -1];
    private static readonly float[] Values = [0.3f, 0.1f, 0.4f, 0.2f, 0.5f, -0.1f, 0.2f, 0.6f, 0.1f, 0.3f];
    private static readonly float[] Bootstrap = [0.7f, 0.9f];
    private static readonly bool[] Terminated = [false, false, false, false, true, false, false, false, false, false];
    private static readonly bool[] Truncated = [false, false, false, false, false, false, false, true, false, false];
    private static readonly float[] TruncValues = [0, 0, 0, 0, 0, 0, 0, 1.5f, 0, 0];

    // Direct definition: Aₜ = Σₖ (γλ)ᵏ δₜ₊ₖ within the episode, each δ using the right next value.
    private static double ReferenceAdvantage(int t, int e, double gamma, double lambda)
    {
        double sum = 0, w = 1;
        for (int s = t; s < 5; s++)
        {
            int i = s * 2 + e;
            double next = Terminated[i] ? 0 : Truncated[i] ? TruncValues[i] : s == 4 ? Bootstrap[e] : Values[(s + 1) * 2 + e];
            sum += w * (Rewards[i] + gamma * next - Values[i]);
            if (Terminated[i] || Truncated[i]) break;
            w *= gamma * lambda;
        }
        return sum;
    }

    [Fact]
    public void Gae_MatchesDirectSum_AcrossTerminationAndTruncation()
    {
        var adv = new float[10];
        var ret = new float[10];
        Gae.Compute(Rewards, Values, Bootstrap, Terminated, Truncated, TruncValues, 0.99f, 0.95f, adv, ret);
        for (int t = 0; t < 5; t++)
            for (int e = 0; e < 2; e++)
            {
                Assert.InRange(adv[t * 2 + e] - ReferenceAdvantage(t, e, 0.99, 0.95), -1e-5, 1e-5);
                Assert.Equal(adv[t * 2 + e] + Values[t * 2 + e], ret[t * 2 + e], 5);
            }
    }

    [Fact]
    public void VTrace_OnPolicyWithLambdaOne_EqualsGaeLambdaOneReturns()
    {
        var targets = new float[10];
        var pgAdv = new float[10];
        VTrace.Compute(Rewards, Values, Bootstrap, Terminated, Truncated, TruncValues, new float[10], 0.99f, 1f, 1f, 1f, targets, pgAdv);
        var adv = new float[10];
        var ret = new float[10];
        Gae.Compute(Rewards, Values, Bootstrap, Terminated, Truncated, TruncValues, 0.99f, 1f, adv, ret);
        for (int i = 0; i < 10; i++) Assert.Equal(ret[i], targets[i], 4);
    }

    [Fact]
    public void VTrace_ClipsLargeRatios()
    {
        float[] r = [1f];
        float[] v = [0f];
        var targets = new float[1];
        var adv = new float[1];
        // ratio e² ≈ 7.4 is clipped to ρ̄ = 1: target = V + 1·(r + γV' − V).
        VTrace.Compute(r, v, [2f], [false], [false], [0f], [2f], 0.5f, 1f, 1f, 1f, targets, adv);
        Assert.Equal(1f + 0.5f * 2f, targets[0], 5);
        Assert.Equal(2f, adv[0], 5);
    }

    [Fact]
    public void Gae_MismatchedLengths_Throws()
    {
        var ex = Assert.Throws<ArgumentException>(() =>
            Gae.Compute(Rewards, Values.AsSpan(1), Bootstrap, Terminated, Truncated, TruncValues, 0.99f, 0.95f, new float[10], new float[10]));
        Assert.Contains("9", ex.Message, StringComparison.Ordinal);
    }
}
