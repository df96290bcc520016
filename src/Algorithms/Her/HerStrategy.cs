namespace AsyncRL.Algorithms.Her;

/// <summary>Which achieved goal replaces the desired one (Andrychowicz et al. 2017, §4.5).</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<HerStrategy>))]
public enum HerStrategy
{
    /// <summary>A goal achieved later in the same episode (after step t, up to its end).</summary>
    [System.Text.Json.Serialization.JsonStringEnumMemberName("future")]
    Future,

    /// <summary>The goal achieved at the end of the episode.</summary>
    [System.Text.Json.Serialization.JsonStringEnumMemberName("final")]
    Final,

    /// <summary>A goal achieved anywhere in the episode.</summary>
    [System.Text.Json.Serialization.JsonStringEnumMemberName("episode")]
    Episode,
}

/// <summary>The relabelling choice, as small pure functions.</summary>
public static class HerRelabel
{
    /// <summary>The probability a sampled transition is relabelled: k/(k + 1), so k relabelled per original (k = 4: 0.8).</summary>
    public static double RelabelProbability(int k) => k <= 0 ? 0 : k / (k + 1.0);

    /// <summary>
    /// The step t′ whose achieved goal (the state after step t′) becomes the goal of transition t in an episode
    /// of <paramref name="length"/> steps: future t′ ~ U{t, …, T−1}, final T−1, episode t′ ~ U{0, …, T−1}.
    /// </summary>
    public static int GoalStep(HerStrategy strategy, int t, int length, Generator rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        if ((uint)t >= (uint)length) throw new ArgumentOutOfRangeException(nameof(t), $"HER: step {t} of an episode of {length}.");
        return strategy switch
        {
            HerStrategy.Future => t + rng.NextInt(length - t),
            HerStrategy.Final => length - 1,
            HerStrategy.Episode => rng.NextInt(length),
            _ => throw new ArgumentOutOfRangeException(nameof(strategy), strategy, "Unknown HER strategy."),
        };
    }

    /// <summary>Parses <c>future</c>, <c>final</c> or <c>episode</c>.</summary>
    public static HerStrategy Parse(string text) => text?.ToUpperInvariant() switch
    {
        "FUTURE" => HerStrategy.Future,
        "FINAL" => HerStrategy.Final,
        "EPISODE" => HerStrategy.Episode,
        _ => throw new ArgumentException($"HER strategy '{text}' is not one of future, final, episode."),
    };
}
