using AsyncRL.Algorithms.Language;

namespace AsyncRL.Algorithms.Tests.Language;

public sealed class LearningRatesTests
{
    [Fact]
    public void Eta_Constant_IsEtaZeroAtEveryUpdate()
    {
        Assert.All(new long[] { 0, 1, 299, 5000 }, u => Assert.Equal(1e-4f, LearningRates.Eta(LearningRateSchedule.Constant, 1e-4f, u, 300)));
    }

    [Fact]
    public void Eta_Linear_FallsFromEtaZeroByEtaZeroOverTPerUpdate()
    {
        const float eta0 = 3e-4f;

        Assert.Equal(eta0, LearningRates.Eta(LearningRateSchedule.Linear, eta0, 0, 300));
        Assert.Equal(eta0 / 2, LearningRates.Eta(LearningRateSchedule.Linear, eta0, 150, 300), 9);
        Assert.Equal(eta0 / 300, LearningRates.Eta(LearningRateSchedule.Linear, eta0, 299, 300), 9);
        Assert.Equal(0f, LearningRates.Eta(LearningRateSchedule.Linear, eta0, 300, 300));
        Assert.Equal(0f, LearningRates.Eta(LearningRateSchedule.Linear, eta0, 1000, 300)); // past the plan (a resumed run given more steps)
    }

    [Fact]
    public void Eta_LinearWithoutAPlannedRun_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => LearningRates.Eta(LearningRateSchedule.Linear, 1e-4f, 0, 0));
    }

    [Theory]
    [InlineData("constant", LearningRateSchedule.Constant)]
    [InlineData(" Linear ", LearningRateSchedule.Linear)]
    public void Parse_KnownNames(string text, LearningRateSchedule expected) => Assert.Equal(expected, LearningRates.Parse(text));

    [Fact]
    public void Parse_UnknownName_NamesTheKnownOnes()
    {
        var e = Assert.Throws<ArgumentException>(() => LearningRates.Parse("cosine"));
        Assert.Contains("constant, linear", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_LinearWithoutTotalUpdates_OrABadRate_Throws()
    {
        Assert.Throws<ArgumentException>(() => new LanguageRlOptions { Schedule = LearningRateSchedule.Linear }.Validate("dpo"));
        Assert.Throws<ArgumentException>(() => new LanguageRlOptions { LearningRate = float.NaN }.Validate("dpo"));
        new LanguageRlOptions { Schedule = LearningRateSchedule.Linear, TotalUpdates = 300 }.Validate("dpo");
    }
}
