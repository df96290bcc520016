using AsyncRL.Algorithms.Dpo;
using AsyncRL.Algorithms.Language;
using AsyncRL.Environments.Language;
using AsyncRL.Models.Nn;

namespace AsyncRL.Algorithms.Tests.Language;

/// <summary>
/// Issue 18, step 1: online DPO at lag N must train on exactly what the old policy generated, against the frozen
/// SFT reference, with nothing taken from the behaviour log-probabilities. Tiny random models stand in for the
/// SFT and the policies, so every test runs in well under a second.
/// </summary>
public sealed class DpoFidelityTests
{
    private static readonly ArithTask Task = new(1);
    private static readonly TinyGptConfig Config = new LanguageModelOptions(Dim: 32, Layers: 2, Heads: 2).ConfigFor(Task);

    private static TinyGpt Model(ulong seed) => new(Config, new Generator(seed));

    private static TinyGpt CopyOf(TinyGpt model)
    {
        var copy = Model(0);
        copy.LoadStateDict(model.StateDict());
        return copy;
    }

    /// <summary>A reward that is a fixed function of the completion's own tokens (and varies across them).</summary>
    private static float RewardOf(ReadOnlySpan<int> text)
    {
        int h = 17;
        foreach (int t in text) h = unchecked((h * 31) + t);
        return (h & 0x7fff_ffff) % 11;
    }

