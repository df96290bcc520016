using AsyncRL.Contracts;
using AsyncRL.Contracts.V1;
using static AsyncRL.Algorithms.SampleSchema;

namespace AsyncRL.Algorithms.Her;

/// <summary>How <see cref="HerEpisodes"/> travel as a <see cref="SampleBatch"/>.</summary>
public static class HerWire
{
    /// <summary>The columns HER declares (observation size O = state ‖ goal).</summary>
    public static SampleSchema Schema(int observationSize) => new(
    [
        Column("obs", DType.Float32, false, Rows, observationSize),
        Column("action", DType.Int32, false, Rows),
        Column("reward", DType.Float32, false, Rows),
        Column("next_obs", DType.Float32, false, Rows, observationSize),
        Column("terminated", DType.Bool, false, Rows),
        Column("truncated", DType.Bool, false, Rows),
        Column("step", DType.Int32, false, Rows),
    ]);

    /// <summary>Encodes episodes (arrays are lent to the message, not copied).</summary>
    public static SampleBatch ToBatch(HerEpisodes e, string actorId, long envSteps)
    {
        ArgumentNullException.ThrowIfNull(e);
        int rows = e.Rows, o = e.Observations.Length / Math.Max(1, rows);
        var batch = new SampleBatch { ActorId = actorId, RowCount = (uint)rows, EnvSteps = (ulong)envSteps };
        batch.PolicyVersion = e.PolicyVersions.Length == 0 ? 0 : e.PolicyVersions.Max();
        if (e.PolicyVersions.Any(v => v != batch.PolicyVersion)) batch.RowPolicyVersions.AddRange(e.PolicyVersions);
        batch.Columns["obs"] = TensorCodec.WrapFloat32(e.Observations, rows, o);
        batch.Columns["action"] = TensorCodec.WrapInt32(e.Actions, rows);
        batch.Columns["reward"] = TensorCodec.WrapFloat32(e.Rewards, rows);
        batch.Columns["next_obs"] = TensorCodec.WrapFloat32(e.NextObservations, rows, o);
        batch.Columns["terminated"] = TensorCodec.FromBool(e.Terminated, rows);
        batch.Columns["truncated"] = TensorCodec.FromBool(e.Truncated, rows);
        batch.Columns["step"] = TensorCodec.WrapInt32(e.Steps, rows);
        return batch;
    }

    /// <summary>Decodes a batch that passed <see cref="SampleSchema.Validate"/>; throws with a reason when the rows are not whole episodes.</summary>
    public static HerEpisodes FromBatch(SampleBatch batch, int observationSize, int actionCount)
    {
        ArgumentNullException.ThrowIfNull(batch);
        int rows = (int)batch.RowCount;
        var e = new HerEpisodes(
            TensorCodec.ToFloat32Array(batch.Columns["obs"]),
            TensorCodec.AsInt32(batch.Columns["action"]).ToArray(),
            TensorCodec.ToFloat32Array(batch.Columns["reward"]),
            TensorCodec.ToFloat32Array(batch.Columns["next_obs"]),
            TensorCodec.AsBool(batch.Columns["terminated"]).ToArray(),
            TensorCodec.AsBool(batch.Columns["truncated"]).ToArray(),
            TensorCodec.AsInt32(batch.Columns["step"]).ToArray(),
            batch.RowPolicyVersions.Count == rows ? [.. batch.RowPolicyVersions] : Enumerable.Repeat(batch.PolicyVersion, rows).ToArray());
        e.Validate(observationSize, actionCount);
        return e;
    }
}
