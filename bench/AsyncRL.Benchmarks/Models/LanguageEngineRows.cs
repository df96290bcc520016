using AsyncRL.Algorithms.Dpo;
using AsyncRL.Algorithms.Language;
using AsyncRL.Algorithms.PpoLm;
using AsyncRL.Environments.Language;
using AsyncRL.Models;
using AsyncRL.Models.Engine;
using AsyncRL.Models.Nn;

namespace AsyncRL.Benchmarks.Models;

/// <summary>
/// The engines benchmark's language-learner rows: one whole <see cref="LanguageLearner.Update"/> of 64 arith
/// completions (today's policy, d = 64) on each engine — rewards, the host reference pass, the engine's policy
/// (and value model) forward, the objective's host math, backward, clipping, AdamW and the push to the host model.
/// </summary>
internal static class LanguageEngineRows
{
    private const int Rows = 64;

    /// <summary>Seconds per update on our engine and on torch, for <c>dpo</c> (K = 2, every pair ordered) or <c>ppo-lm</c>.</summary>
    public static (double Managed, double Torch) Update(string algorithm) =>
        (Measure(algorithm, ModelEngine.Managed), Measure(algorithm, ModelEngine.TorchCpu));

    private static double Measure(string algorithm, ModelEngine engine)
    {
        var task = new ArithTask(1);
        var config = new LanguageModelOptions().ConfigFor(task);
        int tp = task.PromptLength, tc = task.CompletionLength;
        var prompts = new int[Rows * tp];
        var rng = new Generator(2);
        for (int r = 0; r < Rows; r++) task.SampleTrainingPrompt(rng, prompts.AsSpan(r * tp, tp));
        for (int g = 0; g < Rows / 2; g++) prompts.AsSpan(2 * g * tp, tp).CopyTo(prompts.AsSpan((2 * g + 1) * tp, tp));
        var sft = new TinyGpt(config, new Generator(3));
        var completions = new CompletionSampler(sft).Generate(prompts, Rows, tc, 0.7f, rng, stopAtEos: false);
        bool dpo = algorithm == DpoObjective.AlgorithmName;
        var batch = new LanguageBatch(tp, dpo ? 2 : 1, prompts, completions, new long[Rows]);
        ILanguageObjective objective = dpo ? new DpoObjective(0.1f) : new PpoLmObjective(new PpoLmSettings(), sft, new Generator(4));
        using var learner = new LanguageLearner(new TinyGpt(config, new Generator(1)), sft, new AlternatingRewarder(), objective, new LanguageLearnerSettings(), engine);
        var (seconds, _) = QuickTimer.Measure(() => learner.Update(batch, 0), budgetSeconds: 3, rounds: 5);
        return seconds;
    }

    /// <summary>Rewards 1, 0, 1, 0, …: every DPO pair is ordered, so the step does its full work.</summary>
    private sealed class AlternatingRewarder : ICompletionRewarder
    {
        public float[] Rewards(LanguageBatch batch) => [.. Enumerable.Range(0, batch.Rows).Select(r => r % 2 == 0 ? 1f : 0f)];
    }
}
