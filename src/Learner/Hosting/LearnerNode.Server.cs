using System.Net;
using System.Security.Cryptography.X509Certificates;
using AsyncRL.Contracts.Transport;
using AsyncRL.Contracts.V1;
using AsyncRL.Learner.Service;
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
    /// <summary>Kestrel with our gRPC transport: the learner service (token-checked) and health (anonymous).</summary>
    private async Task<(WebApplication, Uri)> StartServerAsync(LearnerService service, CancellationToken cancellationToken)
    {
        var endPoint = ListenAddress.Parse(_options.Listen);
        var app = BuildApp(endPoint, _options.TlsCertificate, grpc =>
        {
            grpc.MaxReceiveMessageSize = _options.MaxReceiveMessageSize;
            if (_options.AuthToken is { Length: > 0 } token) grpc.Authenticator = new BearerTokenAuthenticator(token);
        });
        app.MapGrpcService(LearnerMethods.BindService(service));
        app.MapGrpcService(_health.CreateDefinition());
        return (app, await StartAppAsync(app, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Plaintext health checks on their own port, for Kubernetes gRPC probes.</summary>
    private async Task<(WebApplication, Uri)> StartHealthServerAsync(int port, CancellationToken cancellationToken)
    {
        var endPoint = new IPEndPoint(ListenAddress.Parse(_options.Listen).Address, port);
        var app = BuildApp(endPoint, certificate: null, configure: null);
        app.MapGrpcService(_health.CreateDefinition());
        return (app, await StartAppAsync(app, cancellationToken).ConfigureAwait(false));
    }

    private WebApplication BuildApp(IPEndPoint endPoint, X509Certificate2? certificate, Action<GrpcServerOptions>? configure)
    {
        // No appsettings reload: its watcher follows the working directory, where the run directory usually lies,
        // and woke on every metrics line (a thread busy on inotify events for the whole run).
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = ["--hostBuilder:reloadConfigOnChange=false"] });
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(_loggerFactory);
        builder.Services.AddSingleton<IHostLifetime, NodeHostLifetime>();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.ConfigureGrpcDefaults();
            kestrel.ListenGrpc(endPoint, certificate);
        });
        builder.Services.AddGrpcTransport(configure);
        return builder.Build();
    }

    private static async Task<Uri> StartAppAsync(WebApplication app, CancellationToken cancellationToken)
    {
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        string bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new Uri(bound);
    }
}
