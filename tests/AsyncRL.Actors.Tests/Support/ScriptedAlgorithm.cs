using AsyncRL.Algorithms;
using AsyncRL.Models.Nn;

namespace AsyncRL.Actors.Tests.Support;

/// <summary>Wraps a real algorithm so a test can watch (or sabotage) each collection.</summary>
internal sealed class ScriptedAlgorithm(IActorAlgorithm inner, Action<int> beforeCollect) : IActorAlgorithm
{
    private int _collected;

    public Module Policy => inner.Policy;

    public ActorFragment Collect(long policyVersion)
    {
        beforeCollect(++_collected);
        return inner.Collect(policyVersion);
    }

    public void Dispose() => inner.Dispose();
}

internal static class FakeLearnerExtensions
{
    /// <summary>The next received batch that matches (every one when no predicate).</summary>
    public static async Task<Received> NextAsync(this FakeLearner learner, Func<Received, bool>? match = null)
    {
        using var timeout = new CancellationTokenSource(TestTimeouts.Default);
        while (true)
        {
            Received received;
            try
            {
                received = await learner.Batches.Reader.ReadAsync(timeout.Token);
            }
            catch (OperationCanceledException ex)
            {
                throw new TimeoutException($"No matching batch within {TestTimeouts.Default.TotalSeconds} s.", ex);
            }
            if (match is null || match(received)) return received;
        }
    }
}
