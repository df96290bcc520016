using AsyncRL.Algorithms.Maddpg;
using AsyncRL.Contracts;
using AsyncRL.Contracts.V1;
using AsyncRL.Environments;

namespace AsyncRL.Algorithms.Tests.Maddpg;

public sealed class MaddpgLearnerAlgorithmTests
{
    private static readonly MaddpgOptions Small = new() { BatchSize = 32, MinReplaySize = 64, ReplayCapacity = 1024, SamplesPerInsert = 2, Hidden = [16] };

    private static (MaddpgLearnerAlgorithm Algo, MaddpgCollector Collector) Filled(string envId, MaddpgOptions options, int fragments = 4, ulong seed = 4)
    {
        var spec = EnvRegistry.MultiAgentSpecOf(envId);
        var algo = new MaddpgLearnerAlgorithm(options, spec, seed);
        var actors = new MaddpgActors(spec, options.Hidden, new Generator(1));
        var collector = new MaddpgCollector(EnvRegistry.CreateMultiAgentVector(envId, null, 2, 3), new MaddpgActingPolicy(actors, 2), new Generator(2), 25);
        for (ulong seq = 1; seq <= (ulong)fragments; seq++) Feed(algo, collector, seq, version: 0);
        return (algo, collector);
    }

    private static void Feed(MaddpgLearnerAlgorithm algo, MaddpgCollector collector, ulong seq, long version)
    {
        var batch = MaddpgWire.ToBatch(collector.Collect(version), algo.Spec, "t/0", 50);
        var episodes = new List<MultiAgentEpisodeStats>();
        collector.Env.DrainEpisodes(episodes);
        foreach (var e in episodes)
        {
            var stats = new Contracts.V1.EpisodeStats { EpisodeReturn = e.Return, Length = (uint)e.Length };
            stats.AgentReturns.AddRange(e.AgentReturns.Select(r => (double)r));
            batch.FinishedEpisodes.Add(stats);
        }
        algo.Ingest(new LearnerBatch("t/0", seq, version, version, 50, default, algo.Decode(batch)));
    }

    [Fact]
    public void Update_ReportsLossesReplayStalenessAndTeamReturns()
    {
        var (algo, _) = Filled("simple_tag", Small);
        Assert.True(algo.ReadyToUpdate);
        var r = algo.Update(learnerVersion: 3);
        foreach (var key in new[] { "loss", "actor_loss", "q_mean", "target_q_mean", "policy_entropy", "agent_3_critic_loss", "agent_0_actor_loss",
                     "replay_size", "replay_inserts_per_s", "replay_samples_per_s", "policy_lag_mean", "sample_age_max",
                     "adversary_return_mean", "good_return_mean", "agent_3_return_mean" })
            Assert.True(r.Metrics.ContainsKey(key), $"metrics lack {key}");
        Assert.False(r.Metrics.ContainsKey("priority_mean")); // uniform replay
        Assert.Equal(32, r.Rows);
        Assert.Equal(3, r.Staleness.Min); // every row was acted by version 0
        Assert.Equal(3 * r.Metrics["agent_0_return_mean"], r.Metrics["adversary_return_mean"], 6); // a team reward, summed over its 3 agents
        Assert.Equal(200, r.Metrics["replay_size"]);
        Assert.All(r.Metrics.Values, v => Assert.True(double.IsFinite(v)));
        Assert.Equal(4, r.Consumed.Count);
        Assert.Empty(algo.Update(3).Consumed);
    }

    [Fact]
    public void Update_MaxStaleness_LeavesStaleRowsOut()
    {
        var spec = EnvRegistry.MultiAgentSpecOf("simple_spread");
        var algo = new MaddpgLearnerAlgorithm(Small, spec, seed: 4, maxStaleness: 2);
        var collector = new MaddpgCollector(EnvRegistry.CreateMultiAgentVector("simple_spread", null, 2, 3),
            new MaddpgActingPolicy(new MaddpgActors(spec, Small.Hidden, new Generator(1)), 2), new Generator(2), 25);
        for (ulong seq = 1; seq <= 4; seq++) Feed(algo, collector, seq, version: seq <= 2 ? 0 : 5);
        var r = algo.Update(learnerVersion: 5);
        Assert.InRange(r.RowsDropped, 1, 31); // rows of version 0 lag 5 > 2; rows of version 5 do not
        Assert.Equal(5, r.Staleness.Max);
        Assert.True(double.IsFinite(r.Metrics["loss"]));
    }

