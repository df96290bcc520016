namespace AsyncRL.Algorithms.Language;

/// <summary>How the language learner's rate moves over a run.</summary>
public enum LearningRateSchedule
{
    /// <summary>η stays η₀ (the default).</summary>
    Constant,

    /// <summary>
    /// η falls linearly from η₀ to 0 over the run's updates, as Hugging Face's <c>linear</c> scheduler without warm-up
    /// does in the "Asynchronous RLHF" paper's trainers (learning rate 3·10⁻⁶ for its Pythia policies).
    /// </summary>
    Linear,
}

/// <summary>The rate of the u-th update.</summary>
public static class LearningRates
{
    /// <summary>Parses <c>constant</c> or <c>linear</c> (case-insensitive).</summary>
    public static LearningRateSchedule Parse(string text) => text?.Trim().ToLowerInvariant() switch
    {
        "constant" => LearningRateSchedule.Constant,
        "linear" => LearningRateSchedule.Linear,
        _ => throw new ArgumentException($"Unknown learning-rate schedule '{text}' (known: constant, linear)."),
    };

    /// <summary>The name <see cref="Parse"/> takes.</summary>
    public static string Name(LearningRateSchedule schedule) => schedule.ToString().ToLowerInvariant();

    /// <summary>
    /// η_u for update u = 0, 1, … of <paramref name="totalUpdates"/>: η₀ when constant; η₀ · (T − u) / T when linear,
    /// so the first update takes η₀ and the last η₀ / T (never 0, and 0 only past the planned run).
    /// </summary>
    public static float Eta(LearningRateSchedule schedule, float eta0, long update, long totalUpdates)
    {
        if (schedule == LearningRateSchedule.Constant) return eta0;
        if (totalUpdates < 1) throw new ArgumentOutOfRangeException(nameof(totalUpdates), "A linear schedule needs the run's number of updates.");
        double remaining = Math.Clamp(totalUpdates - update, 0, totalUpdates) / (double)totalUpdates;
        return (float)(eta0 * remaining);
    }
}
