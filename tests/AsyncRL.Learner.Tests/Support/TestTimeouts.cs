using System.Runtime.CompilerServices;

namespace AsyncRL.Learner.Tests.Support;

/// <summary>Every await in a test is bounded; a hang names the awaited expression.</summary>
internal static class TestTimeouts
{
    public static readonly TimeSpan Default = TimeSpan.FromSeconds(30);

    public static async Task<T> Within<T>(this Task<T> task, TimeSpan? timeout = null, [CallerArgumentExpression(nameof(task))] string what = "")
    {
        try
        {
            return await task.WaitAsync(timeout ?? Default);
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"Timed out after {(timeout ?? Default).TotalSeconds} s waiting for: {what}", ex);
        }
    }

    public static async Task Within(this Task task, TimeSpan? timeout = null, [CallerArgumentExpression(nameof(task))] string what = "")
    {
        try
        {
            await task.WaitAsync(timeout ?? Default);
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"Timed out after {(timeout ?? Default).TotalSeconds} s waiting for: {what}", ex);
        }
    }

    public static Task Within(this ValueTask task, TimeSpan? timeout = null, [CallerArgumentExpression(nameof(task))] string what = "") =>
        task.AsTask().Within(timeout, what);

    public static Task<T> Within<T>(this ValueTask<T> task, TimeSpan? timeout = null, [CallerArgumentExpression(nameof(task))] string what = "") =>
        task.AsTask().Within(timeout, what);
}
