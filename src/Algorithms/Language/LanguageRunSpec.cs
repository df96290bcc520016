using AsyncRL.Contracts.V1;
using Google.Protobuf.WellKnownTypes;

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
        ArgumentNullException.ThrowIfNull(acting);
        var spec = RunSpecFields.Create(algorithm, RunSpecFields.Env(envId, envArgs), seed, lag, maxStaleness: 0, acting.CompletionsPerBatch, schema);
        spec.Acting.Fields["completions_per_batch"] = Value.ForNumber(acting.CompletionsPerBatch);
        spec.Acting.Fields["k"] = Value.ForNumber(acting.K);
        spec.Acting.Fields["temperature"] = Value.ForNumber(acting.Temperature);
        spec.Acting.Fields["pipeline_depth"] = Value.ForNumber(acting.PipelineDepth);
        spec.Model.Fields["dim"] = Value.ForNumber(acting.Model.Dim);
        spec.Model.Fields["layers"] = Value.ForNumber(acting.Model.Layers);
        spec.Model.Fields["heads"] = Value.ForNumber(acting.Model.Heads);
        spec.Model.Fields["mlp_ratio"] = Value.ForNumber(acting.Model.MlpRatio);
        return spec;
    }

    /// <summary>The acting settings a run spec carries; throws naming a missing field.</summary>
    public static LanguageActing Acting(RunSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var model = new LanguageModelOptions((int)RunSpecFields.Model(spec, "dim"), (int)RunSpecFields.Model(spec, "layers"),
            (int)RunSpecFields.Model(spec, "heads"), (int)RunSpecFields.Model(spec, "mlp_ratio"));
        model.Validate();
        return new LanguageActing((int)RunSpecFields.Acting(spec, "completions_per_batch"), (int)RunSpecFields.Acting(spec, "k"),
            (float)RunSpecFields.Acting(spec, "temperature"), model, (int)RunSpecFields.Acting(spec, "pipeline_depth"));
    }
}