    [Fact]
    public void SaveRestore_WithReplay_ContinuesExactly()
    {
        var options = Small with { CheckpointReplay = true };
        var (a, collector) = Filled("simple_adversary", options);
        a.Update(1);
        var state = a.SaveState();
        Assert.NotNull(state.Replay);
        Assert.Contains(state.Model.Keys, k => k.StartsWith("agent_2.", StringComparison.Ordinal));
        Assert.Contains(state.Optimizer!.Keys, k => k.StartsWith("target_critic.agent_0.", StringComparison.Ordinal));
        var b = new MaddpgLearnerAlgorithm(options, a.Spec, seed: 99);
        b.RestoreState(state);
        Assert.Equal(a.Replay.Stats(), b.Replay.Stats());
        Assert.Equal(a.Learner.Updates, b.Learner.Updates);
        // The same new batch into both: they sample the same rows, draw the same noise and take the same step.
        var more = MaddpgWire.ToBatch(collector.Collect(1), a.Spec, "t/0", 50);
        a.Ingest(new LearnerBatch("t/0", 9, 1, 1, 50, default, a.Decode(more)));
        b.Ingest(new LearnerBatch("t/0", 9, 1, 1, 50, default, b.Decode(more)));
        var ra = a.Update(2);
        var rb = b.Update(2);
        Assert.Equal(ra.Metrics["loss"], rb.Metrics["loss"]);
        Assert.Equal(ra.Metrics["actor_loss"], rb.Metrics["actor_loss"]);
        Assert.Equal(a.Policy.StateDict()["agent_1.0.weight"].ToArray(), b.Policy.StateDict()["agent_1.0.weight"].ToArray());
    }

    [Fact]
    public void SaveRestore_WithoutReplay_StartsEmptyAndWaitsForData()
    {
        var (a, _) = Filled("simple_spread", Small);
        a.Update(0);
        var state = a.SaveState();
        Assert.Null(state.Replay);
        var b = new MaddpgLearnerAlgorithm(Small, a.Spec, seed: 99);
        b.RestoreState(state);
        Assert.Equal(0, b.Replay.Size);
        Assert.False(b.ReadyToUpdate);
        Assert.Equal(1, b.Learner.Updates);
        Assert.Equal(a.Learner.TargetCritics.StateDict()["agent_2.2.bias"].ToArray(), b.Learner.TargetCritics.StateDict()["agent_2.2.bias"].ToArray());
        var missing = new LearnerAlgorithmState(state.Model, state.Optimizer, new Dictionary<string, string>());
        Assert.Contains("maddpg.rng", Assert.Throws<ArgumentException>(() => b.RestoreState(missing)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RunSpec_CarriesTheAgentsColumnsAndActingSettings()
    {
        var (algo, _) = Filled("simple_tag", Small, fragments: 0);
        var spec = algo.CreateRunSpec(seed: 7, lag: 3);
        Assert.Equal("maddpg", spec.Algorithm);
        Assert.Equal(4u, spec.Env.AgentCount);
        Assert.Equal(3u, spec.Lag);
        Assert.Contains(spec.Columns, c => c.Name == "next_obs.agent_3" && c.Shape.SequenceEqual([SampleSchema.Rows, 14L]));
        Assert.Equal(4 * 4 + 1, spec.Columns.Count);
        var acting = MaddpgRunSpec.Acting(spec);
        Assert.Equal(25, acting.RolloutLength);
        Assert.Equal([16], acting.Hidden);
        using var actor = new MaddpgActorAlgorithm(spec, new ActorAlgorithmSettings("n/0", 5, 2));
        var fragment = actor.Collect(0);
        Assert.Null(algo.Schema.Validate(fragment.Batch, 0));
        Assert.Equal(50, fragment.EnvSteps);
        Assert.Equal(2, fragment.EpisodeCount); // 25 steps: each environment's first episode ends
        Assert.All(fragment.Batch.FinishedEpisodes, e => Assert.Equal(e.EpisodeReturn, e.AgentReturns.Sum(), 3));
        Assert.All(fragment.Batch.FinishedEpisodes, e => Assert.True(e.Truncated));
    }
}
