using AsyncRL.Contracts.V1;
using AsyncRL.Environments;
using Google.Protobuf.WellKnownTypes;
using WireEnvSpec = AsyncRL.Contracts.V1.EnvSpec;

namespace AsyncRL.Algorithms.Maddpg;

/// <summary>How MADDPG's acting settings travel in a <see cref="RunSpec"/>: the fragment length in <c>acting</c>, hidden sizes in <c>model</c>.</summary>
public static class MaddpgRunSpec
{
    /// <summary>MADDPG's name on the wire and in the CLI.</summary>
    public const string Algorithm = "maddpg";

    /// <summary>Builds the run spec registering actors receive.</summary>
    public static RunSpec Create(MaddpgOptions options, MultiAgentEnvSpec env, SampleSchema schema, ulong seed, uint lag, uint maxStaleness)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(env);
        ArgumentNullException.ThrowIfNull(schema);
        var spec = new RunSpec
        {
            Algorithm = Algorithm,
            Env = new WireEnvSpec { Id = env.Id, AgentCount = (uint)env.AgentCount },
            Seed = seed,
            Lag = lag,
            MaxStaleness = maxStaleness,
            WeightsEncoding = WeightsEncoding.F32,
            RowsPerBatch = (uint)options.RolloutLength,
            Acting = new Struct(),
            Model = new Struct(),
        };
        spec.Acting.Fields["rollout_length"] = Value.ForNumber(options.RolloutLength);
        spec.Model.Fields["hidden"] = Value.ForList([.. options.Hidden.Select(h => Value.ForNumber(h))]);
        spec.Columns.AddRange(schema.Columns);
        return spec;
    }

    /// <summary>The acting options a run spec carries (learner-only fields keep their defaults).</summary>
    public static MaddpgOptions Acting(RunSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.Acting is null || !spec.Acting.Fields.TryGetValue("rollout_length", out var length) || length.KindCase != Value.KindOneofCase.NumberValue)
            throw new ArgumentException("Run spec: acting.rollout_length is missing or not a number.");
        if (spec.Model is null || !spec.Model.Fields.TryGetValue("hidden", out var hidden) || hidden.ListValue is null)
            throw new ArgumentException("Run spec: model.hidden is missing.");
        return new MaddpgOptions
        {
            RolloutLength = checked((int)length.NumberValue),
            Hidden = [.. hidden.ListValue.Values.Select(x => checked((int)x.NumberValue))],
        };
    }
}
