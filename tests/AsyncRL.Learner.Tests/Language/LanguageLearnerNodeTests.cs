using System.Text.Json;
using AsyncRL.Algorithms.Language;
using AsyncRL.Contracts;
using Grpc.Core;
using AsyncRL.Contracts.V1;
using AsyncRL.Environments.Language;
using AsyncRL.Learner.Tests.Support;
using AsyncRL.Models;
using AsyncRL.Models.Nn;
using Tensor = AsyncRL.Contracts.V1.Tensor;

namespace AsyncRL.Learner.Tests.Language;

/// <summary>A dpo learner node on arith (tiny models, so the SFT preparation takes a moment) fed over real gRPC.</summary>
public sealed class LanguageLearnerNodeTests
{
    private static readonly LanguageRlOptions Tiny = new()
    {
        CompletionsPerBatch = 8,
        ScoreEvery = 1,
        Preparation = LanguagePreparationOptions.Default with
        {
            Model = new LanguageModelOptions(Dim: 16, Layers: 1, Heads: 2),
            Sft = new SftOptions(Steps: 30, BatchSize: 16),
        },
    };

    private static SampleBatch Batch(RegisterReply registered, ulong seq, BatchGenerator generator)
    {
        var batch = LanguageWire.ToBatch(generator.Next(0), registered.ActorIds[0]);
        batch.Seq = seq;
        batch.RunId = registered.RunId;
        return batch;
    }

    private static SampleBatch Changed(SampleBatch batch, string column, Func<Tensor, Tensor> change)
    {
        var copy = batch.Clone();
        copy.Columns[column] = change(copy.Columns[column]);
        return copy;
    }

    [Fact]
    public async Task Register_UnderN_RunSpecStillParsesForLanguageActors_WithTheActorsCountingFragmentsPerVersion()
    {
        await using var learner = await LearnerHarness.StartAsync(o => o with { Algorithm = "dpo", Env = "arith", Language = Tiny, OffPolicyN = 4 });
        var spec = (await learner.RegisterAsync()).Run;

        Assert.Equal(4u, spec.FragmentsPerVersion);
        Assert.Equal(0, LanguageRunSpec.Acting(spec).PipelineDepth); // the N-schedule decides; no pipeline waits for versions N apart
        using var actor = new LanguageActorAlgorithm(spec, new AsyncRL.Algorithms.ActorAlgorithmSettings("a/0", 1, 1));
        Assert.Equal(8u, actor.Collect(0).Batch.RowCount);
    }

