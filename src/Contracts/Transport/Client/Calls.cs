namespace AsyncRL.Contracts.Transport;

/// <summary>A unary call in flight. Dispose to cancel it if it is still running.</summary>
/// <typeparam name="TResponse">Response message type.</typeparam>
public sealed class UnaryCall<TResponse> : IDisposable
{
    private readonly IClientCall _call;

    internal UnaryCall(IClientCall call, Task<TResponse> response)
    {
        _call = call;
        ResponseAsync = response;
    }

    /// <summary>The response; faults with <see cref="RpcException"/> on a non-OK status.</summary>
    public Task<TResponse> ResponseAsync { get; }

    /// <summary>The server's response headers (custom metadata).</summary>
    public Task<Metadata> ResponseHeadersAsync => _call.ResponseHeadersAsync;

    /// <summary>The final status (after the response has completed).</summary>
    public Status GetStatus() => _call.GetStatus();

    /// <summary>The server's trailers (after the response has completed).</summary>
    public Metadata GetTrailers() => _call.GetTrailers();

    /// <inheritdoc />
    public void Dispose() => _call.Dispose();
}

/// <summary>A server-streaming call in flight. Dispose to cancel it if it is still running.</summary>
/// <typeparam name="TResponse">Response message type.</typeparam>
public sealed class ServerStreamingCall<TResponse> : IDisposable
{
    private readonly IClientCall _call;

    internal ServerStreamingCall(IClientCall call, IAsyncEnumerable<TResponse> responses)
    {
        _call = call;
        ResponseStream = responses;
    }

    /// <summary>The responses, in order (enumerate once); ends after an OK status, throws otherwise.</summary>
    public IAsyncEnumerable<TResponse> ResponseStream { get; }

    /// <summary>The server's response headers (custom metadata).</summary>
    public Task<Metadata> ResponseHeadersAsync => _call.ResponseHeadersAsync;

    /// <summary>The final status (after the stream has ended).</summary>
    public Status GetStatus() => _call.GetStatus();

    /// <summary>The server's trailers (after the stream has ended).</summary>
    public Metadata GetTrailers() => _call.GetTrailers();

    /// <inheritdoc />
    public void Dispose() => _call.Dispose();
}

/// <summary>A client-streaming call in flight. Dispose to cancel it if it is still running.</summary>
/// <typeparam name="TRequest">Request message type.</typeparam>
/// <typeparam name="TResponse">Response message type.</typeparam>
public sealed class ClientStreamingCall<TRequest, TResponse> : IDisposable
{
    private readonly IClientCall _call;

    internal ClientStreamingCall(IClientCall call, IClientStreamWriter<TRequest> requests, Task<TResponse> response)
    {
        _call = call;
        RequestStream = requests;
        ResponseAsync = response;
    }

    /// <summary>Where requests go; complete it to let the server answer.</summary>
    public IClientStreamWriter<TRequest> RequestStream { get; }

    /// <summary>The response; faults with <see cref="RpcException"/> on a non-OK status.</summary>
    public Task<TResponse> ResponseAsync { get; }

    /// <summary>The server's response headers (custom metadata).</summary>
    public Task<Metadata> ResponseHeadersAsync => _call.ResponseHeadersAsync;

    /// <summary>The final status (after the response has completed).</summary>
    public Status GetStatus() => _call.GetStatus();

    /// <summary>The server's trailers (after the response has completed).</summary>
    public Metadata GetTrailers() => _call.GetTrailers();

    /// <inheritdoc />
    public void Dispose() => _call.Dispose();
}

/// <summary>A bidirectional-streaming call in flight. Dispose to cancel it if it is still running.</summary>
/// <typeparam name="TRequest">Request message type.</typeparam>
/// <typeparam name="TResponse">Response message type.</typeparam>
public sealed class DuplexStreamingCall<TRequest, TResponse> : IDisposable
{
    private readonly IClientCall _call;

    internal DuplexStreamingCall(IClientCall call, IClientStreamWriter<TRequest> requests, IAsyncEnumerable<TResponse> responses)
    {
        _call = call;
        RequestStream = requests;
        ResponseStream = responses;
    }

    /// <summary>Where requests go; complete it when done sending.</summary>
    public IClientStreamWriter<TRequest> RequestStream { get; }

    /// <summary>The responses, in order (enumerate once); ends after an OK status, throws otherwise.</summary>
    public IAsyncEnumerable<TResponse> ResponseStream { get; }

    /// <summary>The server's response headers (custom metadata).</summary>
    public Task<Metadata> ResponseHeadersAsync => _call.ResponseHeadersAsync;

    /// <summary>The final status (after the response stream has ended).</summary>
    public Status GetStatus() => _call.GetStatus();

    /// <summary>The server's trailers (after the response stream has ended).</summary>
    public Metadata GetTrailers() => _call.GetTrailers();

    /// <inheritdoc />
    public void Dispose() => _call.Dispose();
}

/// <summary>The untyped view of a call that the public call objects need.</summary>
internal interface IClientCall : IDisposable
{
    Task<Metadata> ResponseHeadersAsync { get; }

    Status GetStatus();

    Metadata GetTrailers();
}

/// <summary>Responses of a streaming call as an async sequence (enumerate once).</summary>
internal sealed class ClientResponseStream<TRequest, TResponse>(ClientCall<TRequest, TResponse> call)
    : IAsyncEnumerable<TResponse>
{
    private int _enumerated;

    public async IAsyncEnumerator<TResponse> GetAsyncEnumerator(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _enumerated, 1) == 1) throw new InvalidOperationException("The response stream can be enumerated only once.");
        while (true)
        {
            var (hasMessage, message) = await call.ReadAsync(cancellationToken).ConfigureAwait(false);
            if (!hasMessage) yield break;
            yield return message;
        }
    }
}
