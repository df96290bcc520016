using AsyncRL.Contracts;
using AsyncRL.Contracts.V1;
using static AsyncRL.Algorithms.SampleSchema;

namespace AsyncRL.Algorithms.Dqn;

/// <summary>How <see cref="DqnTransitions"/> travel as a <see cref="SampleBatch"/>.</summary>
public static class DqnWire
{
    /// <summary>The columns DQN declares (observation size O); <c>priority</c> is optional.</summary>
    public static SampleSchema Schema(int observationSize) => new(
    [
        Column("obs", DType.Float32, false, Rows, observationSize),
        Column("action", DType.Int32, false, Rows),
        Column("reward", DType.Float32, false, Rows),
        Column("next_obs", DType.Float32, false, Rows, observationSize),
        Column("discount", DType.Float32, false, Rows),
        Column("priority", DType.Float32, true, Rows),
    ]);

    /// <summary>Encodes transitions (arrays are lent to the message, not copied).</summary>
    public static SampleBatch ToBatch(DqnTransitions t, string actorId, long envSteps)
    {
        ArgumentNullException.ThrowIfNull(t);
        int rows = t.Rows, o = t.Observations.Length / Math.Max(1, rows);
        var batch = new SampleBatch { ActorId = actorId, RowCount = (uint)rows, EnvSteps = (ulong)envSteps };
        batch.PolicyVersion = t.PolicyVersions.Length == 0 ? 0 : t.PolicyVersions.Max();
        if (t.PolicyVersions.Any(v => v != batch.PolicyVersion)) batch.RowPolicyVersions.AddRange(t.PolicyVersions);
        batch.Columns["obs"] = TensorCodec.WrapFloat32(t.Observations, rows, o);
        batch.Columns["action"] = TensorCodec.WrapInt32(t.Actions, rows);
        batch.Columns["reward"] = TensorCodec.WrapFloat32(t.Returns, rows);
        batch.Columns["next_obs"] = TensorCodec.WrapFloat32(t.NextObservations, rows, o);
        batch.Columns["discount"] = TensorCodec.WrapFloat32(t.Discounts, rows);
        if (t.Priorities is not null) batch.Columns["priority"] = TensorCodec.WrapFloat32(t.Priorities, rows);
        return batch;
    }

    /// <summary>Decodes a batch that passed <see cref="SampleSchema.Validate"/>; throws with the column's name when values do not fit.</summary>
    public static DqnTransitions FromBatch(SampleBatch batch, int observationSize, int actionCount)
    {
        ArgumentNullException.ThrowIfNull(batch);
        int rows = (int)batch.RowCount;
        var t = new DqnTransitions(
            TensorCodec.ToFloat32Array(batch.Columns["obs"]),
            TensorCodec.AsInt32(batch.Columns["action"]).ToArray(),
            TensorCodec.ToFloat32Array(batch.Columns["reward"]),
            TensorCodec.ToFloat32Array(batch.Columns["next_obs"]),
            TensorCodec.ToFloat32Array(batch.Columns["discount"]),
            batch.Columns.TryGetValue("priority", out var p) ? TensorCodec.ToFloat32Array(p) : null,
            batch.RowPolicyVersions.Count == rows ? [.. batch.RowPolicyVersions] : Enumerable.Repeat(batch.PolicyVersion, rows).ToArray());
        t.Validate(observationSize, actionCount);
        return t;
    }
}
