using Grpc.Core;

namespace AsyncRL.Actors.Hosting;

/// <summary>
/// How the learner says a run is over (docs/wire-protocol.md, "End of a run"): open calls end with OK and the
/// trailer <c>asyncrl-run-finished: true</c>; later calls are answered FAILED_PRECONDITION.
/// </summary>
internal static class RunEnd
{
    /// <summary>The trailer a finished run's calls end with.</summary>
    public const string FinishedTrailer = "asyncrl-run-finished";

    /// <summary>Whether a call's trailers announce the end of the run.</summary>
    public static bool IsFinished(Metadata trailers) =>
        string.Equals(trailers.GetValue(FinishedTrailer), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>Whether a failed call means the run is over.</summary>
    public static bool IsFinished(Exception exception) =>
        exception is RpcException { StatusCode: StatusCode.FailedPrecondition };

    /// <summary>
    /// Whether a call ended by cancellation. grpc-dotnet reports a call cut by its own <see cref="CallOptions.CancellationToken"/>
    /// as <see cref="RpcException"/> CANCELLED, not as <see cref="OperationCanceledException"/>: check the token too.
    /// </summary>
    public static bool IsCancellation(Exception exception) =>
        exception is OperationCanceledException or RpcException { StatusCode: StatusCode.Cancelled };

    /// <summary>
    /// Failures that retrying cannot cure: a refused token, or the run being over. Everything else (the learner
    /// down or restarting, a broken stream, a corrupt weights chunk, a deadline) is retried with backoff.
    /// </summary>
    public static bool IsRetryable(Exception exception) => exception switch
    {
        OperationCanceledException => false,
        RpcException { StatusCode: StatusCode.Unauthenticated or StatusCode.PermissionDenied or StatusCode.FailedPrecondition } => false,
        _ => true,
    };
}

/// <summary>Why a node's session with the learner ended.</summary>
internal enum SessionEnd
{
    /// <summary>Not ended (or stopped by the caller).</summary>
    None,

    /// <summary>The learner said the run finished.</summary>
    RunFinished,

    /// <summary>Re-registration found a different run: start over.</summary>
    RunChanged,
}
