using AsyncRL.Environments.Language;
using AsyncRL.Models.Nn;
using AsyncRL.Models.Optim;

namespace AsyncRL.Algorithms.Language;

/// <summary>Supervised fine-tuning: cross-entropy on the completion tokens of demonstrations (prompt tokens are not trained on).</summary>
public static class SftTrainer
{
    /// <summary>Trains <paramref name="model"/> in place; returns the mean loss of the last tenth of the steps.</summary>
    public static float Train(TinyGpt model, ILanguageTask task, SftOptions options, Generator rng)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(rng);
        options.Validate();
        int b = options.BatchSize, tp = task.PromptLength, tc = task.CompletionLength;
        var optimizer = new AdamW(model.Parameters(), options.LearningRate, weightDecay: 0.01f);
        var schedule = new LinearAnnealing(options.LearningRate, Math.Max(1, options.Steps), finalFraction: 0.1f);
        var prompts = new int[b * tp];
        var completions = new int[b * tc];
        var targets = new int[b * (tp + tc - 1)];
        double tailLoss = 0;
        int tail = Math.Max(1, options.Steps / 10);
        model.Train();
        for (int step = 0; step < options.Steps; step++)
        {
            Demonstrations(task, rng, prompts, completions, b);
            Targets(completions, b, tp, tc, targets);
            using var scope = DisposeScope.Begin();
            var logits = model.Forward(SequenceLogProbs.Inputs(prompts, tp, completions, b, tc), b);
            var loss = Losses.CrossEntropy(logits, targets);
            schedule.Apply(optimizer, step);
            optimizer.ZeroGrad();
            loss.Backward();
            optimizer.Step();
            if (step >= options.Steps - tail) tailLoss += loss.Item();
        }
        return (float)(tailLoss / tail);
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

    /// <summary>Next-token targets over prompt ‖ completion[..^1]: ignored (−100) on the prompt and past each EOS.</summary>
    private static void Targets(ReadOnlySpan<int> completions, int rows, int tp, int tc, Span<int> targets)
    {
        int t = tp + tc - 1;
        targets.Fill(-100);
        for (int r = 0; r < rows; r++)
        {
            var c = completions.Slice(r * tc, tc);
            int length = Vocabulary.CompletionLength(c);
            for (int i = 0; i < length; i++) targets[r * t + tp - 1 + i] = c[i];
        }
    }
}
