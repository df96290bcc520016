namespace AsyncRL.Contracts.Transport;

/// <summary>Where a client writes the request stream of a client- or bidirectional-streaming call.</summary>
/// <typeparam name="T">Request message type.</typeparam>
public interface IClientStreamWriter<in T>
{
    /// <summary>Sends one message (flushed at once). One write at a time.</summary>
    ValueTask WriteAsync(T message, CancellationToken cancellationToken = default);

    /// <summary>Ends the request stream (the server's read loop ends); the response may still be read.</summary>
    ValueTask CompleteAsync();
}

/// <summary>Frames each message into one pooled block and writes it to the request body.</summary>
internal sealed class ClientStreamWriter<TRequest, TResponse>(ClientCall<TRequest, TResponse> call, StreamingRequestContent content)
    : IClientStreamWriter<TRequest>
{
    private int _writing;
    private bool _completed;

    public async ValueTask WriteAsync(TRequest message, CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _writing, 1) == 1) throw new InvalidOperationException("Only one write at a time: await the previous WriteAsync first.");
        try
        {
            if (_completed) throw new InvalidOperationException("The request stream has already been completed.");
            ThrowIfFinished();
            // A pooled block per message: a call may be disposed mid-write, so the buffer must not outlive the write.
            using var buffer = new PooledBufferWriter(4096);
            MessageWriter.Write(buffer, message, call.Method.RequestMarshaller, call.MaxSendMessageSize, "request");

            CancellationToken token = call.CallToken;
            using var linked = cancellationToken.CanBeCanceled ? CancellationTokenSource.CreateLinkedTokenSource(token, cancellationToken) : null;
            if (linked is not null) token = linked.Token;
            try
            {
                await content.WriteAsync(buffer.WrittenMemory, token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested && !call.CallToken.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception ex) when (ex is not RpcException)
            {
                ThrowIfFinished();
                throw call.Fail(ex);
            }
        }
        finally
        {
            Volatile.Write(ref _writing, 0);
        }
    }

    public ValueTask CompleteAsync()
    {
        _completed = true;
        content.Complete();
        return ValueTask.CompletedTask;
    }

    private void ThrowIfFinished()
    {
        if (!call.TryGetStatus(out Status status)) return;
        if (status.StatusCode == StatusCode.OK) throw new InvalidOperationException("The call has already finished; the server reads no more messages.");
        throw new RpcException(status, call.GetTrailers());
    }
}
