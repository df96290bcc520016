using System.Text.Json;
using AsyncRL.Algorithms;
using AsyncRL.Algorithms.Dpo;
using AsyncRL.Algorithms.Language;
using AsyncRL.Contracts;
using AsyncRL.Contracts.V1;
using AsyncRL.Environments.Language;
using AsyncRL.Learner.Tests.Support;
using AsyncRL.Models;
using AsyncRL.Models.Nn;

namespace AsyncRL.Learner.Tests.Language;

/// <summary>
/// Issue 18, step 1: <c>--n N</c> for online DPO is the paper's schedule: N mini-batches generated with one version,
/// N updates on them (one mini-batch each, the j-th j versions stale), then a new version; β and the learning rate
/// stay as configured throughout: the rate is constant, or with <c>--lr-schedule linear</c> falls by η₀/T per update
/// whatever N is (the schedule counts updates, not versions, as the paper's trainers do).
/// </summary>
public sealed class DpoOffPolicyNTests
{
    private const int N = 4;
    private const int Completions = 8;

    private static readonly LanguageRlOptions Tiny = new()
    {
        CompletionsPerBatch = Completions,
        ScoreEvery = 0,
        Preparation = LanguagePreparationOptions.Default with
        {
            Model = new LanguageModelOptions(Dim: 16, Layers: 1, Heads: 2),
            Sft = new SftOptions(Steps: 30, BatchSize: 16),
        },
    };

