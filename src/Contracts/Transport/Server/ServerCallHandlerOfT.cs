namespace AsyncRL.Contracts.Transport;

/// <summary>The typed part of a call: which messages are read, which handler runs, what is written.</summary>
internal sealed class ServerCallHandler<TRequest, TResponse>(
    GrpcServerRuntime runtime, Method<TRequest, TResponse> method, Delegate handler, bool allowAnonymous)
    : ServerCallHandler(runtime, method.FullName, allowAnonymous)
{
    protected override async Task InvokeAsync(ServerCallContext context)
    {
        var requests = new ServerRequestStream<TRequest>(context, method.RequestMarshaller);
        try
        {
            switch (method.Type)
            {
                case MethodType.Unary:
                {
                    TRequest request = await requests.ReadSingleAsync().ConfigureAwait(false);
                    TResponse response = await ((UnaryServerMethod<TRequest, TResponse>)handler)(request, context).ConfigureAwait(false);
                    await WriteSingleAsync(context, response).ConfigureAwait(false);
                    break;
                }
                case MethodType.ServerStreaming:
                {
                    TRequest request = await requests.ReadSingleAsync().ConfigureAwait(false);
                    var responses = new ServerResponseStream<TResponse>(context, method.ResponseMarshaller);
                    await ((ServerStreamingServerMethod<TRequest, TResponse>)handler)(request, responses, context).ConfigureAwait(false);
                    break;
                }
                case MethodType.ClientStreaming:
                {
                    TResponse response = await ((ClientStreamingServerMethod<TRequest, TResponse>)handler)(requests, context).ConfigureAwait(false);
                    await WriteSingleAsync(context, response).ConfigureAwait(false);
                    break;
                }
                default:
                {
                    var responses = new ServerResponseStream<TResponse>(context, method.ResponseMarshaller);
                    await ((DuplexStreamingServerMethod<TRequest, TResponse>)handler)(requests, responses, context).ConfigureAwait(false);
                    break;
                }
            }
        }
        finally
        {
            await requests.DisposeAsync().ConfigureAwait(false);
        }
    }

    private ValueTask WriteSingleAsync(ServerCallContext context, TResponse response)
    {
        // A handler that set an error status answers with that status and no message.
        if (context.Status.StatusCode != StatusCode.OK) return ValueTask.CompletedTask;
        if (response is null) throw new InvalidOperationException($"The handler of {method.FullName} returned no response.");
        // Unflushed: the message leaves together with the trailers when the call ends.
        return context.WriteMessageAsync(response, method.ResponseMarshaller, flush: false, CancellationToken.None);
    }
}
