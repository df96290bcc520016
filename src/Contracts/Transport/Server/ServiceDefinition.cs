namespace AsyncRL.Contracts.Transport;

/// <summary>Handles a unary call.</summary>
public delegate Task<TResponse> UnaryServerMethod<in TRequest, TResponse>(TRequest request, ServerCallContext context);

/// <summary>Handles a server-streaming call: one request in, responses written to the stream.</summary>
public delegate Task ServerStreamingServerMethod<in TRequest, out TResponse>(
    TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context);

/// <summary>Handles a client-streaming call: requests read from the stream, one response out.</summary>
public delegate Task<TResponse> ClientStreamingServerMethod<in TRequest, TResponse>(
    IAsyncEnumerable<TRequest> requestStream, ServerCallContext context);

/// <summary>Handles a bidirectional-streaming call.</summary>
public delegate Task DuplexStreamingServerMethod<in TRequest, out TResponse>(
    IAsyncEnumerable<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context);

/// <summary>
/// The methods of one service and their handlers, ready to map onto endpoints with
/// <c>MapGrpcService</c>. Build it with <see cref="CreateBuilder"/>.
/// </summary>
public sealed class ServiceDefinition
{
    internal ServiceDefinition(IReadOnlyList<ServerMethod> methods, bool allowAnonymous)
    {
        Methods = methods;
        AllowAnonymous = allowAnonymous;
    }

    /// <summary>Paths of the mapped methods, e.g. <c>/asyncrl.v1.Learner/Register</c>.</summary>
    public IEnumerable<string> MethodPaths => Methods.Select(m => m.Path);

    /// <summary>Whether calls skip the configured authenticator (e.g. health probes).</summary>
    public bool AllowAnonymous { get; }

    internal IReadOnlyList<ServerMethod> Methods { get; }

    /// <summary>Starts a definition.</summary>
    public static ServiceDefinitionBuilder CreateBuilder() => new();
}

/// <summary>Adds methods and their handlers to a <see cref="ServiceDefinition"/>.</summary>
public sealed class ServiceDefinitionBuilder
{
    private readonly List<ServerMethod> _methods = [];
    private bool _allowAnonymous;

    internal ServiceDefinitionBuilder() { }

    /// <summary>Adds a unary method.</summary>
    public ServiceDefinitionBuilder AddUnary<TRequest, TResponse>(Method<TRequest, TResponse> method, UnaryServerMethod<TRequest, TResponse> handler) =>
        Add(method, MethodType.Unary, handler);

    /// <summary>Adds a server-streaming method.</summary>
    public ServiceDefinitionBuilder AddServerStreaming<TRequest, TResponse>(Method<TRequest, TResponse> method, ServerStreamingServerMethod<TRequest, TResponse> handler) =>
        Add(method, MethodType.ServerStreaming, handler);

    /// <summary>Adds a client-streaming method.</summary>
    public ServiceDefinitionBuilder AddClientStreaming<TRequest, TResponse>(Method<TRequest, TResponse> method, ClientStreamingServerMethod<TRequest, TResponse> handler) =>
        Add(method, MethodType.ClientStreaming, handler);

    /// <summary>Adds a bidirectional-streaming method.</summary>
    public ServiceDefinitionBuilder AddDuplexStreaming<TRequest, TResponse>(Method<TRequest, TResponse> method, DuplexStreamingServerMethod<TRequest, TResponse> handler) =>
        Add(method, MethodType.DuplexStreaming, handler);

    /// <summary>Lets calls to this service skip the configured authenticator (health checks, public metadata).</summary>
    public ServiceDefinitionBuilder AllowAnonymous()
    {
        _allowAnonymous = true;
        return this;
    }

    /// <summary>The finished definition.</summary>
    public ServiceDefinition Build() => new(_methods.ToArray(), _allowAnonymous);

    private ServiceDefinitionBuilder Add<TRequest, TResponse>(Method<TRequest, TResponse> method, MethodType expected, Delegate handler)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(handler);
        if (method.Type != expected)
        {
            throw new ArgumentException($"{method.FullName} is a {method.Type} method; it cannot be added as {expected}.", nameof(method));
        }
        if (_methods.Any(m => m.Path == method.FullName))
        {
            throw new ArgumentException($"{method.FullName} is already part of this service.", nameof(method));
        }
        _methods.Add(new ServerMethod<TRequest, TResponse>(method, handler));
        return this;
    }
}

/// <summary>A method and its handler, before a host gives it options and telemetry.</summary>
internal abstract class ServerMethod(string path)
{
    public string Path { get; } = path;

    public abstract ServerCallHandler CreateHandler(GrpcServerRuntime runtime, bool allowAnonymous);
}

internal sealed class ServerMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, Delegate handler)
    : ServerMethod(method.FullName)
{
    public override ServerCallHandler CreateHandler(GrpcServerRuntime runtime, bool allowAnonymous) =>
        new ServerCallHandler<TRequest, TResponse>(runtime, method, handler, allowAnonymous);
}