    [Theory]
    [InlineData(LearningRateSchedule.Constant)]
    [InlineData(LearningRateSchedule.Linear)]
    public async Task Update_DpoUnderNFour_TakesFourOneMiniBatchUpdatesPerVersion_WithConfiguredBetaAndLearningRateSchedule(LearningRateSchedule schedule)
    {
        // Arrange: a run planned as two rounds of N updates
        RecordingAlgorithm? recorder = null;
        var language = Tiny with { Schedule = schedule, TotalUpdates = 2 * N };
        await using var learner = await LearnerHarness.StartAsync(o => o with { Algorithm = "dpo", Env = "arith", Language = language, OffPolicyN = N },
            algorithm: o => recorder = new RecordingAlgorithm((LanguageLearnerAlgorithm)LearnerAlgorithms.Create(o)));
        var registered = await learner.RegisterAsync();
        var task = new ArithTask(registered.Run.Seed);
        var generator = new BatchGenerator(task, new TinyGpt(Tiny.Preparation.Model.ConfigFor(task), new Generator(3)), Completions, 2, 0.7f, new Generator(4));
        await using var watch = new WeightsWatch(learner.Client);
        await using var push = new PushStream(learner.Client);
        Assert.Equal(0, (await watch.NextAsync().Within())!.Version);

        // Act: two rounds of N mini-batches, each round generated with the version it starts with
        ulong seq = 1;
        var published = new List<WeightsAssembler>();
        foreach (long version in new long[] { 0, N })
        {
            for (int i = 0; i < N; i++)
            {
                var batch = LanguageWire.ToBatch(generator.Next(version), registered.ActorIds[0]);
                (batch.Seq, batch.RunId) = (seq++, registered.RunId);
                Assert.Equal(AckStatus.Accepted, (await push.SendAsync(batch)).Status);
            }
            published.Add((await watch.NextAsync().Within())!);
        }
        await learner.Node.StopAsync().Within();
        await learner.Node.Completion.Within();

        // Assert: a version every N updates, numbered by them
        Assert.Equal([(long)N, 2L * N], published.Select(p => p.Version));
        Assert.Equal([(long)N, 2L * N], published.Select(p => p.LearnerUpdate));
        // … each update on exactly one mini-batch, ingested alone, the j-th of a round j versions stale
        var updates = recorder!.Updates;
        Assert.Equal(2 * N, updates.Count);
        Assert.All(updates, u => Assert.Equal(1, u.IngestedSince));
        Assert.All(updates, u => Assert.Equal(1, u.Consumed));
        Assert.All(updates, u => Assert.Equal(Completions, u.Rows));
        Assert.Equal([0L, 1, 2, 3, 4, 5, 6, 7], updates.Select(u => u.LearnerVersion));
        Assert.Equal([0.0, 1, 2, 3, 0, 1, 2, 3], updates.Select(u => u.StalenessMean));
        Assert.Equal([0L, 0, 0, 0, N, N, N, N], updates.Select(u => u.BatchVersion));
        // … with β as configured, and η the same for every update or falling by η₀/T per update, whatever N is
        Assert.All(updates, u => Assert.Equal(0.1f, u.Beta));
        Assert.Equal(1e-4f, Tiny.LearningRate);
        float[] expected = schedule == LearningRateSchedule.Constant
            ? [.. Enumerable.Repeat(1e-4f, 2 * N)]
            : [.. Enumerable.Range(0, 2 * N).Select(u => (float)(1e-4 * (2 * N - u) / (2 * N)))];
        Assert.Equal(expected, updates.Select(u => u.LearningRate), (a, b) => Math.Abs(a - b) <= 1e-9f);
        Assert.Equal(2 * N, recorder.Inner.Learner.Updates);
        var lines = File.ReadAllLines(Path.Combine(learner.OutDir, "metrics.jsonl")).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal([0.0, 1, 2, 3, 0, 1, 2, 3], lines.Select(l => l.GetProperty("staleness_mean").GetDouble()));
        Assert.All(lines, l => Assert.Equal(Completions, l.GetProperty("rows").GetInt32()));
        Assert.Equal(expected, lines.Select(l => (float)l.GetProperty("learning_rate").GetDouble()), (a, b) => Math.Abs(a - b) <= 1e-9f);
        using var config = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(learner.OutDir, "config.json")));
        Assert.Equal(N, config.RootElement.GetProperty("n").GetInt32());
        Assert.Equal(N, config.RootElement.GetProperty("publish_every").GetInt32());
    }

    /// <summary>One update as the learner node took it.</summary>
    private sealed record UpdateRecord(long LearnerVersion, int IngestedSince, int Consumed, int Rows, long BatchVersion, double StalenessMean,
        float Beta, float LearningRate);

    /// <summary>Delegates to the dpo algorithm and records, per update, what it trained on and with which settings.</summary>
    private sealed class RecordingAlgorithm(LanguageLearnerAlgorithm inner) : ILearnerAlgorithm, IReferenceScoredLearnerAlgorithm
    {
        private int _ingested;

        public LanguageLearnerAlgorithm Inner => inner;

        public List<UpdateRecord> Updates { get; } = [];

        public string Name => inner.Name;

        public SampleSchema Schema => inner.Schema;

        public Module Policy => inner.Policy;

        public bool ReadyToUpdate => inner.ReadyToUpdate;

        public double ReferenceScore => inner.ReferenceScore;

        public double KlToReference() => inner.KlToReference();

        public double? Score() => inner.Score();

        public RunSpec CreateRunSpec(ulong seed, uint lag) => inner.CreateRunSpec(seed, lag);

        public ILearnerSamples Decode(SampleBatch batch) => inner.Decode(batch);

        public void Ingest(LearnerBatch batch)
        {
            inner.Ingest(batch);
            _ingested++;
        }

        public LearnerUpdateResult Update(long learnerVersion)
        {
            var result = inner.Update(learnerVersion);
            var learner = inner.Learner;
            Updates.Add(new UpdateRecord(learnerVersion, _ingested, result.Consumed.Count, result.Rows, result.Consumed.Single().PolicyVersion,
                result.Staleness.Mean, ((DpoObjective)learner.Objective).Beta, learner.Engine.LearningRate));
            _ingested = 0;
            return result;
        }

        public LearnerAlgorithmState SaveState() => inner.SaveState();

        public void RestoreState(LearnerAlgorithmState state) => inner.RestoreState(state);
    }
}
