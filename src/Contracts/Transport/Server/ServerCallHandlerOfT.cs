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
            await (method.Type switch
            {
                MethodType.Unary => UnaryAsync(requests, context),
                MethodType.ServerStreaming => ServerStreamingAsync(requests, context),
                MethodType.ClientStreaming => ClientStreamingAsync(requests, context),
                _ => DuplexStreamingAsync(requests, context),
            }).ConfigureAwait(false);
        }
        finally
        {
            await requests.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task UnaryAsync(ServerRequestStream<TRequest> requests, ServerCallContext context)
    {
        TRequest request = await requests.ReadSingleAsync().ConfigureAwait(false);
        TResponse response = await ((UnaryServerMethod<TRequest, TResponse>)handler)(request, context).ConfigureAwait(false);
        await WriteSingleAsync(context, response).ConfigureAwait(false);
    }

    private async Task ServerStreamingAsync(ServerRequestStream<TRequest> requests, ServerCallContext context)
    {
        TRequest request = await requests.ReadSingleAsync().ConfigureAwait(false);
        var responses = new ServerResponseStream<TResponse>(context, method.ResponseMarshaller);
        await ((ServerStreamingServerMethod<TRequest, TResponse>)handler)(request, responses, context).ConfigureAwait(false);
    }

    private async Task ClientStreamingAsync(ServerRequestStream<TRequest> requests, ServerCallContext context)
    {
        TResponse response = await ((ClientStreamingServerMethod<TRequest, TResponse>)handler)(requests, context).ConfigureAwait(false);
        await WriteSingleAsync(context, response).ConfigureAwait(false);
    }

    private Task DuplexStreamingAsync(ServerRequestStream<TRequest> requests, ServerCallContext context)
    {
        var responses = new ServerResponseStream<TResponse>(context, method.ResponseMarshaller);
        return ((DuplexStreamingServerMethod<TRequest, TResponse>)handler)(requests, responses, context);
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
