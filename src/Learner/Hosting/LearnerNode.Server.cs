using System.Net;
using System.Security.Cryptography.X509Certificates;
using AsyncRL.Cluster;
using AsyncRL.Contracts.Wire;
using AsyncRL.Learner.Service;
using AsyncRL.Learner.Wire;
using Grpc.AspNetCore.Server;
using Grpc.HealthCheck;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AsyncRL.Learner;

public sealed partial class LearnerNode
{
    /// <summary>Kestrel with grpc-dotnet: the learner service (token-checked), health (anonymous) and, when asked, reflection.</summary>
    private async Task<(WebApplication, Uri)> StartServerAsync(LearnerService service, CancellationToken cancellationToken)
    {
        var endPoint = ListenAddress.Parse(_options.Listen);
        var builder = CreateBuilder(endPoint, _options.TlsCertificate);
        builder.Services.AddSingleton(service);
        builder.Services.AddGrpc(grpc => grpc.MaxReceiveMessageSize = _options.MaxReceiveMessageSize)
            .AddServiceOptions<LearnerService>(learner =>
            {
                if (_options.AuthToken is { Length: > 0 } token) learner.Interceptors.Add<BearerTokenInterceptor>(token);
            });
        if (_options.GrpcReflection) builder.Services.AddGrpcReflection();
        var app = Build(builder);
        // After the call observer, so that it counts the calls these refuse or cut off.
        app.UseMiddleware<ConcurrentCallLimit>(_options.MaxConcurrentCalls);
        app.UseMiddleware<MessageStallGuard>(_options.MessageStallTimeout, _time);
        app.MapGrpcService<LearnerService>();
        app.MapGrpcService<HealthServiceImpl>();
        if (_options.GrpcReflection) app.MapGrpcReflectionService();
        return (app, await StartAppAsync(app, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Plaintext health checks on their own port, for Kubernetes gRPC probes.</summary>
    private async Task<(WebApplication, Uri)> StartHealthServerAsync(int port, CancellationToken cancellationToken)
    {
        var endPoint = new IPEndPoint(ListenAddress.Parse(_options.Listen).Address, port);
        var builder = CreateBuilder(endPoint, certificate: null);
        builder.Services.AddGrpc();
        // A Watch on health never ends by itself: past this grace the node's stop closes it instead of waiting.
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(2));
        var app = Build(builder);
        app.MapGrpcService<HealthServiceImpl>();
        return (app, await StartAppAsync(app, cancellationToken).ConfigureAwait(false));
    }

    private WebApplicationBuilder CreateBuilder(IPEndPoint endPoint, X509Certificate2? certificate)
    {
        // No appsettings reload: its watcher follows the working directory, where the run directory usually lies,
        // and woke on every metrics line (a thread busy on inotify events for the whole run).
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = ["--hostBuilder:reloadConfigOnChange=false"] });
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(_loggerFactory);
        builder.Services.AddSingleton<IHostLifetime, NodeHostLifetime>();
        builder.Services.AddSingleton(_health);
        builder.Services.AddSingleton(Instrumentation);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.ConfigureGrpcDefaults();
            kestrel.ListenGrpc(endPoint, certificate);
        });
        return builder;
    }

    private static WebApplication Build(WebApplicationBuilder builder)
    {
        var app = builder.Build();
        app.UseMiddleware<GrpcCallObserver>();
        return app;
    }

    private static async Task<Uri> StartAppAsync(WebApplication app, CancellationToken cancellationToken)
    {
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        string bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new Uri(bound);
    }
}
