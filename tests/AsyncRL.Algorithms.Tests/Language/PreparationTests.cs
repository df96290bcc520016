using AsyncRL.Algorithms.Language;
using AsyncRL.Environments.Language;
using Xunit.Abstractions;

namespace AsyncRL.Algorithms.Tests.Language;

[Collection(PreparedTasksCollection.Name)]
public sealed class PreparationTests(PreparedTasksFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public void Sft_Arith_LearnsTheFormat_ButKeepsTheCarryMistakes()
    {
        var arith = fixture.Arith;
        output.WriteLine($"arith SFT greedy accuracy {arith.SftScore:F3}");
        // Far above an untrained model's 0, far below what the task allows: room for RL, as GSM8k's SFT models leave.
        Assert.InRange(arith.SftScore, 0.25, 0.6);
        var task = arith.Task;
        var rows = task.HeldOutPrompts.Count;
        var c = new CompletionSampler(arith.Sft).Generate(task.HeldOutPrompts.SelectMany(p => p).ToArray(), rows, task.CompletionLength, 0.7f, new Generator(1));
        Assert.True(Enumerable.Range(0, rows).Count(c.HasEos) > 0.98 * rows, "SFT completions end with EOS");
    }

    [Fact]
    public void Sft_GoldRm_WinsAgainstTheReferencesAboutAsOftenAsThePapersSftModels()
    {
        var gold = fixture.GoldRm;
        output.WriteLine($"gold-rm SFT gold win-rate {gold.SftScore:F3}, proxy RM accuracy {gold.RewardModelAccuracy:F3}");
        Assert.InRange(gold.SftScore, 0.15, 0.40);
    }

    [Fact]
    public void ProxyRewardModel_OrdersHeldOutGoldPairs_WellAboveChance()
    {
        var gold = fixture.GoldRm;
        var pairs = PreferencePairs.Sample(gold.Sft, gold.Task, (p, c) => GoldRmTask.GoldScore(p, c), 500, 1f, new Generator(77));
        double accuracy = RewardModelTrainer.Accuracy(gold.ProxyReward!.Model, pairs);
        output.WriteLine($"proxy RM accuracy on fresh pairs {accuracy:F3} (reported at fit: {gold.RewardModelAccuracy:F3})");
        Assert.True(accuracy > 0.7, $"accuracy {accuracy:F3}");
        Assert.True(gold.RewardModelAccuracy > 0.7);
    }

    [Fact]
    public void ProxyReward_IsNormalisedOnSftSamples_AndPenalisesAMissingEos()
    {
        var gold = fixture.GoldRm;
        var task = gold.Task;
        const int Rows = 256;
        var rng = new Generator(5);
        var prompts = new int[Rows * task.PromptLength];
        for (int r = 0; r < Rows; r++) task.SampleTrainingPrompt(rng, prompts.AsSpan(r * task.PromptLength, task.PromptLength));
        var c = new CompletionSampler(gold.Sft).Generate(prompts, Rows, task.CompletionLength, 0.7f, rng);
        var batch = new LanguageBatch(task.PromptLength, 1, prompts, c, new long[Rows]);
        var rewards = gold.Rewarder.Rewards(batch);
        double mean = rewards.Average(), std = Math.Sqrt(rewards.Sum(x => (x - mean) * (x - mean)) / Rows);
        Assert.InRange(mean, -0.3, 0.3);
        Assert.InRange(std, 0.7, 1.3);

        var noEos = c with { Tokens = (int[])c.Tokens.Clone(), Lengths = (int[])c.Lengths.Clone() };
        var letters = Vocabulary.Encode("abcdef");
        letters.CopyTo(noEos.Tokens, 0);
        noEos.Lengths[0] = task.CompletionLength;
        float penalised = gold.Rewarder.Rewards(batch with { Completions = noEos })[0];
        float raw = gold.ProxyReward!.Score(prompts.AsSpan(0, task.PromptLength), task.PromptLength, letters, [task.CompletionLength])[0];
        Assert.Equal(raw - 1f, penalised, 4);
    }
}
