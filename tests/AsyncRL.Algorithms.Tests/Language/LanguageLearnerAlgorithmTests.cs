using AsyncRL.Algorithms.Language;
using AsyncRL.Models.Nn;

namespace AsyncRL.Algorithms.Tests.Language;

public sealed class LanguageLearnerAlgorithmTests
{
    private static readonly LanguageRlOptions Tiny = new()
    {
        CompletionsPerBatch = 8,
        ScoreEvery = 2,
        Preparation = LanguagePreparationOptions.Default with
        {
            Model = new LanguageModelOptions(Dim: 16, Layers: 1, Heads: 2),
            Sft = new SftOptions(Steps: 10, BatchSize: 8),
        },
    };

    private static LearnerBatch Ingestible(LanguageLearnerAlgorithm algorithm, BatchGenerator generator, ulong seq, long version)
    {
        var wire = LanguageWire.ToBatch(generator.Next(version), "node/0");
        return new LearnerBatch("node/0", seq, version, version, wire.RowCount, default, algorithm.Decode(wire));
    }

    [Fact]
    public void SaveRestore_PpoLm_ContinuesExactly_WithTheValueModel()
    {
        var prepared = LanguagePreparation.Prepare("arith", null, 5, Tiny.Preparation);
        var a = new LanguageLearnerAlgorithm("ppo-lm", prepared, null, 5, Tiny);
        var task = prepared.Task;
        var actor = new TinyGpt(prepared.Sft.Config, new Generator(1));
        var generator = new BatchGenerator(task, actor, 8, 1, 0.7f, new Generator(2));
        for (int i = 0; i < 3; i++)
        {
            a.Ingest(Ingestible(a, generator, (ulong)i + 1, i));
            a.Update(i);
        }
        var state = a.SaveState();
        Assert.Contains(state.Model.Keys, k => k.StartsWith("value.", StringComparison.Ordinal));

        var b = new LanguageLearnerAlgorithm("ppo-lm", prepared, null, 5, Tiny);
        b.RestoreState(state);
        var next = generator.Next(3);
        var wire = LanguageWire.ToBatch(next, "node/0");
        a.Ingest(new LearnerBatch("node/0", 9, 3, 3, 8, default, a.Decode(wire)));
        b.Ingest(new LearnerBatch("node/0", 9, 3, 3, 8, default, b.Decode(wire)));
        var ra = a.Update(3);
        var rb = b.Update(3);

        Assert.Equal(4, b.Learner.Updates);
        Assert.Equal(ra.Metrics["loss"], rb.Metrics["loss"]);
        Assert.Equal(ra.Metrics["score"], rb.Metrics["score"]);
        foreach (var (name, t) in a.Policy.NamedParameters())
            Assert.Equal(t.ToArray(), b.Policy.NamedParameters().Single(p => p.Key == name).Value.ToArray());
        Assert.Equal(LanguageLearnerAlgorithm.PolicyPart(a.SaveState().Model).Keys.Order(), a.Policy.StateDict().Keys.Order());
    }

    [Fact]
    public void Update_ReportsStaleness_TheScoreEveryFewUpdates_AndTheReferenceScore()
    {
        var prepared = LanguagePreparation.Prepare("arith", null, 6, Tiny.Preparation);
        var algorithm = new LanguageLearnerAlgorithm("dpo", prepared, null, 6, Tiny);
        var generator = new BatchGenerator(prepared.Task, prepared.CopyOfSft(), 8, 2, 0.7f, new Generator(3));
        Assert.False(algorithm.ReadyToUpdate);
        algorithm.Ingest(Ingestible(algorithm, generator, 1, 0));
        Assert.True(algorithm.ReadyToUpdate);
        Assert.Throws<InvalidOperationException>(() => algorithm.Ingest(Ingestible(algorithm, generator, 2, 0)));
        var first = algorithm.Update(learnerVersion: 2);
        algorithm.Ingest(Ingestible(algorithm, generator, 2, 1));
        var second = algorithm.Update(learnerVersion: 2);

        Assert.Equal((2L, 2L), (first.Staleness.Min, first.Staleness.Max));
        Assert.Equal((1L, 1L), (second.Staleness.Min, second.Staleness.Max));
        Assert.False(first.Metrics.ContainsKey("score"));
        Assert.InRange(second.Metrics["score"], 0, 1);
        Assert.True(double.IsFinite(second.Metrics["kl_to_reference"]));
        Assert.Equal(prepared.SftScore, algorithm.ReferenceScore);
        Assert.InRange(prepared.SftScore, 0, 0.2); // ten SFT steps teach a 16-wide model hardly any sums
        Assert.Equal("dpo", algorithm.Name);
        Assert.Equal(8, first.Rows);
    }

    [Fact]
    public void Options_KBelowTheAlgorithmsMinimum_AreRejected()
    {
        var e = Assert.Throws<ArgumentException>(() => new LanguageRlOptions { K = 1 }.Validate("dpo"));
        Assert.Equal("dpo needs at least 2 completions per prompt (--k), got 1.", e.Message);
        Assert.Throws<ArgumentException>(() => new LanguageRlOptions { K = 3 }.Validate("rloo")); // 64 does not split into 3s
        new LanguageRlOptions { K = 4 }.Validate("rloo");
        Assert.Equal(1, new LanguageRlOptions().KFor("ppo-lm"));
        Assert.Equal(0.1f, new LanguageRlOptions().BetaFor("dpo"));
    }
}
