using AsyncRL.Contracts.V1;
using Google.Protobuf.WellKnownTypes;
using WireEnvSpec = AsyncRL.Contracts.V1.EnvSpec;

namespace AsyncRL.Algorithms;

/// <summary>
/// What every algorithm's run spec shares: the skeleton a learner fills (algorithm, environment, seed, lag, rows per
/// batch, empty <c>acting</c> and <c>model</c> sections) and reading numbers and hidden sizes back on the actor side
/// with an error that names the missing field.
/// </summary>
public static class RunSpecFields
{
    /// <summary>A run spec with the common fields set and empty <c>acting</c> and <c>model</c> sections.</summary>
    public static RunSpec Create(string algorithm, WireEnvSpec env, ulong seed, uint lag, uint maxStaleness, int rowsPerBatch, SampleSchema schema)
    {
        ArgumentNullException.ThrowIfNull(env);
        ArgumentNullException.ThrowIfNull(schema);
        var spec = new RunSpec
        {
            Algorithm = algorithm,
            Env = env,
            Seed = seed,
            Lag = lag,
            MaxStaleness = maxStaleness,
            WeightsEncoding = WeightsEncoding.F32,
            RowsPerBatch = checked((uint)rowsPerBatch),
            Acting = new Struct(),
            Model = new Struct(),
        };
        spec.Columns.AddRange(schema.Columns);
        return spec;
    }

    /// <summary>The wire form of an environment id with its arguments.</summary>
    public static WireEnvSpec Env(string id, IReadOnlyDictionary<string, string>? args = null, int agentCount = 1)
    {
        var env = new WireEnvSpec { Id = id, AgentCount = checked((uint)agentCount) };
        if (args is not null)
            foreach (var (key, value) in args) env.Args[key] = value;
        return env;
    }

    /// <summary>Sets <c>model.hidden</c>.</summary>
    public static void SetHidden(RunSpec spec, IEnumerable<int> hidden)
    {
        ArgumentNullException.ThrowIfNull(spec);
        spec.Model.Fields["hidden"] = Value.ForList([.. hidden.Select(h => Value.ForNumber(h))]);
    }

    /// <summary><c>model.hidden</c>; throws when it is missing.</summary>
    public static int[] Hidden(RunSpec spec)
    {
        if (spec?.Model is null || !spec.Model.Fields.TryGetValue("hidden", out var v) || v.ListValue is null)
            throw new ArgumentException("Run spec: model.hidden is missing.");
        return [.. v.ListValue.Values.Select(x => checked((int)x.NumberValue))];
    }

    /// <summary>A number of the <c>acting</c> section; throws naming it when it is missing or not a number.</summary>
    public static double Acting(RunSpec spec, string key) => Number(spec?.Acting, "acting", key);

    /// <summary>A number of the <c>model</c> section; throws naming it when it is missing or not a number.</summary>
    public static double Model(RunSpec spec, string key) => Number(spec?.Model, "model", key);

    private static double Number(Struct? s, string part, string key) =>
        s is not null && s.Fields.TryGetValue(key, out var v) && v.KindCase == Value.KindOneofCase.NumberValue
            ? v.NumberValue
            : throw new ArgumentException($"Run spec: {part}.{key} is missing or not a number.");
}
