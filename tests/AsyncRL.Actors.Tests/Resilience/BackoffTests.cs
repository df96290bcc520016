using AsyncRL.Actors.Resilience;

namespace AsyncRL.Actors.Tests.Resilience;

public sealed class BackoffTests
{
    private static readonly BackoffOptions Fast = new() { InitialDelay = TimeSpan.FromMilliseconds(1), MaxDelay = TimeSpan.FromMilliseconds(2) };

    [Fact]
    public async Task Pipeline_RetryableFailure_IsRetriedAndReported()
    {
        var retries = new List<int>();
        var pipeline = Backoff.Pipeline(Fast, TimeProvider.System, _ => true, (_, attempt, _) => retries.Add(attempt));
        int calls = 0;

        await pipeline.ExecuteAsync(_ => ++calls < 3 ? throw new IOException("stream broke") : ValueTask.CompletedTask, CancellationToken.None);

        Assert.Equal(3, calls);
        Assert.Equal([1, 2], retries);
    }

    [Fact]
    public async Task Pipeline_FailureWhileStopping_EndsCancelledWithoutReportingARetry()
    {
        // Arrange: the attempt fails after the loop was told to stop (a stream cut by the stop itself)
        var retries = new List<int>();
        var pipeline = Backoff.Pipeline(Fast, TimeProvider.System, _ => true, (_, attempt, _) => retries.Add(attempt));
        using var stop = new CancellationTokenSource();
        int calls = 0;

        // Act
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await pipeline.ExecuteAsync(_ =>
        {
            calls++;
            stop.Cancel();
            throw new InvalidOperationException("The call has already finished.");
        }, stop.Token));

        // Assert: one attempt, and nothing said about reconnecting
        Assert.Equal(1, calls);
        Assert.Empty(retries);
    }
}
