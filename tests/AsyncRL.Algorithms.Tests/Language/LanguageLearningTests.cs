using AsyncRL.Models.Engine;
using Xunit.Abstractions;

namespace AsyncRL.Algorithms.Tests.Language;

/// <summary>At N = 1 (on-policy, synchronous) each algorithm raises the task score clearly above the SFT model's.</summary>
[Collection(PreparedTasksCollection.Name)]
public sealed class LanguageLearningTests(PreparedTasksFixture fixture, ITestOutputHelper output)
{
    [Theory]
    [InlineData("dpo")]
    [InlineData("ppo-lm")]
    [InlineData("rloo")]
    public void Arith_AtNOne_RaisesGreedyAccuracyFarAboveSft(string algorithm)
    {
        var r = LanguageHarness.Train(fixture.Arith, algorithm, updates: 120, seed: 1);
        output.WriteLine($"{algorithm} arith: SFT {r.SftScore:F3} → {r.Score:F3}, KL to SFT {r.KlToReference:F3}, reward {r.RewardMeanFirst:F3} → {r.RewardMeanLast:F3}");
        Assert.True(r.Score >= r.SftScore + 0.3, $"{algorithm}: accuracy {r.Score:F3} from SFT's {r.SftScore:F3}");
        Assert.True(r.KlToReference > 0, $"the policy moved away from SFT (KL {r.KlToReference:F3})");
        Assert.Equal(0, r.StalenessMax);
    }

    [Theory]
    [InlineData("dpo")]
    [InlineData("ppo-lm")]
    [InlineData("rloo")]
    public void GoldRm_AtNOne_RaisesTheGoldWinRateAboveSft(string algorithm)
    {
        var r = LanguageHarness.Train(fixture.GoldRm, algorithm, updates: 150, seed: 1);
        output.WriteLine($"{algorithm} gold-rm: SFT {r.SftScore:F3} → {r.Score:F3}, KL to SFT {r.KlToReference:F3}, proxy reward {r.RewardMeanFirst:F3} → {r.RewardMeanLast:F3}");
        Assert.True(r.Score >= r.SftScore + 0.08, $"{algorithm}: gold win-rate {r.Score:F3} from SFT's {r.SftScore:F3}");
        Assert.True(r.RewardMeanLast > r.RewardMeanFirst, "the proxy reward rose");
    }

    [Fact]
    public void Arith_DpoOnTorch_RaisesGreedyAccuracyFarAboveSft()
    {
        // The policy update on libtorch (generation and scoring on the host model, refreshed after every step).
        var r = LanguageHarness.Train(fixture.Arith, "dpo", updates: 80, seed: 1, engine: ModelEngine.TorchCpu);
        output.WriteLine($"dpo arith on torch: SFT {r.SftScore:F3} → {r.Score:F3}, KL to SFT {r.KlToReference:F3}, reward {r.RewardMeanFirst:F3} → {r.RewardMeanLast:F3}");
        Assert.True(r.Score >= r.SftScore + 0.25, $"accuracy {r.Score:F3} from SFT's {r.SftScore:F3}");
        Assert.True(r.RewardMeanLast > r.RewardMeanFirst, "the training reward rose");
    }

    [Fact]
    public void Arith_OffPolicyNFour_StillLearns_WithStalenessUpToThree()
    {
        var r = LanguageHarness.Train(fixture.Arith, "dpo", updates: 80, seed: 2, n: 4);
        output.WriteLine($"dpo arith N=4: SFT {r.SftScore:F3} → {r.Score:F3}, staleness max {r.StalenessMax}");
        Assert.Equal(3, r.StalenessMax);
        Assert.True(r.Score >= r.SftScore + 0.25, $"accuracy {r.Score:F3} from SFT's {r.SftScore:F3}");
    }
}
