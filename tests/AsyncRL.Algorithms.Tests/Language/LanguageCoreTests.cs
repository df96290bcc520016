using AsyncRL.Algorithms.Language;
using AsyncRL.Environments.Language;
using AsyncRL.Models.Nn;

namespace AsyncRL.Algorithms.Tests.Language;

public sealed class LanguageCoreTests
{
    private static TinyGpt RandomModel(ILanguageTask task, ulong seed, bool scalarHead = false) =>
        new(new LanguageModelOptions(Dim: 32, Layers: 2, Heads: 2).ConfigFor(task, scalarHead), new Generator(seed));

    [Theory]
    [InlineData(0.7f)]
    [InlineData(1f)]
    public void SequenceLogProbs_EqualTheLogProbsRecordedWhileGenerating(float temperature)
    {
        var task = new ArithTask(1);
        var model = RandomModel(task, 3);
        var rng = new Generator(4);
        const int Rows = 16;
        var prompts = new int[Rows * task.PromptLength];
        for (int r = 0; r < Rows; r++) task.SampleTrainingPrompt(rng, prompts.AsSpan(r * task.PromptLength, task.PromptLength));
        var c = new CompletionSampler(model).Generate(prompts, Rows, task.CompletionLength, temperature, rng);

        var teacherForced = SequenceLogProbs.Evaluate(model, prompts, task.PromptLength, c.Tokens, c.Lengths, temperature);

        Assert.Contains(c.Lengths, l => l < task.CompletionLength); // some rows ended early (an untrained model emits EOS too)
        for (int i = 0; i < teacherForced.Length; i++) Assert.Equal(c.LogProbs[i], teacherForced[i], 4);
        for (int r = 0; r < Rows; r++)
        {
            Assert.All(c.Row(r)[c.Lengths[r]..].ToArray(), t => Assert.Equal(Vocabulary.Pad, t));
            Assert.True(c.HasEos(r) || c.Lengths[r] == task.CompletionLength, $"row {r} stopped at {c.Lengths[r]} without EOS");
        }
    }

    [Fact]
    public void Generate_Greedy_TakesTheArgMaxOfTheTeacherForcedLogits()
    {
        var task = new GoldRmTask(1);
        var model = RandomModel(task, 5);
        var prompts = task.HeldOutPrompts.Take(8).SelectMany(p => p).ToArray();
        var c = new CompletionSampler(model).Generate(prompts, 8, task.CompletionLength, 0f, new Generator(0));
        using var noGrad = Autograd.NoGrad();
        var input = SequenceLogProbs.Inputs(prompts, task.PromptLength, c.Tokens, 8, task.CompletionLength);
        var logits = model.Forward(input, 8);
        int t = task.PromptLength + task.CompletionLength - 1;
        for (int r = 0; r < 8; r++)
            for (int i = 0; i < c.Lengths[r]; i++)
            {
                var row = logits.Data.Slice(((r * t) + task.PromptLength - 1 + i) * Vocabulary.Size, Vocabulary.Size);
                Assert.Equal(System.Numerics.Tensors.TensorPrimitives.IndexOfMax(row), c.Tokens[r * task.CompletionLength + i]);
            }
    }

    [Fact]
    public void BradleyTerryLoss_HasTheClosedFormValueAndGradient()
    {
        var bt = BradleyTerry.Loss([1.5f, -0.5f, 0.2f], [0.5f, 0.5f, 0.2f]);
        double[] margins = [1.0, -1.0, 0.0];
        Assert.Equal(margins.Average(BradleyTerry.LossOf), bt.Loss, 5);
        Assert.Equal((Math.Log(1 + Math.Exp(-1)) + Math.Log(1 + Math.E) + Math.Log(2)) / 3, bt.Loss, 5);
        for (int i = 0; i < 3; i++)
        {
            double expected = -1.0 / 3 / (1 + Math.Exp(margins[i])); // ∂/∂r_w of −log σ(m)/n = −σ(−m)/n
            Assert.Equal(expected, bt.ChosenGradient[i], 5);
            Assert.Equal(-expected, bt.RejectedGradient[i], 5);
        }
    }

