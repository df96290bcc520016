namespace AsyncRL.Contracts.Transport;

/// <summary>Where a server handler writes its stream of responses.</summary>
/// <typeparam name="T">Response message type.</typeparam>
public interface IServerStreamWriter<in T>
{
    /// <summary>Sends one message (flushed at once). One write at a time.</summary>
    ValueTask WriteAsync(T message, CancellationToken cancellationToken = default);
}

/// <summary>Response stream of one call: frames, writes and flushes each message.</summary>
internal sealed class ServerResponseStream<T>(ServerCallContext context, Marshaller<T> marshaller) : IServerStreamWriter<T>
{
    public ValueTask WriteAsync(T message, CancellationToken cancellationToken = default) =>
        context.WriteMessageAsync(message, marshaller, flush: true, cancellationToken);
}

/// <summary>
/// The request messages of one call as an async sequence (enumerate once). A protocol violation throws
/// <see cref="RpcException"/> and is remembered on the context, so the call ends with that status even if
/// the handler swallows the exception.
/// </summary>
internal sealed class ServerRequestStream<T> : IAsyncEnumerable<T>, IAsyncEnumerator<T>
{
    private readonly ServerCallContext _context;
    private readonly MessageReader<T> _reader;
    private CancellationToken _token;
    private CancellationTokenSource? _linked;
    private bool _enumerated;

    public ServerRequestStream(ServerCallContext context, Marshaller<T> marshaller)
    {
        _context = context;
        var options = context.Options;
        _reader = new MessageReader<T>(context.HttpContext.Request.BodyReader, marshaller, options.MaxReceiveMessageSize,
            context.RequestEncoding, "request", options.MessageStallTimeout, options.TimeProvider);
        _token = context.CancellationToken;
    }

    public T Current { get; private set; } = default!;

    public IAsyncEnumerator<T> GetAsyncEnumerator(CancellationToken cancellationToken = default)
    {
        if (_enumerated) throw new InvalidOperationException("The request stream can be enumerated only once.");
        _enumerated = true;
        if (cancellationToken.CanBeCanceled && cancellationToken != _token)
        {
            _linked = CancellationTokenSource.CreateLinkedTokenSource(_token, cancellationToken);
            _token = _linked.Token;
        }
        return this;
    }

    public async ValueTask<bool> MoveNextAsync()
    {
        var (hasMessage, message) = await ReadAsync().ConfigureAwait(false);
        Current = message;
        return hasMessage;
    }

    /// <summary>Reads the one request of a unary or server-streaming call, and checks no second follows.</summary>
    public async ValueTask<T> ReadSingleAsync()
    {
        var (hasMessage, message) = await ReadAsync().ConfigureAwait(false);
        if (!hasMessage) throw Violation(ProtocolError.MissingMessage, "The request stream ended without a message.");
        var (hasSecond, _) = await ReadAsync().ConfigureAwait(false);
        if (hasSecond) throw Violation(ProtocolError.TooManyMessages, "More than one request message for a single-request method.");
        return message;
    }

    public ValueTask DisposeAsync()
    {
        _linked?.Dispose();
        _reader.Dispose();
        return ValueTask.CompletedTask;
    }

    private async ValueTask<(bool, T)> ReadAsync()
    {
        try
        {
            return await _reader.ReadAsync(_token).ConfigureAwait(false);
        }
        catch (RpcException ex) when (_reader.Error != ProtocolError.None)
        {
            _context.ProtocolError = _reader.Error;
            _context.ProtocolErrorStatus ??= ex.Status;
            throw;
        }
    }

    private RpcException Violation(ProtocolError error, string detail)
    {
        var status = new Status(StatusCode.Internal, detail);
        _context.ProtocolError = error;
        _context.ProtocolErrorStatus ??= status;
        return new RpcException(status);
    }
}
