using AsyncRL.Algorithms.Dpo;
using AsyncRL.Algorithms.Language;
using AsyncRL.Algorithms.PpoLm;
using AsyncRL.Algorithms.Rloo;
using AsyncRL.Environments.Language;
using AsyncRL.Models.Engine;
using AsyncRL.Models.Nn;

namespace AsyncRL.Algorithms.Tests.Engines;

/// <summary>
/// The language seam on TorchSharp against our engine on the same weights: per-token log-probabilities, the value
/// model's and reward model's scalars, whole learner updates (policy and value model deltas), optimizer state that
/// crosses engines, and the SFT / reward-model preparation.
/// </summary>
public sealed class LanguageEngineTests
{
    private const double Tolerance = 1e-4;
    private static readonly ArithTask Task = new(1);
    private static readonly TinyGptConfig Config = new LanguageModelOptions(Dim: 32, Layers: 2, Heads: 2).ConfigFor(Task);

    private static TinyGpt Model(ulong seed, bool scalarHead = false) => new(Config with { ScalarHead = scalarHead }, new Generator(seed));

    private static TinyGpt CopyOf(TinyGpt model)
    {
        var copy = new TinyGpt(model.Config, new Generator(0));
        copy.LoadStateDict(model.StateDict());
        return copy;
    }

    private static LanguageBatch Batch(int k, ulong seed) => new BatchGenerator(Task, Model(seed), 16, k, 0.7f, new Generator(seed + 1)).Next(0);

