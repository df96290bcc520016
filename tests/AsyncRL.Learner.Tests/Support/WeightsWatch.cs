using AsyncRL.Contracts;
using AsyncRL.Contracts.V1;
using Grpc.Core;
using LearnerClient = AsyncRL.Contracts.V1.Learner.LearnerClient;

namespace AsyncRL.Learner.Tests.Support;

/// <summary>A WatchWeights call read one complete version at a time.</summary>
internal sealed class WeightsWatch : IAsyncDisposable
{
    private readonly AsyncServerStreamingCall<WeightsChunk> _call;
    private readonly IAsyncEnumerator<WeightsChunk> _chunks;

    public WeightsWatch(LearnerClient client, WatchWeightsRequest? request = null)
    {
        _call = client.WatchWeights(request ?? new WatchWeightsRequest { NodeId = "node-a" });
        _chunks = _call.ResponseStream.ReadAllAsync().GetAsyncEnumerator();
    }

    public AsyncServerStreamingCall<WeightsChunk> Call => _call;

    /// <summary>The next complete version (null when the stream ended).</summary>
    public async Task<WeightsAssembler?> NextAsync()
    {
        var assembler = new WeightsAssembler();
        while (await Next())
            if (assembler.Add(_chunks.Current)) return assembler;
        return null;
    }

    private Task<bool>? _pending;

    private Task<bool> Next() => _pending = _chunks.MoveNextAsync().AsTask();

    public async ValueTask DisposeAsync()
    {
        // Cancel first: an enumerator cannot be disposed while a read is pending, and the read ends with the call.
        _call.Dispose();
        if (_pending is { } pending)
        {
            try
            {
                await pending.WaitAsync(TestTimeouts.Default);
            }
            catch (Exception e) when (e is RpcException or OperationCanceledException)
            {
                // the cancellation just caused
            }
        }
        await _chunks.DisposeAsync();
    }

    /// <summary>All chunks of one GetWeights call, assembled.</summary>
    public static async Task<WeightsAssembler> GetAsync(LearnerClient client, GetWeightsRequest request)
    {
        var assembler = new WeightsAssembler();
        using var call = client.GetWeights(request);
        await foreach (var chunk in call.ResponseStream.ReadAllAsync())
            if (assembler.Add(chunk)) return assembler;
        throw new InvalidOperationException("GetWeights ended before a complete version.");
    }
}
