namespace AsyncRL.Actors;

/// <summary>Exponential backoff with jitter, capped: how long to wait before the next attempt after a failure.</summary>
public sealed record BackoffOptions
{
    /// <summary>Median delay before the first retry; later ones grow exponentially.</summary>
    public TimeSpan InitialDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Largest delay between two attempts.</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Throws when a value is out of range.</summary>
    public void Validate()
    {
        if (InitialDelay <= TimeSpan.Zero) throw new ArgumentException($"Backoff: the initial delay must be positive, got {InitialDelay}.");
        if (MaxDelay < InitialDelay) throw new ArgumentException($"Backoff: the max delay ({MaxDelay}) is below the initial delay ({InitialDelay}).");
    }
}
