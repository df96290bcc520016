namespace AsyncRL.Algorithms.Language;

/// <summary>Supervised fine-tuning on a task's demonstrations (drawn afresh every step, so there is no epoch).</summary>
/// <param name="Steps">Gradient steps.</param>
/// <param name="BatchSize">Demonstrations per step.</param>
/// <param name="LearningRate">AdamW's rate, annealed linearly to a tenth over the steps.</param>
public sealed record SftOptions(int Steps = 1500, int BatchSize = 64, float LearningRate = 2e-3f)
{
    /// <summary>Throws when a value is out of range.</summary>
    public void Validate()
    {
        if (Steps < 0 || BatchSize < 1 || !(LearningRate > 0))
            throw new ArgumentException($"SFT: steps must be ≥ 0, the batch and learning rate positive: {this}.");
    }
}
