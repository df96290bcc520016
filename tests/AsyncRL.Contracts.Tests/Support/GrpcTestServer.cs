using System.Net;
using System.Security.Cryptography.X509Certificates;
using AsyncRL.Contracts.Transport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AsyncRL.Contracts.Tests.Support;

/// <summary>A Kestrel server on 127.0.0.1 with a free port, hosting gRPC services for one test (class).</summary>
internal sealed class GrpcTestServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private GrpcTestServer(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
        Metrics = new MetricRecorder(app.Services.GetRequiredService<GrpcTelemetry>().Meter);
    }

    /// <summary>http://127.0.0.1:port (or https:// with a certificate).</summary>
    public Uri Address { get; }

    /// <summary>Measurements of this server's meter.</summary>
    public MetricRecorder Metrics { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<GrpcTestServer> StartAsync(
        Action<IEndpointRouteBuilder> map,
        Action<GrpcServerOptions>? configure = null,
        X509Certificate2? certificate = null,
        HttpProtocols protocols = HttpProtocols.Http2,
        Action<KestrelServerOptions>? kestrel = null)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(options =>
        {
            options.ConfigureGrpcDefaults();
            if (protocols == HttpProtocols.Http2)
            {
                options.ListenGrpc(new IPEndPoint(IPAddress.Loopback, 0), certificate);
            }
            else
            {
                options.Listen(IPAddress.Loopback, 0, listen =>
                {
                    listen.Protocols = protocols;
                    if (certificate is not null) listen.UseHttps(certificate);
                });
            }
            kestrel?.Invoke(options);
        });
        builder.Services.AddRoutingCore();
        builder.Services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        builder.Services.AddGrpcTransport(configure);
        var app = builder.Build();
        app.UseRouting();
        map(app);
        await app.StartAsync().WaitAsync(TimeSpan.FromSeconds(30));
        string bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new GrpcTestServer(app, new Uri(bound));
    }

    /// <summary>A server with the interop test service mapped.</summary>
    public static Task<GrpcTestServer> StartInteropAsync(InteropService service, Action<GrpcServerOptions>? configure = null,
        X509Certificate2? certificate = null) =>
        StartAsync(app => app.MapGrpcService(service.Definition()), configure, certificate);

    public GrpcChannel CreateChannel(GrpcChannelOptions? options = null) => GrpcChannel.ForAddress(Address, options);

    public async ValueTask DisposeAsync()
    {
        Metrics.Dispose();
        await _app.StopAsync().WaitAsync(TimeSpan.FromSeconds(30));
        await _app.DisposeAsync();
    }
}
