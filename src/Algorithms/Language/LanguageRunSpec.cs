using AsyncRL.Contracts.V1;
using Google.Protobuf.WellKnownTypes;
using WireEnvSpec = AsyncRL.Contracts.V1.EnvSpec;

namespace AsyncRL.Algorithms.Language;

/// <summary>What an actor needs to generate for a language run.</summary>
/// <param name="CompletionsPerBatch">Completions per mini-batch.</param>
/// <param name="K">Completions per prompt.</param>
/// <param name="Temperature">Sampling temperature.</param>
/// <param name="Model">The policy's shape.</param>
/// <param name="PipelineDepth">Fragments an actor may have generated ahead of the newest version (see <see cref="LanguageRunSpec"/>).</param>
public sealed record LanguageActing(int CompletionsPerBatch, int K, float Temperature, LanguageModelOptions Model, int PipelineDepth);

/// <summary>
/// How a language run's acting settings travel in a <see cref="RunSpec"/>: batch size, K, temperature and the
/// pipeline depth in <c>acting</c>, the TinyGpt shape in <c>model</c>, the task in <c>env</c>. Actors derive the
/// task's held-out prompts (which they never draw) from the run's seed.
/// </summary>
public static class LanguageRunSpec
{
    /// <summary>
    /// The asynchronous schedule of Noukhovitch et al. (2025): an actor generates mini-batch i + 1 with θ_i while the
    /// learner trains on mini-batch i, and never runs further ahead — every sample is exactly one update old.
    /// </summary>
    public const int AsyncPipelineDepth = 2;

    /// <summary>Builds the run spec a learner hands to registering actors.</summary>
    public static RunSpec Create(string algorithm, string envId, IReadOnlyDictionary<string, string> envArgs, SampleSchema schema,
        LanguageActing acting, ulong seed, uint lag)
    {
        ArgumentNullException.ThrowIfNull(envArgs);
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(acting);
        var env = new WireEnvSpec { Id = envId, AgentCount = 1 };
        foreach (var (key, value) in envArgs) env.Args[key] = value;
        var spec = new RunSpec
        {
            Algorithm = algorithm,
            Env = env,
            Seed = seed,
            Lag = lag,
            WeightsEncoding = WeightsEncoding.F32,
            RowsPerBatch = (uint)acting.CompletionsPerBatch,
            Acting = new Struct(),
            Model = new Struct(),
        };
        spec.Acting.Fields["completions_per_batch"] = Value.ForNumber(acting.CompletionsPerBatch);
        spec.Acting.Fields["k"] = Value.ForNumber(acting.K);
        spec.Acting.Fields["temperature"] = Value.ForNumber(acting.Temperature);
        spec.Acting.Fields["pipeline_depth"] = Value.ForNumber(acting.PipelineDepth);
        spec.Model.Fields["dim"] = Value.ForNumber(acting.Model.Dim);
        spec.Model.Fields["layers"] = Value.ForNumber(acting.Model.Layers);
        spec.Model.Fields["heads"] = Value.ForNumber(acting.Model.Heads);
        spec.Model.Fields["mlp_ratio"] = Value.ForNumber(acting.Model.MlpRatio);
        spec.Columns.AddRange(schema.Columns);
        return spec;
    }

    /// <summary>The acting settings a run spec carries; throws naming a missing field.</summary>
    public static LanguageActing Acting(RunSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var model = new LanguageModelOptions((int)Number(spec.Model, "model", "dim"), (int)Number(spec.Model, "model", "layers"),
            (int)Number(spec.Model, "model", "heads"), (int)Number(spec.Model, "model", "mlp_ratio"));
        model.Validate();
        return new LanguageActing((int)Number(spec.Acting, "acting", "completions_per_batch"), (int)Number(spec.Acting, "acting", "k"),
            (float)Number(spec.Acting, "acting", "temperature"), model, (int)Number(spec.Acting, "acting", "pipeline_depth"));
    }

    private static double Number(Struct? s, string part, string key) =>
        s is not null && s.Fields.TryGetValue(key, out var v) && v.KindCase == Value.KindOneofCase.NumberValue
            ? v.NumberValue
            : throw new ArgumentException($"Run spec: {part}.{key} is missing or not a number.");
}
