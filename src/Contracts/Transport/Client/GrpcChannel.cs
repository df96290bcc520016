using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AsyncRL.Contracts.Transport;

/// <summary>
/// A client's connection to one gRPC server (<c>http://</c>: HTTP/2 cleartext with prior knowledge;
/// <c>https://</c>: TLS with ALPN h2). Thread-safe and meant to live long: its connection pool opens more
/// HTTP/2 connections when the server's stream limit is reached, and pings idle connections to keep them
/// alive. Uses HttpClient's transport (<see cref="HttpMessageInvoker"/> over <see cref="SocketsHttpHandler"/>).
/// </summary>
public sealed class GrpcChannel : IDisposable
{
    private const int MaxStreamWindowSize = 16 * 1024 * 1024; // SocketsHttpHandler's ceiling
    private readonly HttpMessageInvoker _invoker;
    private readonly ConcurrentDictionary<string, Uri> _methodUris = new(StringComparer.Ordinal);

    private GrpcChannel(Uri address, GrpcChannelOptions options)
    {
        Address = address;
        Options = options;
        Logger = options.LoggerFactory?.CreateLogger("AsyncRL.Contracts.Transport.Client") ?? NullLogger.Instance;
        HttpMessageHandler handler = options.HttpHandler ?? CreateHandler(options, address.Scheme == Uri.UriSchemeHttps);
        _invoker = new HttpMessageInvoker(handler, disposeHandler: options.HttpHandler is null);
    }

    /// <summary>The server's base address.</summary>
    public Uri Address { get; }

    internal GrpcChannelOptions Options { get; }

    internal ILogger Logger { get; }

    internal HttpMessageInvoker Invoker => _invoker;

    /// <summary>A channel to <paramref name="address"/> (e.g. <c>http://127.0.0.1:5000</c>).</summary>
    public static GrpcChannel ForAddress(string address, GrpcChannelOptions? options = null) =>
        ForAddress(new Uri(address, UriKind.Absolute), options);

    /// <summary>A channel to <paramref name="address"/>.</summary>
    public static GrpcChannel ForAddress(Uri address, GrpcChannelOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (!address.IsAbsoluteUri || (address.Scheme != Uri.UriSchemeHttp && address.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException($"A gRPC address must be an absolute http:// or https:// URI, not '{address}'.", nameof(address));
        }
        return new GrpcChannel(address, options ?? new GrpcChannelOptions());
    }

    /// <summary>Starts a unary call.</summary>
    public UnaryCall<TResponse> StartUnary<TRequest, TResponse>(Method<TRequest, TResponse> method, TRequest request, CallOptions options = default)
    {
        var call = NewCall(method, MethodType.Unary, options);
        call.Start(request);
        return new UnaryCall<TResponse>(call, call.ReadSingleAsync());
    }

    /// <summary>Makes a unary call and returns its response (disposing the call afterwards).</summary>
    public async Task<TResponse> UnaryAsync<TRequest, TResponse>(Method<TRequest, TResponse> method, TRequest request, CallOptions options = default)
    {
        using var call = NewCall(method, MethodType.Unary, options);
        call.Start(request);
        return await call.ReadSingleAsync().ConfigureAwait(false);
    }

    /// <summary>Starts a server-streaming call.</summary>
    public ServerStreamingCall<TResponse> ServerStreaming<TRequest, TResponse>(Method<TRequest, TResponse> method, TRequest request, CallOptions options = default)
    {
        var call = NewCall(method, MethodType.ServerStreaming, options);
        call.Start(request);
        return new ServerStreamingCall<TResponse>(call, new ClientResponseStream<TRequest, TResponse>(call));
    }

    /// <summary>Starts a client-streaming call.</summary>
    public ClientStreamingCall<TRequest, TResponse> ClientStreaming<TRequest, TResponse>(Method<TRequest, TResponse> method, CallOptions options = default)
    {
        var call = NewCall(method, MethodType.ClientStreaming, options);
        var requests = call.StartStreaming();
        return new ClientStreamingCall<TRequest, TResponse>(call, requests, call.ReadSingleAsync());
    }

    /// <summary>Starts a bidirectional-streaming call.</summary>
    public DuplexStreamingCall<TRequest, TResponse> DuplexStreaming<TRequest, TResponse>(Method<TRequest, TResponse> method, CallOptions options = default)
    {
        var call = NewCall(method, MethodType.DuplexStreaming, options);
        var requests = call.StartStreaming();
        return new DuplexStreamingCall<TRequest, TResponse>(call, requests, new ClientResponseStream<TRequest, TResponse>(call));
    }

    /// <inheritdoc />
    public void Dispose() => _invoker.Dispose();

    internal Uri GetMethodUri(string path) => _methodUris.GetOrAdd(path, static (p, address) => new Uri(address, p), Address);

    private ClientCall<TRequest, TResponse> NewCall<TRequest, TResponse>(Method<TRequest, TResponse> method, MethodType expected, CallOptions options)
    {
        ArgumentNullException.ThrowIfNull(method);
        if (method.Type != expected) throw new ArgumentException($"{method.FullName} is a {method.Type} method, not {expected}.", nameof(method));
        return new ClientCall<TRequest, TResponse>(this, method, options);
    }

    private static SocketsHttpHandler CreateHandler(GrpcChannelOptions options, bool tls)
    {
        var handler = new SocketsHttpHandler
        {
            // Streams beyond the server's per-connection limit queue on a new connection instead of waiting.
            EnableMultipleHttp2Connections = true,
            KeepAlivePingDelay = options.KeepAlivePingDelay,
            KeepAlivePingTimeout = options.KeepAlivePingTimeout,
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            ConnectTimeout = options.ConnectTimeout,
            InitialHttp2StreamWindowSize = Math.Clamp(options.InitialStreamWindowSize, 65535, MaxStreamWindowSize),
            AutomaticDecompression = DecompressionMethods.None,
            AllowAutoRedirect = false,
            UseCookies = false,
            // gRPC traffic stays inside the cluster; an HTTP proxy from the environment would break h2c.
            UseProxy = false,
        };
        if (tls)
        {
            handler.SslOptions = new SslClientAuthenticationOptions
            {
                ApplicationProtocols = [SslApplicationProtocol.Http2],
                RemoteCertificateValidationCallback = options.RemoteCertificateValidation,
            };
        }
        return handler;
    }
}
