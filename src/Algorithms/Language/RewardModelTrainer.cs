using AsyncRL.Environments.Language;
using AsyncRL.Models.Engine;
using AsyncRL.Models.Nn;

namespace AsyncRL.Algorithms.Language;

/// <summary>What fitting a proxy reward model gave.</summary>
/// <param name="Model">The reward model, normalised on SFT samples.</param>
/// <param name="TrainAccuracy">Share of training pairs it orders as the judge did.</param>
/// <param name="ValidationAccuracy">The same on pairs of other prompts.</param>
/// <param name="FinalLoss">Mean Bradley–Terry loss of the last epoch.</param>
public sealed record RewardModelFit(RewardModel Model, double TrainAccuracy, double ValidationAccuracy, float FinalLoss);

/// <summary>
/// Fits a proxy reward model (Bradley–Terry) to pairs of SFT samples that a judge labelled, as the TL;DR protocol
/// trains its proxy RM on gold-labelled pairs. The model starts from the SFT weights (a fresh scalar head), as
/// reward models usually start from the SFT model.
/// </summary>
public static class RewardModelTrainer
{
    /// <summary>
    /// Samples and labels pairs, trains on <paramref name="engine"/> (null: ours), measures accuracy, and normalises on samples at
    /// <paramref name="policyTemperature"/> (sampling and measuring on the host model).
    /// </summary>
    public static RewardModelFit Train(TinyGpt sft, ILanguageTask task, Func<int[], int[], double> judge, RewardModelOptions options,
        float policyTemperature, Generator rng, ModelEngine? engine = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sft);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var train = PreferencePairs.Sample(sft, task, judge, options.Pairs, options.SampleTemperature, rng);
        var validation = PreferencePairs.Sample(sft, task, judge, options.ValidationPairs, options.SampleTemperature, rng);
        var model = new TinyGpt(sft.Config with { ScalarHead = true }, rng.Fork());
        model.LoadStateDict(sft.StateDict(), strict: false);
        using var trainer = LanguageEngines.Create(engine ?? ModelEngine.Managed, model, null, new LanguageEngineSettings(options.LearningRate, WeightDecay: 0.01f));
        var order = Enumerable.Range(0, train.Count).ToArray();
        float lastLoss = 0;
        for (int epoch = 0; epoch < options.Epochs; epoch++)
        {
            Shuffle(order, rng);
            double sum = 0;
            int batches = 0;
            for (int start = 0; start < order.Length; start += options.BatchSize)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var indices = order.AsSpan(start, Math.Min(options.BatchSize, order.Length - start));
                var (prompts, completions, lengths) = train.Stacked(indices);
                using var pass = trainer.Rewards(new SequenceRows(prompts, train.PromptLength, completions, lengths));
                int n = indices.Length;
                var raw = pass.Scalars!;
                var bt = BradleyTerry.Loss(raw.AsSpan(0, n), raw.AsSpan(n, n));
                trainer.Step(pass, [], [.. bt.ChosenGradient, .. bt.RejectedGradient]);
                sum += bt.Loss;
                batches++;
            }
            lastLoss = (float)(sum / batches);
        }
        trainer.PushToHost();
        var (mean, std) = Normalisation(model, sft, task, policyTemperature, rng);
        var rm = new RewardModel(model, mean, std);
        return new RewardModelFit(rm, Accuracy(model, train), Accuracy(model, validation), lastLoss);
    }

    /// <summary>Share of pairs whose chosen completion the model rewards more.</summary>
    public static double Accuracy(TinyGpt model, PreferencePairs pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        int right = 0;
        using var noGrad = Autograd.NoGrad();
        for (int start = 0; start < pairs.Count; start += 250)
        {
            int k = Math.Min(250, pairs.Count - start);
            using var scope = DisposeScope.Begin();
            var (prompts, completions, lengths) = pairs.Stacked(Enumerable.Range(start, k).ToArray());
            var raw = RewardModel.Raw(model, prompts, pairs.PromptLength, completions, lengths).Data;
            for (int j = 0; j < k; j++) if (raw[j] > raw[k + j]) right++;
        }
        return (double)right / pairs.Count;
    }

    /// <summary>Mean and standard deviation of the raw reward of SFT samples at the policy's temperature.</summary>
    private static (float Mean, float Std) Normalisation(TinyGpt model, TinyGpt sft, ILanguageTask task, float temperature, Generator rng)
    {
        const int Rows = 512;
        var prompts = new int[Rows * task.PromptLength];
        for (int r = 0; r < Rows; r++) task.SampleTrainingPrompt(rng, prompts.AsSpan(r * task.PromptLength, task.PromptLength));
        var c = new CompletionSampler(sft).Generate(prompts, Rows, task.CompletionLength, temperature, rng);
        float[] raw;
        using (Autograd.NoGrad())
        using (DisposeScope.Begin())
            raw = RewardModel.Raw(model, prompts, task.PromptLength, c.Tokens, c.Lengths).ToArray();
        double mean = raw.Average();
        double std = Math.Sqrt(raw.Sum(v => (v - mean) * (v - mean)) / (raw.Length - 1));
        return ((float)mean, (float)Math.Max(std, 1e-3));
    }

    private static void Shuffle(int[] order, Generator rng)
    {
        for (int i = order.Length - 1; i > 0; i--)
        {
            int j = rng.NextInt(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
    }
}