    [Fact]
    public void RewardModelLoss_GradientThroughTheModel_MatchesFiniteDifferences()
    {
        var task = new GoldRmTask(2);
        var model = RandomModel(task, 7, scalarHead: true);
        var rng = new Generator(8);
        var pairs = PreferencePairs.Sample(RandomModel(task, 9), task, (p, c) => GoldRmTask.GoldScore(p, c), 6, 1f, rng);
        var (prompts, completions, lengths) = pairs.Stacked([0, 1, 2, 3, 4, 5]);
        BradleyTerryResult Bt()
        {
            using var scope = DisposeScope.Begin();
            var raw = RewardModel.Raw(model, prompts, task.PromptLength, completions, lengths).ToArray();
            return BradleyTerry.Loss(raw.AsSpan(0, 6), raw.AsSpan(6, 6));
        }
        float Loss() => (float)Bt().Loss;
        // The host gradient ∂L/∂r, backpropagated as the engines do (the surrogate Σ g·r).
        model.ZeroGrad();
        var bt = Bt();
        var rawWithGrad = RewardModel.Raw(model, prompts, task.PromptLength, completions, lengths);
        (rawWithGrad * Tensor.FromArray([.. bt.ChosenGradient, .. bt.RejectedGradient], 12)).Sum().Backward();
        var named = model.NamedParameters().ToDictionary(p => p.Key, p => p.Value);
        foreach (var (name, index) in new[] { ("scalar_head.weight", 3), ("blocks.1.mlp.fc.weight", 17), ("tok_emb.weight", Vocabulary.FirstLetter * 32 + 5) })
        {
            var p = named[name];
            float analytic = p.Grad!.Data[index];
            float saved = p.Data[index];
            const float H = 1e-2f;
            p.Data[index] = saved + H;
            float up = Loss();
            p.Data[index] = saved - H;
            float down = Loss();
            p.Data[index] = saved;
            float numeric = (up - down) / (2 * H);
            Assert.True(Math.Abs(analytic - numeric) <= 2e-3 + 0.05 * Math.Abs(numeric), $"{name}[{index}]: analytic {analytic}, numeric {numeric}");
        }
    }

    [Fact]
    public void Prepare_WithACache_TrainsOnce_ThenLoadsTheSameModels()
    {
        var options = LanguagePreparationOptions.Default with
        {
            Model = new LanguageModelOptions(Dim: 16, Layers: 1, Heads: 2),
            Sft = new SftOptions(Steps: 20, BatchSize: 16),
            RewardModel = new RewardModelOptions(Pairs: 64, ValidationPairs: 32, Epochs: 1),
        };
        var dir = Path.Combine(Path.GetTempPath(), $"asyncrl-sft-cache-{Guid.NewGuid():N}");
        try
        {
            var first = LanguagePreparation.Prepare("gold-rm", null, 3, options, dir);
            var second = LanguagePreparation.Prepare("gold-rm", null, 3, options, dir);
            var uncached = LanguagePreparation.Prepare("gold-rm", null, 3, options);
            var otherSeed = LanguagePreparation.Prepare("gold-rm", null, 4, options, dir);

            Assert.False(first.FromCache);
            Assert.True(second.FromCache);
            Assert.False(otherSeed.FromCache);
            Assert.Equal(2, Directory.GetDirectories(dir).Length); // one folder per seed, no temporary leftovers
            Assert.Equal(first.SftScore, second.SftScore);
            Assert.Equal(first.RewardModelAccuracy, second.RewardModelAccuracy);
            foreach (var (name, t) in first.Sft.NamedParameters())
            {
                Assert.Equal(t.ToArray(), second.Sft.NamedParameters().Single(p => p.Key == name).Value.ToArray());
                Assert.Equal(t.ToArray(), uncached.Sft.NamedParameters().Single(p => p.Key == name).Value.ToArray()); // seeded: same without the cache
            }
            Assert.Equal(first.ProxyReward!.Mean, second.ProxyReward!.Mean);
            Assert.Equal(first.ProxyReward.Model.NamedParameters().First().Value.ToArray(), second.ProxyReward.Model.NamedParameters().First().Value.ToArray());
            Assert.NotEqual(first.Sft.NamedParameters().First().Value.ToArray(), otherSeed.Sft.NamedParameters().First().Value.ToArray());
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }
}
