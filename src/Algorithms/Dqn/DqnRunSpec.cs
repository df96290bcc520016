using AsyncRL.Contracts.V1;
using Google.Protobuf.WellKnownTypes;
using WireEnvSpec = AsyncRL.Contracts.V1.EnvSpec;

namespace AsyncRL.Algorithms.Dqn;

/// <summary>
/// How DQN's (and HER's) acting settings travel in a <see cref="RunSpec"/>: ε schedule, n, γ and the
/// fragment length in <c>acting</c>, hidden sizes in <c>model</c>.
/// </summary>
public static class DqnRunSpec
{
    /// <summary>DQN's name on the wire and in the CLI.</summary>
    public const string Algorithm = "dqn";

    /// <summary>Builds the run spec registering actors receive.</summary>
    public static RunSpec Create(string algorithm, DqnOptions options, string envId, IReadOnlyDictionary<string, string> envArgs,
        SampleSchema schema, ulong seed, uint lag, uint maxStaleness)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(envArgs);
        ArgumentNullException.ThrowIfNull(schema);
        var env = new WireEnvSpec { Id = envId, AgentCount = 1 };
        foreach (var (k, v) in envArgs) env.Args[k] = v;
        var spec = new RunSpec
        {
            Algorithm = algorithm,
            Env = env,
            Seed = seed,
            Lag = lag,
            MaxStaleness = maxStaleness,
            WeightsEncoding = WeightsEncoding.F32,
            RowsPerBatch = (uint)options.RolloutLength,
            Acting = new Struct(),
            Model = new Struct(),
        };
        spec.Acting.Fields["rollout_length"] = Value.ForNumber(options.RolloutLength);
        spec.Acting.Fields["n_step"] = Value.ForNumber(options.NStep);
        spec.Acting.Fields["gamma"] = Value.ForNumber(options.Gamma);
        spec.Acting.Fields["epsilon"] = Value.ForNumber(options.Epsilon);
        spec.Acting.Fields["epsilon_alpha"] = Value.ForNumber(options.EpsilonAlpha);
        spec.Acting.Fields["epsilon_slots"] = Value.ForNumber(options.EpsilonSlots);
        spec.Acting.Fields["epsilon_decay_steps"] = Value.ForNumber(options.EpsilonDecaySteps);
        spec.Model.Fields["hidden"] = Value.ForList([.. options.Hidden.Select(h => Value.ForNumber(h))]);
        spec.Columns.AddRange(schema.Columns);
        return spec;
    }

    /// <summary>The acting options a run spec carries (learner-only fields keep their defaults).</summary>
    public static DqnOptions Acting(RunSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return new DqnOptions
        {
            RolloutLength = (int)Number(spec.Acting, "rollout_length"),
            NStep = (int)Number(spec.Acting, "n_step"),
            Gamma = (float)Number(spec.Acting, "gamma"),
            Epsilon = (float)Number(spec.Acting, "epsilon"),
            EpsilonAlpha = (float)Number(spec.Acting, "epsilon_alpha"),
            EpsilonSlots = (int)Number(spec.Acting, "epsilon_slots"),
            EpsilonDecaySteps = (long)Number(spec.Acting, "epsilon_decay_steps"),
            Hidden = Hidden(spec),
        };
    }

    private static int[] Hidden(RunSpec spec)
    {
        if (spec.Model is null || !spec.Model.Fields.TryGetValue("hidden", out var v) || v.ListValue is null)
            throw new ArgumentException("Run spec: model.hidden is missing.");
        return [.. v.ListValue.Values.Select(x => checked((int)x.NumberValue))];
    }

    private static double Number(Struct? s, string key) =>
        s is not null && s.Fields.TryGetValue(key, out var v) && v.KindCase == Value.KindOneofCase.NumberValue
            ? v.NumberValue
            : throw new ArgumentException($"Run spec: acting.{key} is missing or not a number.");
}
