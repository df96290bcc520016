using AsyncRL.Algorithms.Maddpg;
using AsyncRL.Contracts;
using AsyncRL.Contracts.V1;
using AsyncRL.Environments;

namespace AsyncRL.Algorithms.Tests.Maddpg;

public sealed class MaddpgWireTests
{
    private static readonly MultiAgentEnvSpec Spec = EnvRegistry.MultiAgentSpecOf("simple_adversary"); // observation sizes 8, 10, 10
    private static readonly MaddpgLearnerAlgorithm Algo = new(new MaddpgOptions { BatchSize = 8, MinReplaySize = 8, ReplayCapacity = 64, Hidden = [4] }, Spec, 1);

    private static MaddpgTransitions Transitions(int rows = 3)
    {
        var rng = new Generator(5);
        int j = Spec.JointObservationSize, n = Spec.AgentCount;
        float[] Values(int count) => [.. Enumerable.Range(0, count).Select(_ => rng.NextUniform(-1, 1))];
        return new MaddpgTransitions(Values(rows * j), [.. Enumerable.Range(0, rows * n).Select(k => k % 5)], Values(rows * n), Values(rows * j),
            [.. Enumerable.Range(0, rows).Select(k => k == rows - 1 ? 1f : 0f)], [.. Enumerable.Range(0, rows).Select(k => (long)k)]);
    }

    private static string Rejection(SampleBatch batch) => Assert.Throws<ArgumentException>(() => Algo.Decode(batch)).Message;

    [Fact]
    public void ToBatch_Decode_RoundTripsTheJointLayout()
    {
        var t = Transitions();
        var batch = MaddpgWire.ToBatch(t, Spec, "a/0", 3);
        Assert.Equal([3L, 10L], batch.Columns["obs.agent_2"].Shape);
        Assert.Equal([3L], batch.Columns["action.agent_0"].Shape);
        Assert.Equal(3, batch.RowPolicyVersions.Count); // versions differ per row
        var back = MaddpgWire.FromBatch(batch, Spec, Algo.Schema);
        Assert.Equal(t.Observations, back.Observations);
        Assert.Equal(t.NextObservations, back.NextObservations);
        Assert.Equal(t.Actions, back.Actions);
        Assert.Equal(t.Rewards, back.Rewards);
        Assert.Equal(t.Dones, back.Dones);
        Assert.Equal(t.PolicyVersions, back.PolicyVersions);
        // Agent 1's own columns hold its slice of the joint observation.
        Assert.Equal(t.Observations.AsSpan(Spec.JointObservationSize + 8, 10).ToArray(), TensorCodec.AsFloat32(batch.Columns["obs.agent_1"]).Slice(10, 10).ToArray());
    }

    [Fact]
    public void Decode_WrongShape_IsRejectedNamingTheColumn()
    {
        var batch = MaddpgWire.ToBatch(Transitions(), Spec, "a/0", 3);
        batch.Columns["next_obs.agent_1"] = TensorCodec.WrapFloat32(new float[3 * 8], 3, 8);
        Assert.Contains("column 'next_obs.agent_1': shape [3, 8], expected [3, 10]", Rejection(batch), StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_NaN_IsRejectedNamingTheColumn()
    {
        var t = Transitions();
        t.Rewards[4] = float.NaN; // row 1, agent 1
        Assert.Contains("column 'reward.agent_1': contains NaN or infinity", Rejection(MaddpgWire.ToBatch(t, Spec, "a/0", 3)), StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_MissingAgentColumn_IsRejected()
    {
        var batch = MaddpgWire.ToBatch(Transitions(), Spec, "a/0", 3);
        batch.Columns.Remove("action.agent_2");
        Assert.Contains("missing column 'action.agent_2'", Rejection(batch), StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_UnknownColumn_IsRejectedListingTheExpectedOnes()
    {
        var batch = MaddpgWire.ToBatch(Transitions(), Spec, "a/0", 3);
        batch.Columns["obs.agent_3"] = TensorCodec.WrapFloat32(new float[3 * 10], 3, 10);
        var message = Rejection(batch);
        Assert.Contains("unknown column 'obs.agent_3'", message, StringComparison.Ordinal);
        Assert.Contains("obs.agent_2", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_ValuesOutOfRange_AreRejectedWithTheRow()
    {
        var t = Transitions();
        t.Actions[3 * 1 + 2] = 5; // row 1, agent 2
        Assert.Contains("column 'action.agent_2': row 1 has action 5, outside [0, 5)", Rejection(MaddpgWire.ToBatch(t, Spec, "a/0", 3)), StringComparison.Ordinal);
        t = Transitions();
        t.Dones[0] = 0.5f;
        Assert.Contains("column 'done': row 0 has 0.5, expected 0 or 1", Rejection(MaddpgWire.ToBatch(t, Spec, "a/0", 3)), StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_EpisodeAgentReturns_MustHaveOneFiniteValuePerAgent()
    {
        var batch = MaddpgWire.ToBatch(Transitions(), Spec, "a/0", 3);
        var episode = new Contracts.V1.EpisodeStats { EpisodeReturn = -3, Length = 25 };
        episode.AgentReturns.AddRange([-1.0, -2.0]);
        batch.FinishedEpisodes.Add(episode);
        Assert.Contains("finished_episodes[0].agent_returns has 2 values for 3 agents", Rejection(batch), StringComparison.Ordinal);
        episode.AgentReturns.Add(double.PositiveInfinity);
        Assert.Contains("finished_episodes[0].agent_returns is not finite", Rejection(batch), StringComparison.Ordinal);
        episode.AgentReturns[2] = 0;
        Assert.Equal(3, Algo.Decode(batch).Rows);
    }
}
