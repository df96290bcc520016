namespace AsyncRL.Cli.Lifetime;

/// <summary>
/// Named points a command passes from start to exit (parsing, preparing the SFT model, restoring a checkpoint,
/// serving, joining the cluster, training, lingering, …); the nodes report theirs through their options. For the signal tests,
/// <c>ASYNCRL_TEST_PAUSE_AT=PHASE</c> holds the process at that point until a signal arrives, then lets it go on:
/// the signal lands exactly in that phase, and what comes after must notice it and stop in order.
/// </summary>
internal static class StartupPhases
{
    /// <summary>The environment variable naming the phase to pause at (tests only).</summary>
    public const string PauseVariable = "ASYNCRL_TEST_PAUSE_AT";

    /// <summary>The line printed (to standard error) when the process holds at a phase: the tests wait for it.</summary>
    public const string PausedLine = "asyncrl-test: paused at phase ";

    /// <summary>The longest a pause holds when no signal comes.</summary>
    private static readonly TimeSpan MaxPause = TimeSpan.FromSeconds(60);

    private static string? _pauseAt = Environment.GetEnvironmentVariable(PauseVariable);

    /// <summary>Parsing the command line (the first phase, right after the signals are taken).</summary>
    public const string Parse = "parse";

    /// <summary>Building the algorithm: for language tasks, training the SFT model (and gold-rm's proxy reward model).</summary>
    public const string Prepare = "prepare";

    /// <summary>Starting the node's actor system (joining the cluster starts here).</summary>
    public const string Cluster = "cluster";

    /// <summary>Training (the learner's loop runs).</summary>
    public const string Train = "train";

    /// <summary><c>asyncrl cluster</c>: asking the members how they do, and printing it.</summary>
    public const string Print = "print";

    /// <summary><c>asyncrl sweep</c>: its runs are under way.</summary>
    public const string Runs = "runs";

    /// <summary>Lingering after a finished run (<c>--linger</c>).</summary>
    public const string Linger = "linger";

    /// <summary>Marks <paramref name="phase"/> as reached; holds there when the tests asked to.</summary>
    public static void Reach(string phase)
    {
        if (!string.Equals(phase, _pauseAt, StringComparison.Ordinal) || ProcessShutdown.Current is not { } shutdown) return;
        _pauseAt = null; // once: a phase reached again (a restarted system) goes on
        Console.Error.WriteLine(PausedLine + phase);
        shutdown.WaitForSignal(MaxPause);
    }
}
