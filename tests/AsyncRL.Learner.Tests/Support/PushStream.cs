using AsyncRL.Contracts.V1;
using Grpc.Core;
using LearnerClient = AsyncRL.Contracts.V1.Learner.LearnerClient;

namespace AsyncRL.Learner.Tests.Support;

/// <summary>A PushSamples call driven one batch at a time.</summary>
internal sealed class PushStream : IAsyncDisposable
{
    private readonly AsyncDuplexStreamingCall<SampleBatch, PushAck> _call;
    private readonly IAsyncEnumerator<PushAck> _acks;

    public PushStream(LearnerClient client)
    {
        _call = client.PushSamples();
        _acks = _call.ResponseStream.ReadAllAsync().GetAsyncEnumerator();
    }

    public AsyncDuplexStreamingCall<SampleBatch, PushAck> Call => _call;

    public Task WriteAsync(SampleBatch batch) => _call.RequestStream.WriteAsync(batch).Within();

    /// <summary>The next ack (null when the stream ended), as a task that may be left pending.</summary>
    public async Task<PushAck?> NextAckAsync() => await Next() ? _acks.Current : null;

    /// <summary>Sends a batch and waits for its ack.</summary>
    public async Task<PushAck> SendAsync(SampleBatch batch)
    {
        await WriteAsync(batch);
        return await NextAckAsync().Within() ?? throw new InvalidOperationException("The stream ended without an ack.");
    }

    private Task<bool>? _pending;

    private Task<bool> Next() => _pending = _acks.MoveNextAsync().AsTask();

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
        await _acks.DisposeAsync();
    }
}
