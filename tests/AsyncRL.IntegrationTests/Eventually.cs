namespace AsyncRL.IntegrationTests;

/// <summary>Bounded waits for what separate processes do in their own time.</summary>
internal static class Eventually
{
    /// <summary>How long a multi-process test waits for any one thing.</summary>
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(90);

    /// <summary>Polls <paramref name="condition"/> until it holds; past <paramref name="wait"/> (default <see cref="Wait"/>), fails with the processes' output.</summary>
    public static async Task UntilAsync(Func<bool> condition, Func<string> diagnostics, TimeSpan? wait = null)
    {
        var deadline = DateTime.UtcNow + (wait ?? Wait);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("condition not met. Output:\n" + diagnostics());
            await Task.Delay(200);
        }
    }
}
