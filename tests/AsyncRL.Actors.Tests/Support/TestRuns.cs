using AsyncRL.Algorithms.Ppo;
using AsyncRL.Contracts.V1;

namespace AsyncRL.Actors.Tests.Support;

/// <summary>Tiny settings so that a test acts for milliseconds, not seconds.</summary>
internal static class TestRuns
{
    public static RunSpec Spec(uint lag = 0) =>
        PpoRunSpec.Create(new PpoOptions { RolloutLength = 4, Hidden = [8] }, "cartpole", observationSize: 4, seed: 7, lag, maxStaleness: 0);

    public static ActorNodeOptions Options(Uri learner, int actors = 1) => new()
    {
        LearnerAddress = learner,
        NodeId = "node-a",
        Actors = actors,
        EnvsPerActor = 2,
        MaxUnackedBatches = 4,
        Reconnect = new BackoffOptions { InitialDelay = TimeSpan.FromMilliseconds(20), MaxDelay = TimeSpan.FromMilliseconds(200) },
        Restart = new BackoffOptions { InitialDelay = TimeSpan.FromMilliseconds(20), MaxDelay = TimeSpan.FromMilliseconds(200) },
    };
}

/// <summary>A node running in the background for one test; disposing stops it and waits for it.</summary>
internal sealed class RunningNode : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();

    private RunningNode(ActorNode node)
    {
        Node = node;
        Completion = Task.Run(() => node.RunAsync(_stop.Token));
    }

    public ActorNode Node { get; }

    public Task<ActorNodeOutcome> Completion { get; }

    public static RunningNode Start(ActorNodeOptions options, ActorInstrumentation? instrumentation = null) =>
        new(new ActorNode(options, instrumentation: instrumentation));

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await Completion.Within();
        }
        catch (OperationCanceledException)
        {
        }
        _stop.Dispose();
    }
}
