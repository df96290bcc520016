using AsyncRL.Environments.Language;
using AsyncRL.Models.Engine;
using AsyncRL.Models.Nn;
using AsyncRL.Models.Optim;

namespace AsyncRL.Algorithms.Language;

/// <summary>Supervised fine-tuning: cross-entropy on the completion tokens of demonstrations (prompt tokens are not trained on).</summary>
public static class SftTrainer
{
    /// <summary>
    /// Trains <paramref name="model"/> in place on <paramref name="engine"/> (null: ours); returns the mean loss of the last
    /// tenth of the steps. Cancelling stops between steps (a process asked to stop while it prepares).
    /// </summary>
    public static float Train(TinyGpt model, ILanguageTask task, SftOptions options, Generator rng, ModelEngine? engine = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(rng);
        options.Validate();
        int b = options.BatchSize, tp = task.PromptLength, tc = task.CompletionLength;
        using var trainer = LanguageEngines.Create(engine ?? ModelEngine.Managed, model, null, new LanguageEngineSettings(options.LearningRate, WeightDecay: 0.01f));
        var schedule = new LinearAnnealing(options.LearningRate, Math.Max(1, options.Steps), finalFraction: 0.1f);
        var prompts = new int[b * tp];
        var completions = new int[b * tc];
        var lengths = new int[b];
        double tailLoss = 0;
        int tail = Math.Max(1, options.Steps / 10);
        model.Train();
        for (int step = 0; step < options.Steps; step++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Demonstrations(task, rng, prompts, completions, b);
            for (int r = 0; r < b; r++) lengths[r] = Vocabulary.CompletionLength(completions.AsSpan(r * tc, tc));
            using var pass = trainer.Forward(new SequenceRows(prompts, tp, completions, lengths), 1f);
            var (loss, gradient) = CrossEntropy(pass.LogProbs, Completions.Mask(lengths, tc));
            trainer.LearningRate = schedule.At(step);
            trainer.Step(pass, gradient, null);
            if (step >= options.Steps - tail) tailLoss += loss;
        }
        trainer.PushToHost();
        return (float)(tailLoss / tail);
    }

    /// <summary>
    /// Mean next-token cross-entropy over the completion tokens, L = −Σ m_t log π(y_t) / Σ m, and ∂L/∂log π(y_t) = −m_t / Σ m
    /// (prompt tokens and those past each EOS are not trained on).
    /// </summary>
    public static (double Loss, float[] Gradient) CrossEntropy(ReadOnlySpan<float> logProbs, ReadOnlySpan<float> mask)
    {
        double tokens = 0;
        foreach (var m in mask) tokens += m;
        tokens = Math.Max(1.0, tokens);
        var gradient = new float[logProbs.Length];
        double sum = 0;
        for (int i = 0; i < logProbs.Length; i++)
        {
            sum += mask[i] * logProbs[i];
            gradient[i] = (float)(-mask[i] / tokens);
        }
        return (-sum / tokens, gradient);
    }

    /// <summary>Fills <paramref name="rows"/> training prompts and their demonstrations (padded to Tc).</summary>
    internal static void Demonstrations(ILanguageTask task, Generator rng, Span<int> prompts, Span<int> completions, int rows)
    {
        int tp = task.PromptLength, tc = task.CompletionLength;
        completions.Clear();
        for (int r = 0; r < rows; r++)
        {
            var prompt = prompts.Slice(r * tp, tp);
            task.SampleTrainingPrompt(rng, prompt);
            var demo = task.Demonstrate(prompt, rng);
            demo.AsSpan(0, Math.Min(demo.Length, tc)).CopyTo(completions.Slice(r * tc, tc));
        }
    }
}
