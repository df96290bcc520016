using AsyncRL.Contracts.V1;
using Google.Protobuf.WellKnownTypes;
using WireEnvSpec = AsyncRL.Contracts.V1.EnvSpec;

namespace AsyncRL.Algorithms.Ppo;

/// <summary>
/// How PPO's settings travel in a <see cref="RunSpec"/>: what actors need to act (rollout length,
/// hidden sizes) goes in <c>acting</c> and <c>model</c>; the columns come from <see cref="PpoWire"/>.
/// </summary>
public static class PpoRunSpec
{
    /// <summary>The algorithm's name on the wire and in the CLI.</summary>
    public const string Algorithm = "ppo";

    /// <summary>Builds the run spec a learner hands to registering actors.</summary>
    public static RunSpec Create(PpoOptions options, string envId, int observationSize, ulong seed, uint lag, uint maxStaleness)
    {
        ArgumentNullException.ThrowIfNull(options);
        var spec = new RunSpec
        {
            Algorithm = Algorithm,
            Env = new WireEnvSpec { Id = envId, AgentCount = 1 },
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
        spec.Columns.AddRange(PpoWire.Schema(observationSize).Columns);
        return spec;
    }

    /// <summary>Rollout length T from a run spec.</summary>
    public static int RolloutLength(RunSpec spec) => (int)Number(spec?.Acting, "rollout_length");

    /// <summary>Hidden sizes from a run spec.</summary>
    public static int[] Hidden(RunSpec spec)
    {
        if (spec?.Model is null || !spec.Model.Fields.TryGetValue("hidden", out var v) || v.ListValue is null)
            throw new ArgumentException("Run spec: model.hidden is missing.");
        return [.. v.ListValue.Values.Select(x => checked((int)x.NumberValue))];
    }

    private static double Number(Struct? s, string key) =>
        s is not null && s.Fields.TryGetValue(key, out var v) && v.KindCase == Value.KindOneofCase.NumberValue
            ? v.NumberValue
            : throw new ArgumentException($"Run spec: acting.{key} is missing or not a number.");
}
