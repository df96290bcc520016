namespace AsyncRL.Models.Optim;

/// <summary>Learning rate falling linearly from its initial value to zero over a fixed number of updates (as CleanRL's PPO).</summary>
public sealed class LinearAnnealing
{
    /// <summary>Creates the schedule.</summary>
    public LinearAnnealing(float initialLearningRate, long totalUpdates, float finalFraction = 0f)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(totalUpdates);
        if (finalFraction is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(finalFraction), $"finalFraction must be in [0, 1], got {finalFraction}.");
        InitialLearningRate = initialLearningRate;
        TotalUpdates = totalUpdates;
        FinalFraction = finalFraction;
    }

    /// <summary>lr at update 0.</summary>
    public float InitialLearningRate { get; }

    /// <summary>Updates over which it anneals.</summary>
    public long TotalUpdates { get; }

    /// <summary>Fraction of the initial rate kept at the end.</summary>
    public float FinalFraction { get; }

    /// <summary>lr for a zero-based update index: lr₀·(1 − t/T), floored at the final fraction.</summary>
    public float At(long update)
    {
        double frac = 1.0 - Math.Clamp((double)update / TotalUpdates, 0, 1);
        return (float)(InitialLearningRate * Math.Max(frac, FinalFraction));
    }

    /// <summary>Sets the optimizer's learning rate for this update.</summary>
    public void Apply(Optimizer optimizer, long update)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        optimizer.LearningRate = At(update);
    }
}
