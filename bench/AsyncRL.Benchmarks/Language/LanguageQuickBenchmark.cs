using AsyncRL.Algorithms.Dpo;
using AsyncRL.Algorithms.Language;
using AsyncRL.Algorithms.PpoLm;
using AsyncRL.Environments.Language;
using AsyncRL.Models;
using AsyncRL.Models.Backend;
using AsyncRL.Models.Nn;

namespace AsyncRL.Benchmarks.Language;

/// <summary>
/// The language policy (TinyGpt d = 64, 2 layers, 4 heads, vocabulary 23, context 11: the arith policy) on one
/// core: KV-cache generation of 64 completions of 5 tokens after 6-token prompts at T = 0.7 with per-token
/// log-probs (an actor's mini-batch), and the learner's real update steps on such a mini-batch — online DPO (32
/// pairs, policy and reference) and PPO-LM (policy, reference and value model). Training tokens are the positions
/// the policy is trained on, 64 × (6 + 5 − 1). Compare with bench/pytorch/lm_bench.py on the same machine.
/// </summary>
public sealed class LanguageQuickBenchmark : IQuickBenchmark
{
    private const int Rows = 64;

    /// <inheritdoc/>
    public string Name => "lm";

    /// <inheritdoc/>
    public void Run(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        Gemm.SetThreads(1);
        var task = new ArithTask(1);
        var model = new LanguageModelOptions();
        var policy = new TinyGpt(model.ConfigFor(task), new Generator(1));
        int tp = task.PromptLength, tc = task.CompletionLength;
        output.WriteLine($"policy: {policy.ParameterCount:N0} parameters, context {policy.Config.ContextLength}, one core (BLAS threads 1)");

        var prompts = new int[Rows * tp];
        var rng = new Generator(2);
        for (int r = 0; r < Rows; r++) task.SampleTrainingPrompt(rng, prompts.AsSpan(r * tp, tp));
        var sampler = new CompletionSampler(policy);
        var (gen, _) = QuickTimer.Measure(() => sampler.Generate(prompts, Rows, tc, 0.7f, rng, stopAtEos: false), budgetSeconds: 3, rounds: 5);
        output.WriteLine($"generate 64×5 (KV cache)  : {gen * 1e3,8:F2} ms  ({Rows * tc / gen,10:N0} generated tokens/s)");

        // One mini-batch with K = 2, rewarded so that every pair counts (DPO then trains on all 64 rows).
        var completions = sampler.Generate(prompts, Rows, tc, 0.7f, rng, stopAtEos: false);
        for (int g = 0; g < Rows / 2; g++) prompts.AsSpan(2 * g * tp, tp).CopyTo(prompts.AsSpan((2 * g + 1) * tp, tp));
        var batch = new LanguageBatch(tp, 2, prompts, completions, new long[Rows]);
        int tokens = Rows * (tp + tc - 1);
        foreach (var (name, objective, k) in new (string, Func<TinyGpt, ILanguageObjective>, int)[]
                 {
                     ("dpo update", _ => new DpoObjective(0.1f), 2),
                     ("ppo-lm update", sft => new PpoLmObjective(new PpoLmSettings(), sft, new Generator(4)), 1),
                 })
        {
            var reference = new TinyGpt(policy.Config, new Generator(3));
            using var learner = new LanguageLearner(new TinyGpt(policy.Config, new Generator(1)), reference, new AlternatingRewarder(), objective(reference),
                new LanguageLearnerSettings());
            var rowsBatch = batch with { K = k };
            var (step, _) = QuickTimer.Measure(() => learner.Update(rowsBatch, 0), budgetSeconds: 3, rounds: 5);
            output.WriteLine($"{name,-14} (64 rows)     : {step * 1e3,8:F2} ms  ({tokens / step,10:N0} training tokens/s, {Rows / step,8:N0} completions/s)");
        }
    }

    /// <summary>Rewards 1, 0, 1, 0, …: every DPO pair is ordered, so the step does its full work.</summary>
    private sealed class AlternatingRewarder : ICompletionRewarder
    {
        public float[] Rewards(LanguageBatch batch) => [.. Enumerable.Range(0, batch.Rows).Select(r => r % 2 == 0 ? 1f : 0f)];
    }
}