    private static Dictionary<string, Tensor> Params(Module model) => model.NamedParameters().ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);

    private static LanguageLearner Learner(TinyGpt policy, TinyGpt reference, ICompletionRewarder rewarder, ILanguageObjective objective) =>
        new(policy, reference, rewarder, objective, new LanguageLearnerSettings(LearningRate: 1e-3f, Temperature: 0.7f));

    private static void AssertBitIdentical(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(BitConverter.SingleToInt32Bits(expected[i]) == BitConverter.SingleToInt32Bits(actual[i]),
                $"{what}[{i}]: expected {expected[i]:R}, got {actual[i]:R}");
    }

    [Fact]
    public void Update_BatchFromAnOldPolicy_PairsAreTheBestAndWorstOfThoseVeryCompletions()
    {
        // Arrange: an old policy generated the batch (K = 4); the learner's policy is a different model, 5 versions on
        var oldPolicy = Model(11);
        var sft = Model(12);
        var batch = new BatchGenerator(Task, oldPolicy, 16, 4, 0.7f, new Generator(13)).Next(policyVersion: 3);
        var policy = CopyOf(sft);
        var policyBefore = CopyOf(policy);
        var rewarder = new RecordingRewarder();
        var objective = new CapturingObjective(new DpoObjective(0.1f));
        var learner = Learner(policy, CopyOf(sft), rewarder, objective);
        var expectedChosen = new List<int>();
        var expectedRejected = new List<int>();
        for (int g = 0; g < batch.Groups; g++)
        {
            var rewards = Enumerable.Range(g * 4, 4).Select(r => RewardOf(batch.Completions.Text(r))).ToArray();
            if (rewards.Max() == rewards.Min()) continue;
            expectedChosen.Add(g * 4 + Array.IndexOf(rewards, rewards.Max()));
            expectedRejected.Add(g * 4 + Array.IndexOf(rewards, rewards.Min()));
        }
        int[] expectedRows = [.. expectedChosen, .. expectedRejected];
        var originalTokens = batch.Completions.Tokens.ToArray();

        // Act
        var update = learner.Update(batch, learnerVersion: 8);

        // Assert: the reward saw the generated tokens as they were, once
        var seen = Assert.Single(rewarder.Batches);
        Assert.Equal(originalTokens, seen.Completions.Tokens);
        Assert.Equal(batch.Completions.Lengths, seen.Completions.Lengths);
        Assert.Equal(originalTokens, batch.Completions.Tokens); // nothing rewrote the batch
        // … and the pairs are exactly its best and worst rows, with their tokens, prompts and rewards
        Assert.True(expectedChosen.Count >= 2, "the seeds should give at least two untied groups");
        var inputs = Assert.Single(objective.Captured);
        Assert.Equal(expectedRows.Length, inputs.Rows);
        for (int j = 0; j < expectedRows.Length; j++)
        {
            int r = expectedRows[j];
            Assert.Equal(batch.Completions.Row(r).ToArray(), inputs.Tokens.AsSpan(j * Task.CompletionLength, Task.CompletionLength).ToArray());
            Assert.Equal(batch.Completions.Lengths[r], inputs.Lengths[j]);
            Assert.Equal(batch.Prompts.AsSpan(r * Task.PromptLength, Task.PromptLength).ToArray(),
                inputs.Prompts.AsSpan(j * Task.PromptLength, Task.PromptLength).ToArray());
            Assert.Equal(RewardOf(batch.Completions.Text(r)), inputs.Rewards[j]);
        }
        int pairs = expectedChosen.Count;
        for (int p = 0; p < pairs; p++) Assert.True(inputs.Rewards[p] > inputs.Rewards[pairs + p], $"pair {p}: chosen does not beat rejected");
        // … and π_θ was scored on those tokens (teacher-forced), not on anything it sampled itself
        var expectedPolicy = SequenceLogProbs.Evaluate(policyBefore, inputs.Prompts, Task.PromptLength, inputs.Tokens, inputs.Lengths, 0.7f);
        for (int i = 0; i < expectedPolicy.Length; i++) Assert.Equal(expectedPolicy[i], inputs.PolicyLogProbs[i], 5);
        Assert.Equal(5, update.Staleness.Max);
        Assert.Equal(5, update.Staleness.Min);
    }

    [Fact]
    public void Update_PolicyMovesAway_ReferenceLogProbsStayTheFrozenSftModels_OnePerSelectedCompletion()
    {
        // Arrange
        var sft = Model(21);
        var frozen = CopyOf(sft);
        var objective = new CapturingObjective(new DpoObjective(0.1f));
        var learner = Learner(CopyOf(sft), CopyOf(sft), new RecordingRewarder(), objective);
        var generator = new BatchGenerator(Task, Model(22), 16, 2, 0.7f, new Generator(23));
        var repeated = generator.Next(0);
        var others = Enumerable.Range(0, 4).Select(_ => generator.Next(0)).ToList();

        // Act: the same batch before and after four updates that move the policy
        learner.Update(repeated, 0);
        foreach (var b in others) learner.Update(b, 1);
        learner.Update(repeated, 5);

        // Assert: the policy moved, the reference did not, and was never trained
        Assert.Contains(learner.Policy.NamedParameters(), p => !p.Value.ToArray().SequenceEqual(Params(frozen)[p.Key].ToArray()));
        foreach (var (name, p) in learner.Reference.NamedParameters())
        {
            AssertBitIdentical(Params(frozen)[name].Data, p.Data, name);
            Assert.True(p.Grad is null || p.Grad.ToArray().All(g => g == 0), $"reference {name} carries a gradient");
        }
        Assert.False(learner.Reference.IsTraining);
        // … each update's reference log-probs are the SFT model's on exactly its selected rows, one row per completion
        Assert.Equal(6, objective.Captured.Count);
        foreach (var inputs in objective.Captured)
        {
            Assert.Equal(inputs.Rows * Task.CompletionLength, inputs.ReferenceLogProbs.Length);
            var expected = SequenceLogProbs.Evaluate(frozen, inputs.Prompts, Task.PromptLength, inputs.Tokens, inputs.Lengths, 0.7f);
            AssertBitIdentical(expected, inputs.ReferenceLogProbs, "reference log-prob");
        }
        // … so the repeated batch got bit-identical reference log-probs while its policy log-probs changed
        AssertBitIdentical(objective.Captured[0].ReferenceLogProbs, objective.Captured[^1].ReferenceLogProbs, "repeated reference log-prob");
        Assert.NotEqual(objective.Captured[0].PolicyLogProbs, objective.Captured[^1].PolicyLogProbs);
    }

    [Fact]
    public void LanguageLearnerAlgorithm_Dpo_ReferenceIsAnUnsharedCopyOfTheSft_AndStaysIt()
    {
        // Arrange: the production wiring on a prepared task whose "SFT" is a random tiny model
        var sft = Model(31);
        var frozen = CopyOf(sft);
        var prepared = new PreparedTask(Task, sft, null, 0.0, null, FromCache: false);
        var options = new LanguageRlOptions
        {
            CompletionsPerBatch = 16,
            LearningRate = 1e-3f,
            Preparation = LanguagePreparationOptions.Default with { Model = new LanguageModelOptions(Dim: 32, Layers: 2, Heads: 2) },
        };
        var algorithm = new LanguageLearnerAlgorithm("dpo", prepared, null, 1, options);
        var generator = new BatchGenerator(Task, Model(32), 16, 2, 0.7f, new Generator(33));

        // Act
        for (int i = 0; i < 3; i++) algorithm.Learner.Update(generator.Next(i), i);

        // Assert
        var learner = algorithm.Learner;
        Assert.NotSame(learner.Policy, learner.Reference);
        Assert.Equal(0.1f, Assert.IsType<DpoObjective>(learner.Objective).Beta);
        Assert.Contains(learner.Policy.NamedParameters(), p => !p.Value.ToArray().SequenceEqual(Params(frozen)[p.Key].ToArray()));
        foreach (var (name, p) in learner.Reference.NamedParameters())
        {
            AssertBitIdentical(Params(frozen)[name].Data, p.Data, "reference " + name);
            AssertBitIdentical(Params(frozen)[name].Data, Params(sft)[name].Data, "sft " + name);
        }
    }

    [Fact]
    public void Update_BehaviourLogProbsReplacedByGarbage_DpoLossGradientsAndStepAreBitIdentical()
    {
        // Arrange: two identical learners; one batch as generated, one with arbitrary finite behaviour log-probs
        var sft = Model(41);
        var batch = new BatchGenerator(Task, Model(42), 16, 2, 0.7f, new Generator(43)).Next(0);
        var rng = new Generator(44);
        var garbage = batch.Completions.LogProbs.Select(_ => -20f * rng.NextUniform(0f, 1f)).ToArray();
        var perturbed = batch with { Completions = batch.Completions with { LogProbs = garbage } };
        var a = Learner(CopyOf(sft), CopyOf(sft), new RecordingRewarder(), new DpoObjective(0.1f));
        var b = Learner(CopyOf(sft), CopyOf(sft), new RecordingRewarder(), new DpoObjective(0.1f));

        // Act
        var ua = a.Update(batch, 3);
        var ub = b.Update(perturbed, 3);

        // Assert: the perturbation reached the learner (its π/μ diagnostics differ) …
        Assert.NotEqual(ua.Metrics["ratio_mean"], ub.Metrics["ratio_mean"]);
        // … and nothing DPO trains on saw it: loss, margins, gradients and the step itself are bit-identical
        foreach (var key in new[] { "loss", "grad_norm", "dpo_margin_mean", "dpo_accuracy", "pairs" })
            Assert.True(BitConverter.DoubleToInt64Bits(ua.Metrics[key]) == BitConverter.DoubleToInt64Bits(ub.Metrics[key]), $"{key}: {ua.Metrics[key]:R} against {ub.Metrics[key]:R}");
        var pb = Params(b.Policy);
        foreach (var (name, p) in a.Policy.NamedParameters())
        {
            Assert.NotNull(p.Grad);
            AssertBitIdentical(p.Grad.Data, pb[name].Grad!.Data, "grad " + name);
            AssertBitIdentical(p.Data, pb[name].Data, "weight " + name);
        }
    }

    /// <summary>Rewards each row by <see cref="RewardOf"/> and keeps every batch it was asked about.</summary>
    private sealed class RecordingRewarder : ICompletionRewarder
    {
        public List<LanguageBatch> Batches { get; } = [];

        public float[] Rewards(LanguageBatch batch)
        {
            Batches.Add(batch with { Completions = batch.Completions with { Tokens = batch.Completions.Tokens.ToArray() } });
            return [.. Enumerable.Range(0, batch.Rows).Select(r => RewardOf(batch.Completions.Text(r)))];
        }
    }

    /// <summary>What one <see cref="ILanguageObjective.Loss"/> call was given, copied out of the update's scope.</summary>
    private sealed record Inputs(int Rows, int[] Prompts, int[] Tokens, int[] Lengths, float[] Rewards, float[] ReferenceLogProbs, float[] PolicyLogProbs);

    /// <summary>Delegates to an objective and records the inputs of every loss it computes.</summary>
    private sealed class CapturingObjective(ILanguageObjective inner) : ILanguageObjective
    {
        public List<Inputs> Captured { get; } = [];

        public string Name => inner.Name;

        public int MinimumK => inner.MinimumK;

        public TinyGpt? ValueModel => inner.ValueModel;

        public int[] SelectRows(LanguageBatch batch, float[] rewards) => inner.SelectRows(batch, rewards);

        public ObjectiveGradient Loss(ObjectiveInputs inputs)
        {
            var c = inputs.Batch.Completions;
            Captured.Add(new Inputs(inputs.Batch.Rows, inputs.Batch.Prompts.ToArray(), c.Tokens.ToArray(), c.Lengths.ToArray(),
                inputs.Rewards.ToArray(), inputs.ReferenceLogProbs.ToArray(), inputs.PolicyLogProbs.ToArray()));
            return inner.Loss(inputs);
        }
    }
}