    [Fact]
    public async Task PushSamples_BadLanguageBatches_AreRejectedPrecisely_CountedInTheSummary_AndTrainingGoesOn()
    {
        await using var learner = await LearnerHarness.StartAsync(o => o with { Algorithm = "dpo", Env = "arith", Language = Tiny, Steps = 1_000_000 });
        var registered = await learner.RegisterAsync();
        var spec = registered.Run;
        Assert.Equal("dpo", spec.Algorithm);
        Assert.Equal(2, LanguageRunSpec.Acting(spec).K);
        Assert.Equal(LanguageRunSpec.AsyncPipelineDepth, LanguageRunSpec.Acting(spec).PipelineDepth);
        var task = new ArithTask(spec.Seed);
        var actor = new TinyGpt(Tiny.Preparation.Model.ConfigFor(task), new Generator(3));
        var generator = new BatchGenerator(task, actor, 8, 2, 0.7f, new Generator(4));
        await using var watch = new WeightsWatch(learner.Client);
        Assert.Equal(0, (await watch.NextAsync().Within())!.Version);
        await using var push = new PushStream(learner.Client);

        var valid = Batch(registered, 1, generator);
        (SampleBatch Batch, string Reason)[] bad =
        [
            (Changed(Batch(registered, 1, generator), "completion", t => TensorCodec.FromInt32([99, .. TensorCodec.AsInt32(t)[1..]], 8, 5)),
                $"completion row 0 position 0: token id 99 is outside the vocabulary [0, {Vocabulary.Size})"),
            (Changed(Batch(registered, 2, generator), "group", _ => TensorCodec.FromInt32([0, 0, 1, 2, 2, 3, 3, 3], 8)),
                "group 1 has 1 completion (row 2): dpo needs 2 per prompt, a chosen and a rejected one"),
            (Changed(Batch(registered, 3, generator), "behaviour_log_probs", t => TensorCodec.FromFloat32([float.NaN, .. TensorCodec.AsFloat32(t)[1..]], 8, 5)),
                "column 'behaviour_log_probs': contains NaN or infinity"),
        ];
        var acks = new List<PushAck>();
        foreach (var (batch, _) in bad) acks.Add(await push.SendAsync(batch));
        valid.Seq = 4;
        var good = await push.SendAsync(valid);
        var next = await watch.NextAsync().Within();

        for (int i = 0; i < bad.Length; i++)
        {
            Assert.Equal(AckStatus.Rejected, acks[i].Status);
            Assert.Equal((int)StatusCode.InvalidArgument, acks[i].Code);
            Assert.Equal(bad[i].Reason, acks[i].Reason);
        }
        Assert.Equal(AckStatus.Accepted, good.Status);
        Assert.Equal(1, next!.Version); // it trained on the good batch

        await learner.Node.StopAsync().Within();
        var summary = await learner.Node.Completion.Within();
        Assert.Equal(bad.Length, summary.RejectedBatches);
        Assert.Equal(1, summary.AcceptedBatches);
        Assert.Equal(8, summary.EnvSteps); // env steps are completions
        Assert.NotNull(summary.SftScore);
        Assert.NotNull(summary.KlToReference);
        Assert.NotNull(summary.FinalScore);

        using var file = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(learner.OutDir, "summary.json")));
        Assert.True(file.RootElement.TryGetProperty("sft_score", out _));
        Assert.True(file.RootElement.TryGetProperty("kl_to_reference", out _));
        var line = JsonDocument.Parse((await File.ReadAllLinesAsync(Path.Combine(learner.OutDir, "metrics.jsonl")))[0]).RootElement;
        foreach (var key in new[] { "loss", "reward_mean", "kl_ref_batch", "ratio_mean", "approx_kl", "staleness_mean", "score", "kl_to_reference", "train_tokens_per_s" })
            Assert.True(line.TryGetProperty(key, out _), $"metrics.jsonl lacks {key}: {line}");
        using var config = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(learner.OutDir, "config.json")));
        Assert.Equal(2, config.RootElement.GetProperty("lm").GetProperty("k").GetInt32());
    }

    [Fact]
    public async Task TargetScore_ReachedByTheLoggedScore_SolvesAndEndsTheRun()
    {
        // An unreachable budget, and a target every run meets: the first logged score ends it.
        await using var learner = await LearnerHarness.StartAsync(o => o with
        {
            Algorithm = "rloo", Env = "arith", Language = Tiny, Steps = 1_000_000, TargetScore = -1, NoEarlyStop = false,
        });
        var registered = await learner.RegisterAsync();
        var task = new ArithTask(registered.Run.Seed);
        var generator = new BatchGenerator(task, new TinyGpt(Tiny.Preparation.Model.ConfigFor(task), new Generator(3)), 8, 2, 0.7f, new Generator(4));
        await using var push = new PushStream(learner.Client);

        Assert.Equal(AckStatus.Accepted, (await push.SendAsync(Batch(registered, 1, generator))).Status);
        var summary = await learner.Node.Completion.Within();

        Assert.Equal("solved", summary.Reason);
        Assert.True(summary.Solved);
        Assert.Equal(-1, summary.SolvedThreshold);
        Assert.Equal(8, summary.SolvedAtEnvSteps);
        Assert.Equal(1, summary.Updates);
    }
}
