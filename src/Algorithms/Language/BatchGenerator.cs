using AsyncRL.Environments.Language;
using AsyncRL.Models.Nn;

namespace AsyncRL.Algorithms.Language;

/// <summary>
/// Generates mini-batches as an actor does: B training prompts drawn with its own generator, K completions of
/// each sampled with the KV cache at the RL temperature, rows grouped by prompt, stamped with the policy version.
/// </summary>
public sealed class BatchGenerator
{
    private readonly ILanguageTask _task;
    private readonly CompletionSampler _sampler;
    private readonly Generator _rng;
    private readonly float _temperature;
    private readonly int[] _prompt;

    /// <summary>A generator over <paramref name="policy"/> (whose weights the caller updates between batches).</summary>
    public BatchGenerator(ILanguageTask task, TinyGpt policy, int completionsPerBatch, int k, float temperature, Generator rng)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(rng);
        if (k < 1 || completionsPerBatch < k || completionsPerBatch % k != 0)
            throw new ArgumentException($"{completionsPerBatch} completions per batch do not split into prompts of K = {k}.");
        _task = task;
        _sampler = new CompletionSampler(policy);
        _rng = rng;
        _temperature = temperature;
        K = k;
        Rows = completionsPerBatch;
        _prompt = new int[task.PromptLength];
    }

    /// <summary>Completions per prompt.</summary>
    public int K { get; }

    /// <summary>Completions per batch.</summary>
    public int Rows { get; }

    /// <summary>The next mini-batch, generated with the weights the policy holds now (version <paramref name="policyVersion"/>).</summary>
    public LanguageBatch Next(long policyVersion)
    {
        int tp = _task.PromptLength;
        var prompts = new int[Rows * tp];
        for (int g = 0; g < Rows / K; g++)
        {
            _task.SampleTrainingPrompt(_rng, _prompt);
            for (int j = 0; j < K; j++) _prompt.CopyTo(prompts, (g * K + j) * tp);
        }
        var completions = _sampler.Generate(prompts, Rows, _task.CompletionLength, _temperature, _rng);
        return new LanguageBatch(tp, K, prompts, completions, Enumerable.Repeat(policyVersion, Rows).ToArray());
    }
}