    private static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what, double tolerance = Tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance * Math.Max(1, Math.Abs(expected[i])), $"{what}[{i}]: managed {expected[i]}, torch {actual[i]}");
    }

    private static void AssertSameDeltas(TinyGpt before, TinyGpt managed, TinyGpt torch, string prefix)
    {
        var start = before.NamedParameters().ToDictionary(p => p.Key, p => p.Value);
        var theirs = torch.NamedParameters().ToDictionary(p => p.Key, p => p.Value);
        bool moved = false;
        foreach (var (name, p) in managed.NamedParameters())
        {
            var s = start[name].Data;
            var t = theirs[name].Data;
            for (int i = 0; i < p.Size; i++)
            {
                float dm = p.Data[i] - s[i], dt = t[i] - s[i];
                moved |= dm != 0;
                Assert.True(Math.Abs(dm - dt) <= Tolerance, $"{prefix}{name}[{i}]: managed Δ {dm}, torch Δ {dt}");
            }
        }
        Assert.True(moved, $"{prefix}: the step changed nothing");
    }

    [Fact]
    public void Forward_SameWeights_LogProbsValuesAndRewardsMatch()
    {
        var policy = Model(3);
        var value = Model(4, scalarHead: true);
        var settings = new LanguageEngineSettings(1e-3f);
        using var managed = LanguageEngines.Create(ModelEngine.Managed, CopyOf(policy), CopyOf(value), settings);
        using var torch = LanguageEngines.Create(ModelEngine.TorchCpu, CopyOf(policy), CopyOf(value), settings);
        var rows = SequenceRows.Of(Batch(2, 5));

        using (var m = managed.Forward(rows, 0.7f))
        using (var t = torch.Forward(rows, 0.7f))
        {
            AssertClose(m.LogProbs, t.LogProbs, "log π");
            AssertClose(m.Scalars, t.Scalars, "V");
        }
        AssertClose(managed.Evaluate(rows, 1f), torch.Evaluate(rows, 1f), "log π without gradients");

        using var managedRm = LanguageEngines.Create(ModelEngine.Managed, CopyOf(value), null, settings);
        using var torchRm = LanguageEngines.Create(ModelEngine.TorchCpu, CopyOf(value), null, settings);
        using var mr = managedRm.Rewards(rows);
        using var tr = torchRm.Rewards(rows);
        Assert.Equal(rows.Rows, mr.Scalars!.Length);
        AssertClose(mr.Scalars, tr.Scalars, "r");
    }

    [Theory]
    [InlineData("dpo")]
    [InlineData("ppo-lm")]
    [InlineData("rloo")]
    public void Update_SameStart_TorchStepMatchesManaged(string algorithm)
    {
        var sft = Model(11);
        ILanguageObjective Objective() => algorithm switch
        {
            "dpo" => new DpoObjective(0.1f),
            "rloo" => new RlooObjective(0.05f),
            _ => new PpoLmObjective(new PpoLmSettings(), sft, new Generator(12)),
        };
        var settings = new LanguageLearnerSettings(LearningRate: 1e-3f);
        var rewarder = new TokenRewarder();
        using var managed = new LanguageLearner(CopyOf(sft), CopyOf(sft), rewarder, Objective(), settings, ModelEngine.Managed);
        using var torch = new LanguageLearner(CopyOf(sft), CopyOf(sft), rewarder, Objective(), settings, ModelEngine.TorchCpu);
        var batch = Batch(algorithm == "ppo-lm" ? 1 : 2, 13);

        var um = managed.Update(batch, 0);
        var ut = torch.Update(batch, 0);

        Assert.Equal(um.Metrics["loss"], ut.Metrics["loss"], 4);
        Assert.True(Math.Abs(um.Metrics["grad_norm"] - ut.Metrics["grad_norm"]) <= 1e-4 * um.Metrics["grad_norm"], $"grad norm: managed {um.Metrics["grad_norm"]}, torch {ut.Metrics["grad_norm"]}");
        AssertSameDeltas(sft, managed.Policy, torch.Policy, "policy ");
        if (managed.Objective.ValueModel is { } value)
        {
            // a fresh objective draws the same value model (SFT weights, a seeded scalar head): the start of both
            AssertSameDeltas(Objective().ValueModel!, value, torch.Objective.ValueModel!, "value ");
        }
    }

    [Fact]
    public void SaveRestore_TorchCheckpointResumesOnOurEngine_AndBack()
    {
        var prepared = new PreparedTask(Task, Model(21), null, 0.0, null, FromCache: false);
        var options = new LanguageRlOptions
        {
            CompletionsPerBatch = 16,
            LearningRate = 1e-3f,
            ScoreEvery = 0,
            Preparation = LanguagePreparationOptions.Default with { Model = new LanguageModelOptions(Dim: 32, Layers: 2, Heads: 2) },
        };
        var torch = new LanguageLearnerAlgorithm("ppo-lm", prepared, null, 5, options with { Engine = ModelEngine.TorchCpu });
        var generator = new BatchGenerator(Task, Model(22), 16, 1, 0.7f, new Generator(23));
        for (int i = 0; i < 2; i++) torch.Learner.Update(generator.Next(i), i);
        var state = torch.SaveState();
        Assert.Contains(state.Optimizer!.Keys, k => k.StartsWith("exp_avg.", StringComparison.Ordinal));

        var managed = new LanguageLearnerAlgorithm("ppo-lm", prepared, null, 5, options);
        managed.RestoreState(state);
        Assert.Equal(state.Optimizer.Keys.Order(), managed.SaveState().Optimizer!.Keys.Order());
        var next = generator.Next(2);
        var before = CopyOf(managed.Learner.Policy);
        managed.Learner.Update(next, 2);
        torch.Learner.Update(next, 2);

        AssertSameDeltas(before, managed.Learner.Policy, torch.Learner.Policy, "policy ");

        var back = new LanguageLearnerAlgorithm("ppo-lm", prepared, null, 5, options with { Engine = ModelEngine.TorchCpu });
        back.RestoreState(managed.SaveState());
        var again = generator.Next(3);
        var u1 = managed.Learner.Update(again, 3);
        var u2 = back.Learner.Update(again, 3);
        Assert.Equal(u1.Metrics["loss"], u2.Metrics["loss"], 4);
    }

    [Fact]
    public void Update_NonFiniteReward_SkipsTheStepOnBothEngines_AndCountsIt()
    {
        var sft = Model(31);
        foreach (var engine in new[] { ModelEngine.Managed, ModelEngine.TorchCpu })
        {
            using var learner = new LanguageLearner(CopyOf(sft), CopyOf(sft), new NanRewarder(), new RlooObjective(0.05f),
                new LanguageLearnerSettings(LearningRate: 1e-3f), engine);
            var update = learner.Update(Batch(2, 32), 0);
            Assert.Equal(1, update.Metrics["skipped_steps"]);
            Assert.Equal(1, learner.SkippedSteps);
            foreach (var (name, p) in learner.Policy.NamedParameters())
                Assert.Equal(sft.NamedParameters().Single(q => q.Key == name).Value.ToArray(), p.ToArray());
        }
    }

    [Fact]
    public void Prepare_OnTorch_TrainsSftAndTheRewardModel_CachedApartFromOurs()
    {
        var options = LanguagePreparationOptions.Default with
        {
            Model = new LanguageModelOptions(Dim: 16, Layers: 1, Heads: 2),
            Sft = new SftOptions(Steps: 30, BatchSize: 16),
            RewardModel = new RewardModelOptions(Pairs: 64, ValidationPairs: 32, Epochs: 1),
        };
        var dir = Path.Combine(Path.GetTempPath(), $"asyncrl-sft-engines-{Guid.NewGuid():N}");
        try
        {
            var managed = LanguagePreparation.Prepare("gold-rm", null, 3, options, dir);
            var torch = LanguagePreparation.Prepare("gold-rm", null, 3, options, dir, ModelEngine.TorchCpu);
            var cached = LanguagePreparation.Prepare("gold-rm", null, 3, options, dir, ModelEngine.TorchCpu);

            Assert.False(torch.FromCache); // ours was cached first, under a key torch's does not share
            Assert.True(cached.FromCache);
            Assert.Equal(2, Directory.GetDirectories(dir).Length);
            Assert.NotNull(torch.ProxyReward);
            // Same seed, same data: the two engines' SFT models agree closely after 30 steps.
            var ours = managed.Sft.NamedParameters().ToDictionary(p => p.Key, p => p.Value);
            foreach (var (name, p) in torch.Sft.NamedParameters())
                AssertClose(ours[name].Data, p.Data, "sft " + name, 1e-2);
            Assert.Equal(torch.Sft.StateDict()["lm_head.weight"].ToArray(), cached.Sft.StateDict()["lm_head.weight"].ToArray());
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>A reward that depends on the completion's tokens, so pairs are ordered and advantages vary.</summary>
    private sealed class TokenRewarder : ICompletionRewarder
    {
        public float[] Rewards(LanguageBatch batch) =>
            [.. Enumerable.Range(0, batch.Rows).Select(r => (float)(batch.Completions.Text(r).ToArray().Sum() % 7) / 7f)];
    }

    private sealed class NanRewarder : ICompletionRewarder
    {
        public float[] Rewards(LanguageBatch batch) => [.. Enumerable.Range(0, batch.Rows).Select(r => r == 0 ? float.NaN : r % 2)];
    }
}
