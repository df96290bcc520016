using System.Net;
using System.Security.Cryptography.X509Certificates;
using AsyncRL.Contracts.Wire;
using Grpc.AspNetCore.Server;
using Grpc.HealthCheck;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AsyncRL.Contracts.Tests.Support;

/// <summary>
/// Kestrel with grpc-dotnet on 127.0.0.1 and a free port, set up as the learner sets up its own
/// (<see cref="GrpcKestrel.ConfigureGrpcDefaults"/>, <see cref="GrpcKestrel.ListenGrpc"/>), for one test (class).
/// </summary>
internal sealed class GrpcTestServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly RequestCounter _requests;

    private GrpcTestServer(WebApplication app, Uri address, RequestCounter requests)
    {
        _app = app;
        Address = address;
        _requests = requests;
    }

    /// <summary>http://127.0.0.1:port (or https:// with a certificate).</summary>
    public Uri Address { get; }

    /// <summary>How many HTTP requests reached the server (before any gRPC handling).</summary>
    public int RequestsReceived => _requests.Count;

    /// <summary>
    /// Starts a server: <paramref name="services"/> registers the service instances (singletons),
    /// <paramref name="map"/> maps them, <paramref name="grpc"/> sets grpc-dotnet's options.
    /// </summary>
    public static async Task<GrpcTestServer> StartAsync(
        Action<IServiceCollection, IGrpcServerBuilder> services,
        Action<IEndpointRouteBuilder> map,
        Action<GrpcServiceOptions>? grpc = null,
        X509Certificate2? certificate = null,
        Action<KestrelServerOptions>? kestrel = null)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(options =>
        {
            options.ConfigureGrpcDefaults();
            options.ListenGrpc(new IPEndPoint(IPAddress.Loopback, 0), certificate);
            kestrel?.Invoke(options);
        });
        builder.Services.AddRoutingCore();
        builder.Services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        IGrpcServerBuilder grpcBuilder = builder.Services.AddGrpc(options => grpc?.Invoke(options));
        services(builder.Services, grpcBuilder);
        var app = builder.Build();
        var requests = new RequestCounter();
        app.Use(async (context, next) =>
        {
            requests.Increment();
            await next(context);
        });
        app.UseRouting();
        map(app);
        await app.StartAsync().Within();
        string bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new GrpcTestServer(app, new Uri(bound), requests);
    }

    /// <summary>
    /// A server with the interop test service and, when given, a health service; with <paramref name="token"/>
    /// the interop service (not health) requires it, as the learner's service does.
    /// </summary>
    public static Task<GrpcTestServer> StartInteropAsync(InteropService interop, HealthServiceImpl? health = null, string? token = null,
        Action<GrpcServiceOptions>? grpc = null, X509Certificate2? certificate = null, Action<KestrelServerOptions>? kestrel = null) =>
        StartAsync(
            (services, grpcBuilder) =>
            {
                services.AddSingleton(interop);
                if (health is not null) services.AddSingleton(health);
                if (token is not null) grpcBuilder.AddServiceOptions<InteropService>(o => o.Interceptors.Add<BearerTokenInterceptor>(token));
            },
            app =>
            {
                app.MapGrpcService<InteropService>();
                if (health is not null) app.MapGrpcService<HealthServiceImpl>();
            },
            grpc, certificate, kestrel);

    public GrpcChannel CreateChannel(GrpcChannelOptions? options = null) => GrpcChannel.ForAddress(Address, options ?? new GrpcChannelOptions());

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().Within();
        await _app.DisposeAsync();
    }

    private sealed class RequestCounter
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public void Increment() => Interlocked.Increment(ref _count);
    }
}
