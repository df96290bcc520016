using AsyncRL.Models.Engine;
using AsyncRL.Models.Nn;

namespace AsyncRL.Algorithms.Language;

/// <summary>Rows of prompt ‖ completion to score: prompts [Rows, Tp], completions [Rows, Tc], lengths with EOS.</summary>
public sealed record SequenceRows(int[] Prompts, int PromptLength, int[] Completions, int[] Lengths)
{
    /// <summary>Rows.</summary>
    public int Rows => Lengths.Length;

    /// <summary>Tc.</summary>
    public int CompletionLength => Completions.Length / Rows;

    /// <summary>A mini-batch's prompts and completions.</summary>
    public static SequenceRows Of(LanguageBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return new(batch.Prompts, batch.PromptLength, batch.Completions.Tokens, batch.Completions.Lengths);
    }
}

/// <summary>
/// One forward pass with its graph kept for <see cref="ILanguageEngine.Step"/>: what an objective's loss and its
/// gradient are computed from on the host. Disposing it without a step drops the graph.
/// </summary>
public interface ILanguagePass : IDisposable
{
    /// <summary>log π per token at the pass's temperature, [rows·Tc], 0 past each end (empty for a reward pass).</summary>
    float[] LogProbs { get; }

    /// <summary>The value model's V per token, [rows·Tc] (before each completion token, unmasked), or a reward pass's r(x, y), [rows]; null without a scalar.</summary>
    float[]? Scalars { get; }
}

/// <summary>What one optimizer step did; <paramref name="Skipped"/> when a gradient was not finite (nothing changed).</summary>
public readonly record struct LanguageStepResult(float GradNorm, bool Skipped);

/// <summary>AdamW and clipping settings of a <see cref="ILanguageEngine"/>.</summary>
/// <param name="LearningRate">AdamW's rate.</param>
/// <param name="WeightDecay">Decoupled weight decay λ.</param>
/// <param name="MaxGradNorm">Global norm the gradients are clipped to, over every trained parameter (∞: none).</param>
public sealed record LanguageEngineSettings(float LearningRate, float WeightDecay = 0f, float MaxGradNorm = float.PositiveInfinity);

/// <summary>
/// The seam between the language objectives and a tensor engine. The objectives compute their loss and its gradient
/// with respect to the per-token log-probabilities (and scalars) on the host, as pure functions; the engine runs the
/// TinyGpt forward passes, backpropagates that upstream gradient g (the surrogate Σ g·log π has gradient g), clips the
/// global norm over all trained parameters and steps AdamW. So both engines run the same objective math. The host
/// models (<see cref="Model"/>, <see cref="ValueModel"/>) hold the weights the rest of the system sees: published,
/// checkpointed, used for generation and greedy scoring.
/// </summary>
public interface ILanguageEngine : IDisposable
{
    /// <summary>The trained model's host twin (the policy, SFT model or reward model).</summary>
    TinyGpt Model { get; }

    /// <summary>A scalar-head model trained alongside (PPO's value model), or null.</summary>
    TinyGpt? ValueModel { get; }

    /// <summary>The learning rate of the next step.</summary>
    float LearningRate { get; set; }

    /// <summary>Per-token log π of <see cref="Model"/> at <paramref name="temperature"/>, [rows·Tc], without gradients.</summary>
    float[] Evaluate(SequenceRows rows, float temperature);

    /// <summary>Per-token log π of <see cref="Model"/> (and V of <see cref="ValueModel"/>), keeping the graph.</summary>
    ILanguagePass Forward(SequenceRows rows, float temperature);

    /// <summary><see cref="Model"/>'s scalar head at each completion's last token (a reward model's r), keeping the graph.</summary>
    ILanguagePass Rewards(SequenceRows rows);

    /// <summary>
    /// Backpropagates ∂L/∂log π (<paramref name="logProbGradient"/>, may be empty for a reward pass) and ∂L/∂scalar through
    /// <paramref name="pass"/>, clips, and takes one AdamW step; a non-finite gradient skips it. Disposes the pass.
    /// </summary>
    LanguageStepResult Step(ILanguagePass pass, float[] logProbGradient, float[]? scalarGradient);

    /// <summary>Brings the host models up to date with the engine's weights.</summary>
    void PushToHost();

    /// <summary>Takes the host models' weights into the engine (after a checkpoint restore).</summary>
    void PullFromHost();

    /// <summary>The optimizer state, under the managed optimizer's names whichever engine runs.</summary>
    IReadOnlyDictionary<string, Tensor> OptimizerState();

    /// <summary>Restores an optimizer state written by either engine.</summary>
    void LoadOptimizerState(IReadOnlyDictionary<string, Tensor> state);
}

/// <summary>Picks the engine a language model trains on.</summary>
public static class LanguageEngines
{
    /// <summary>The engine <paramref name="engine"/> names, training <paramref name="model"/> (and <paramref name="valueModel"/>).</summary>
    public static ILanguageEngine Create(ModelEngine engine, TinyGpt model, TinyGpt? valueModel, LanguageEngineSettings settings)
    {
        ArgumentNullException.ThrowIfNull(engine);
        return engine.Backend switch
        {
            ModelBackend.Managed => new ManagedLanguageEngine(model, valueModel, settings),
            ModelBackend.Torch => new TorchLanguageEngine(model, valueModel, settings, engine.Device),
            _ => throw new ArgumentOutOfRangeException(nameof(engine), engine.Backend, "Unknown backend."),
        };
    }

    /// <summary>Whether every value is finite (an upstream gradient worth stepping on).</summary>
    internal static bool AllFinite(ReadOnlySpan<float> values)
    {
        foreach (var v in values) if (!float.IsFinite(v)) return false;
        return true;
    }
}
