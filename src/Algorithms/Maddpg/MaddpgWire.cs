using System.Globalization;
using AsyncRL.Contracts;
using AsyncRL.Contracts.V1;
using AsyncRL.Environments;
using static AsyncRL.Algorithms.SampleSchema;
using WireEpisode = AsyncRL.Contracts.V1.EpisodeStats;

namespace AsyncRL.Algorithms.Maddpg;

/// <summary>
/// How <see cref="MaddpgTransitions"/> travel as a <see cref="SampleBatch"/>: one column per agent and quantity
/// (<c>obs.agent_0</c> [R, O₀], <c>action.agent_0</c> [R] int32, <c>reward.agent_0</c> [R], <c>next_obs.agent_0</c>
/// [R, O₀], …) and <c>done</c> [R] (0 or 1). Finished episodes carry each agent's return in <c>agent_returns</c>.
/// </summary>
public static class MaddpgWire
{
    /// <summary>A per-agent column's name, e.g. <c>obs.agent_2</c>.</summary>
    public static string AgentColumn(string quantity, int agent) => string.Create(CultureInfo.InvariantCulture, $"{quantity}.agent_{agent}");

    /// <summary>The columns MADDPG declares for <paramref name="spec"/>'s agents.</summary>
    public static SampleSchema Schema(MultiAgentEnvSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var columns = new List<ColumnSpec>();
        for (int i = 0; i < spec.AgentCount; i++)
        {
            columns.Add(Column(AgentColumn("obs", i), DType.Float32, false, Rows, spec.ObservationSizes[i]));
            columns.Add(Column(AgentColumn("action", i), DType.Int32, false, Rows));
            columns.Add(Column(AgentColumn("reward", i), DType.Float32, false, Rows));
            columns.Add(Column(AgentColumn("next_obs", i), DType.Float32, false, Rows, spec.ObservationSizes[i]));
        }
        columns.Add(Column("done", DType.Float32, false, Rows));
        return new SampleSchema(columns);
    }

    /// <summary>Encodes transitions (each agent's part is copied out of the joint layout).</summary>
    public static SampleBatch ToBatch(MaddpgTransitions t, MultiAgentEnvSpec spec, string actorId, long envSteps)
    {
        ArgumentNullException.ThrowIfNull(t);
        ArgumentNullException.ThrowIfNull(spec);
        int rows = t.Rows, n = spec.AgentCount, j = spec.JointObservationSize;
        var batch = new SampleBatch { ActorId = actorId, RowCount = (uint)rows, EnvSteps = (ulong)envSteps };
        batch.PolicyVersion = rows == 0 ? 0 : t.PolicyVersions.Max();
        if (t.PolicyVersions.Any(v => v != batch.PolicyVersion)) batch.RowPolicyVersions.AddRange(t.PolicyVersions);
        for (int i = 0; i < n; i++)
        {
            int o = spec.ObservationSizes[i], offset = spec.ObservationOffset(i);
            float[] obs = new float[rows * o], next = new float[rows * o], reward = new float[rows];
            int[] action = new int[rows];
            for (int r = 0; r < rows; r++)
            {
                t.Observations.AsSpan(r * j + offset, o).CopyTo(obs.AsSpan(r * o, o));
                t.NextObservations.AsSpan(r * j + offset, o).CopyTo(next.AsSpan(r * o, o));
                action[r] = t.Actions[r * n + i];
                reward[r] = t.Rewards[r * n + i];
            }
            batch.Columns[AgentColumn("obs", i)] = TensorCodec.WrapFloat32(obs, rows, o);
            batch.Columns[AgentColumn("action", i)] = TensorCodec.WrapInt32(action, rows);
            batch.Columns[AgentColumn("reward", i)] = TensorCodec.WrapFloat32(reward, rows);
            batch.Columns[AgentColumn("next_obs", i)] = TensorCodec.WrapFloat32(next, rows, o);
        }
        batch.Columns["done"] = TensorCodec.WrapFloat32(t.Dones, rows);
        return batch;
    }

    /// <summary>
    /// Decodes a batch into the joint layout. Throws <see cref="ArgumentException"/> with the precise reason when a
    /// column is missing, unknown, mis-shaped or not finite (the schema's check), when an action or done flag is out of
    /// range, or when a finished episode's per-agent returns do not fit.
    /// </summary>
    public static MaddpgTransitions FromBatch(SampleBatch batch, MultiAgentEnvSpec spec, SampleSchema schema)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(schema);
        // The node validated already; decoding on its own (tests, tools) gets the same precise reasons.
        if (schema.Validate(batch, long.MaxValue) is { } reason) throw new ArgumentException(reason);
        int rows = (int)batch.RowCount, n = spec.AgentCount, j = spec.JointObservationSize;
        var t = new MaddpgTransitions(new float[rows * j], new int[rows * n], new float[rows * n], new float[rows * j],
            TensorCodec.ToFloat32Array(batch.Columns["done"]),
            batch.RowPolicyVersions.Count == rows ? [.. batch.RowPolicyVersions] : Enumerable.Repeat(batch.PolicyVersion, rows).ToArray());
        for (int i = 0; i < n; i++)
        {
            int o = spec.ObservationSizes[i], offset = spec.ObservationOffset(i);
            var obs = TensorCodec.AsFloat32(batch.Columns[AgentColumn("obs", i)]);
            var next = TensorCodec.AsFloat32(batch.Columns[AgentColumn("next_obs", i)]);
            var action = TensorCodec.AsInt32(batch.Columns[AgentColumn("action", i)]);
            var reward = TensorCodec.AsFloat32(batch.Columns[AgentColumn("reward", i)]);
            for (int r = 0; r < rows; r++)
            {
                obs.Slice(r * o, o).CopyTo(t.Observations.AsSpan(r * j + offset, o));
                next.Slice(r * o, o).CopyTo(t.NextObservations.AsSpan(r * j + offset, o));
                t.Actions[r * n + i] = action[r];
                t.Rewards[r * n + i] = reward[r];
            }
        }
        t.Validate(spec);
        return t;
    }

    /// <summary>
    /// Each finished episode's per-agent returns (empty when the actor sent none); throws when a list does not have
    /// one finite value per agent.
    /// </summary>
    public static float[][] AgentReturns(IReadOnlyList<WireEpisode> episodes, int agents)
    {
        ArgumentNullException.ThrowIfNull(episodes);
        var returns = new List<float[]>(episodes.Count);
        for (int k = 0; k < episodes.Count; k++)
        {
            var values = episodes[k].AgentReturns;
            if (values.Count == 0) continue;
            if (values.Count != agents) throw new ArgumentException($"finished_episodes[{k}].agent_returns has {values.Count} values for {agents} agents");
            if (values.Any(v => !double.IsFinite(v))) throw new ArgumentException($"finished_episodes[{k}].agent_returns is not finite");
            returns.Add([.. values.Select(v => (float)v)]);
        }
        return [.. returns];
    }
}
