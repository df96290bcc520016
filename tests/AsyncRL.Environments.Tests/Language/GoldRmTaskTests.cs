using AsyncRL.Environments.Language;

namespace AsyncRL.Environments.Tests.Language;

public sealed class GoldRmTaskTests
{
    // "aabbcdaa": a ×4 and b ×2 are key letters, c and d details; e–h absent.
    private static readonly int[] Document = Vocabulary.Encode("aabbcdaa");

    [Theory]
    [InlineData("ab$", 2.0)]      // both key letters
    [InlineData("ba$", 2.0)]      // order does not matter
    [InlineData("a$", 1.0)]
    [InlineData("abc$", 1.5)]     // a detail costs 0.5
    [InlineData("abe$", 1.0)]     // a letter the document lacks costs 1
    [InlineData("aab$", 1.0)]     // a repeat costs 1
    [InlineData("a1$", 0.0)]      // a non-letter costs 1
    [InlineData("$", 0.0)]
    [InlineData("ab", 0.0)]       // no EOS: 2 − 2
    [InlineData("ab$cd", 2.0)]    // after EOS nothing counts
    public void Score_FollowsTheRules(string completion, double expected) =>
        Assert.Equal(expected, GoldScorer.Score(Document, Vocabulary.Encode(completion)), 9);

    [Fact]
    public void Win_IsOneHalfOnATie_AndAntisymmetric()
    {
        var better = Vocabulary.Encode("ab$");
        var worse = Vocabulary.Encode("abc$");
        Assert.Equal(1, GoldScorer.Win(Document, better, worse));
        Assert.Equal(0, GoldScorer.Win(Document, worse, better));
        Assert.Equal(0.5, GoldScorer.Win(Document, better, Vocabulary.Encode("ba$")));
    }

    [Fact]
    public void KeyLetters_AreTheRepeatedOnes_InOrderOfFirstAppearance()
    {
        var prompt = Vocabulary.Encode("cbbaacdh:");
        Assert.Equal(Vocabulary.Encode("cba"), GoldRmTask.KeyLetters(prompt));
    }

    [Fact]
    public void HeldOut_IsFixedBySeed_WithAReferencePerPrompt_NeverDrawnForTraining()
    {
        var a = new GoldRmTask(4);
        var b = new GoldRmTask(4);
        Assert.Equal(a.HeldOutPrompts, b.HeldOutPrompts);
        Assert.Equal(a.References, b.References);
        Assert.Equal(GoldRmTask.HeldOutCount, a.References.Count);
        Assert.All(a.References, r => Assert.Equal(Vocabulary.Eos, r[^1]));
        var heldOut = a.HeldOutPrompts.Select(p => Vocabulary.Decode(p)).ToHashSet();
        var rng = new Generator(9);
        var prompt = new int[a.PromptLength];
        for (int i = 0; i < 2000; i++)
        {
            a.SampleTrainingPrompt(rng, prompt);
            Assert.DoesNotContain(Vocabulary.Decode(prompt), heldOut);
            Assert.Equal(':', Vocabulary.Decode(prompt)[^1]);
        }
    }

    [Fact]
    public void References_BeatTheDemonstrations_MostOfTheTime_ButTheIdealSummaryBeatsBoth()
    {
        // Room to improve: the demonstrator wins about a quarter of the time, the ideal summary much more often.
        var task = new GoldRmTask(1);
        var rng = new Generator(3);
        double demo = 0, ideal = 0;
        for (int i = 0; i < task.HeldOutPrompts.Count; i++)
        {
            var prompt = task.HeldOutPrompts[i];
            demo += task.HeldOutScore(i, task.Demonstrate(prompt, rng));
            ideal += task.HeldOutScore(i, [.. GoldRmTask.KeyLetters(prompt), Vocabulary.Eos]);
        }
        demo /= task.HeldOutPrompts.Count;
        ideal /= task.HeldOutPrompts.Count;
        Assert.InRange(demo, 0.15, 0.40);
        Assert.True(ideal > 0.65, $"ideal summaries win {ideal:F3}");
    }

    [Fact]
    public void Registry_KnowsBothTasks_AndRejectsArguments()
    {
        Assert.IsType<ArithTask>(LanguageTasks.Create("arith", null, 1));
        Assert.IsType<GoldRmTask>(LanguageTasks.Create("gold-rm", null, 1));
        var spec = EnvRegistry.SpecOf("gold-rm", null);
        Assert.Equal((9, Vocabulary.Size, 6), (spec.ObservationSize, spec.ActionCount, spec.MaxEpisodeSteps));
        Assert.Null(spec.SolvedThreshold);
        var e = Assert.Throws<ArgumentException>(() => EnvRegistry.SpecOf("arith", new Dictionary<string, string> { ["n"] = "3" }));
        Assert.Contains("takes no arguments", e.Message, StringComparison.Ordinal);
        var step = Assert.Throws<ArgumentException>(() => EnvRegistry.Create("arith", null, new Generator(0)));
        Assert.Contains("language task", step.Message, StringComparison.Ordinal);
    }
}
