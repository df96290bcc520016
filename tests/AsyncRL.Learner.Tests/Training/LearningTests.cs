using AsyncRL.Algorithms;
using AsyncRL.Algorithms.Ppo;
using AsyncRL.Contracts.V1;
using AsyncRL.Environments;
using AsyncRL.Learner.Service;
using AsyncRL.Learner.Tests.Support;
using AsyncRL.Models;
using Xunit.Abstractions;
using EnvEpisode = AsyncRL.Environments.EpisodeStats;

namespace AsyncRL.Learner.Tests.Training;

public sealed class LearningTests(ITestOutputHelper output)
{
    /// <summary>
    /// The whole learner over real gRPC: a test-side actor (collector + LearnerClient) acts with the newest
    /// weights it watched, pushes each fragment and waits for the version it produces (the synchronous
    /// setting), until the learner declares CartPole solved and ends the streams.
    /// </summary>
    [Fact]
    public async Task Ppo_CartPole_OverTheWire_IsSolved()
    {
        var ppo = new PpoOptions { LearningRate = 5e-3f, RolloutLength = 32, RowsPerUpdate = 256, AnnealLearningRate = false };
        const int envs = 8;
        await using var learner = await LearnerHarness.StartAsync(o => o with { Ppo = ppo, Steps = 150_000, NoEarlyStop = false, Seed = 1 });
        var registered = await learner.RegisterAsync("actor-node");
        var spec = registered.Run;
        var model = new ActorCritic(4, 2, PpoRunSpec.Hidden(spec), new Generator(0));
        var collector = new PpoRolloutCollector(EnvRegistry.CreateVector(spec.Env.Id, envs, spec.Seed + 1), new PpoActingPolicy(model, envs),
            new Generator(spec.Seed + 2), PpoRunSpec.RolloutLength(spec));
        await using var watch = new WeightsWatch(learner.Client);
        await using var push = new PushStream(learner.Client);
        var finished = new List<EnvEpisode>();
        ulong seq = 0;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));

        var weights = await watch.NextAsync().Within();
        while (weights is not null && !timeout.IsCancellationRequested)
        {
            ModuleWeights.Apply(model, weights.Blob.Span, weights.Parameters, weights.Encoding);
            var batch = PpoWire.ToBatch(collector.Collect(weights.Version), registered.ActorIds[0], ++seq);
            batch.RunId = registered.RunId;
            collector.Env.DrainEpisodes(finished);
            foreach (var e in finished) batch.FinishedEpisodes.Add(new Contracts.V1.EpisodeStats { EpisodeReturn = e.Return, Length = (uint)e.Length, PolicyVersion = weights.Version });
            finished.Clear();
            await push.WriteAsync(batch);
            var ack = await push.NextAckAsync().Within();
            if (ack is null) break; // the run finished
            Assert.Equal(AckStatus.Accepted, ack.Status);
            weights = await watch.NextAsync().Within();
        }
        var summary = await learner.Node.Completion.Within();
        output.WriteLine($"solved at {summary.SolvedAtEnvSteps} env steps, {summary.SolvedAtSeconds:F1} s, {summary.Updates} updates, mean return {summary.FinalReturnMean:F1}");

        Assert.Equal("solved", summary.Reason);
        Assert.True(summary.Solved);
        Assert.True(summary.FinalReturnMean >= 475, $"mean return {summary.FinalReturnMean} after {summary.EnvSteps} steps");
        Assert.Equal(summary.EnvSteps, summary.SolvedAtEnvSteps);
        Assert.Equal(0, summary.Staleness.Max);
        Assert.Equal("true", watch.Call.GetTrailers().GetValue(LearnerService.RunFinishedTrailer));
    }
}
