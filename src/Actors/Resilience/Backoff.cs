using Polly;
using Polly.Retry;

namespace AsyncRL.Actors.Resilience;

/// <summary>
/// Retry pipelines for the node's long-lived loops (streams, registration, restarts). An attempt that fails
/// before making progress throws and is retried after a growing, jittered delay; a loop whose attempt made
/// progress before failing returns instead and starts a fresh pipeline run, so one bad minute after hours of
/// streaming does not inherit a long delay.
/// </summary>
internal static class Backoff
{
    /// <summary>
    /// Retries forever while <paramref name="retry"/> says so; <paramref name="onRetry"/> hears of each retry, but not of
    /// the failure that a cancelled (stopping) loop ends on.
    /// </summary>
    public static ResiliencePipeline Pipeline(BackoffOptions options, TimeProvider time, Func<Exception, bool> retry,
        Action<Exception, int, TimeSpan> onRetry)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return new ResiliencePipelineBuilder { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle(retry),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.InitialDelay,
                MaxDelay = options.MaxDelay,
                MaxRetryAttempts = int.MaxValue,
                OnRetry = args =>
                {
                    // A loop being stopped is not retrying: its wait is cancelled at once and the loop ends. A stream
                    // cut by the stop itself is no failure to report.
                    if (args.Outcome.Exception is { } ex && !args.Context.CancellationToken.IsCancellationRequested)
                        onRetry(ex, args.AttemptNumber + 1, args.RetryDelay);
                    return ValueTask.CompletedTask;
                },
            })
            .Build();
    }
}
