using System.Runtime.CompilerServices;

namespace AsyncRL.Tests.Support;

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

    /// <summary>Polls <paramref name="condition"/> every few milliseconds until it holds, bounded by a timeout.</summary>
    public static async Task Until(Func<bool> condition, TimeSpan? timeout = null, [CallerArgumentExpression(nameof(condition))] string what = "")
    {
        using var expiry = new CancellationTokenSource(timeout ?? Default);
        while (!condition())
        {
            try
            {
                await Task.Delay(5, expiry.Token);
            }
            catch (OperationCanceledException ex)
            {
                throw new TimeoutException($"Timed out after {(timeout ?? Default).TotalSeconds} s waiting until: {what}", ex);
            }
        }
    }

    /// <summary>Collects a stream into a list, bounded by a timeout.</summary>
    public static Task<List<T>> ToListWithin<T>(this IAsyncEnumerable<T> source, TimeSpan? timeout = null, [CallerArgumentExpression(nameof(source))] string what = "") =>
        Collect(source).Within(timeout, what);

    private static async Task<List<T>> Collect<T>(IAsyncEnumerable<T> source)
    {
        var list = new List<T>();
        await foreach (T item in source) list.Add(item);
        return list;
    }
}
