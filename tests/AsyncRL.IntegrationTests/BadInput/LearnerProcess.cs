namespace AsyncRL.IntegrationTests.BadInput;

/// <summary>Starts <c>asyncrl learner</c> and waits until it listens.</summary>
internal static class LearnerProcess
{
    /// <summary>
    /// The learner with <paramref name="args"/> (after <c>learner</c>), exporting its metrics to <paramref name="metrics"/>
    /// when given; returns once it printed its address, and fails with its output if it exited instead.
    /// </summary>
    public static async Task<CliProcess> StartAsync(MetricsReceiver? metrics, params string[] args)
    {
        var learner = CliProcess.Start(metrics?.ExportEnvironment(), ["learner", .. args]);
        try
        {
            await Eventually.UntilAsync(() => learner.Output.Contains("learner listening on", StringComparison.Ordinal) || learner.HasExited, () => learner.Output);
            Assert.False(learner.HasExited, "the learner exited at start:\n" + learner.Output);
            return learner;
        }
        catch
        {
            learner.Dispose();
            throw;
        }
    }
}
