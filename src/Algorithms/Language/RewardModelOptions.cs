namespace AsyncRL.Algorithms.Language;

/// <summary>How the proxy reward model of <c>gold-rm</c> is fitted: pairs of SFT samples labelled by the gold judge.</summary>
/// <param name="Pairs">Training pairs (ties under the gold judge are drawn again).</param>
/// <param name="ValidationPairs">Pairs on other prompts, for the accuracy reported.</param>
/// <param name="Epochs">Passes over the training pairs.</param>
/// <param name="BatchSize">Pairs per gradient step.</param>
/// <param name="LearningRate">AdamW's rate.</param>
/// <param name="SampleTemperature">Temperature the SFT policy samples the pairs' completions at.</param>
public sealed record RewardModelOptions(int Pairs = 8000, int ValidationPairs = 1000, int Epochs = 3, int BatchSize = 64,
    float LearningRate = 1e-3f, float SampleTemperature = 1f)
{
    /// <summary>Throws when a value is out of range.</summary>
    public void Validate()
    {
        if (Pairs < 1 || ValidationPairs < 1 || Epochs < 1 || BatchSize < 1 || !(LearningRate > 0) || !(SampleTemperature > 0))
            throw new ArgumentException($"Reward model: every count and rate must be positive: {this}.");
    }
}
