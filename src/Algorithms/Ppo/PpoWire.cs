using AsyncRL.Contracts;
using AsyncRL.Contracts.V1;
using static AsyncRL.Algorithms.SampleSchema;

namespace AsyncRL.Algorithms.Ppo;

/// <summary>How a <see cref="PpoFragment"/> travels as a <see cref="SampleBatch"/>: named columns, rows time-major.</summary>
public static class PpoWire
{
    /// <summary>The columns PPO declares (observation size O).</summary>
    public static SampleSchema Schema(int observationSize) => new(
    [
        Column("obs", DType.Float32, false, Rows, observationSize),
        Column("action", DType.Int32, false, Rows),
        Column("reward", DType.Float32, false, Rows),
        Column("terminated", DType.Bool, false, Rows),
        Column("truncated", DType.Bool, false, Rows),
        Column("logp", DType.Float32, false, Rows),
        Column("value", DType.Float32, false, Rows),
        Column("bootstrap_obs", DType.Float32, false, Any, observationSize),
        Column("truncated_obs", DType.Float32, true, Any, observationSize),
    ]);

    /// <summary>Encodes a fragment (arrays are lent to the message, not copied).</summary>
    public static SampleBatch ToBatch(PpoFragment f, string actorId, ulong seq)
    {
        ArgumentNullException.ThrowIfNull(f);
        int o = f.Observations.Length / f.Rows;
        var batch = new SampleBatch { ActorId = actorId, Seq = seq, RowCount = (uint)f.Rows, EnvSteps = (ulong)f.Rows };
        long first = f.PolicyVersions[0];
        batch.PolicyVersion = f.PolicyVersions.Max();
        if (f.PolicyVersions.Any(v => v != first)) batch.RowPolicyVersions.AddRange(f.PolicyVersions);
        batch.Columns["obs"] = TensorCodec.WrapFloat32(f.Observations, f.Rows, o);
        batch.Columns["action"] = TensorCodec.WrapInt32(f.Actions, f.Rows);
        batch.Columns["reward"] = TensorCodec.WrapFloat32(f.Rewards, f.Rows);
        batch.Columns["terminated"] = TensorCodec.FromBool(f.Terminated, f.Rows);
        batch.Columns["truncated"] = TensorCodec.FromBool(f.Truncated, f.Rows);
        batch.Columns["logp"] = TensorCodec.WrapFloat32(f.BehaviourLogProbs, f.Rows);
        batch.Columns["value"] = TensorCodec.WrapFloat32(f.BehaviourValues, f.Rows);
        batch.Columns["bootstrap_obs"] = TensorCodec.WrapFloat32(f.BootstrapObservations, f.Envs, o);
        if (f.TruncatedObservations.Length > 0)
            batch.Columns["truncated_obs"] = TensorCodec.WrapFloat32(f.TruncatedObservations, f.TruncatedObservations.Length / o, o);
        return batch;
    }

    /// <summary>Decodes a batch that passed <see cref="SampleSchema.Validate"/>; throws with a reason when T·N or K do not fit.</summary>
    public static PpoFragment FromBatch(SampleBatch batch, int observationSize, int actionCount)
    {
        ArgumentNullException.ThrowIfNull(batch);
        int rows = (int)batch.RowCount;
        int envs = (int)batch.Columns["bootstrap_obs"].Shape[0];
        if (envs <= 0 || rows % envs != 0)
            throw new ArgumentException($"bootstrap_obs has {envs} rows, which does not divide row_count {rows} into [T, N]");
        var versions = batch.RowPolicyVersions.Count == rows ? [.. batch.RowPolicyVersions] : Enumerable.Repeat(batch.PolicyVersion, rows).ToArray();
        var truncated = TensorCodec.AsBool(batch.Columns["truncated"]).ToArray();
        var f = new PpoFragment(rows / envs, envs,
            TensorCodec.ToFloat32Array(batch.Columns["obs"]),
            TensorCodec.AsInt32(batch.Columns["action"]).ToArray(),
            TensorCodec.ToFloat32Array(batch.Columns["reward"]),
            TensorCodec.AsBool(batch.Columns["terminated"]).ToArray(),
            truncated,
            TensorCodec.ToFloat32Array(batch.Columns["logp"]),
            TensorCodec.ToFloat32Array(batch.Columns["value"]),
            versions,
            TensorCodec.ToFloat32Array(batch.Columns["bootstrap_obs"]),
            batch.Columns.TryGetValue("truncated_obs", out var t) ? TensorCodec.ToFloat32Array(t) : []);
        f.Validate(observationSize, actionCount);
        return f;
    }
}
