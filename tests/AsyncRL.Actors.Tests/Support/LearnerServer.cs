using System.Net;
using AsyncRL.Contracts.Wire;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AsyncRL.Actors.Tests.Support;

/// <summary>Kestrel with grpc-dotnet on 127.0.0.1 (the learner's Kestrel settings), serving a fake learner.</summary>
internal sealed class LearnerServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private bool _stopped;

    private LearnerServer(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    public Uri Address { get; }

    /// <summary>Starts on a free port (0), or on <paramref name="port"/> to stand in for a restarted learner.</summary>
    public static async Task<LearnerServer> StartAsync(FakeLearner learner, int port = 0, string? token = null)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(options =>
        {
            options.ConfigureGrpcDefaults();
            options.ListenGrpc(new IPEndPoint(IPAddress.Loopback, port));
        });
        builder.Services.AddRoutingCore();
        builder.Services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        builder.Services.AddSingleton(learner);
        builder.Services.AddGrpc().AddServiceOptions<FakeLearner>(options =>
        {
            if (token is not null) options.Interceptors.Add<BearerTokenInterceptor>(token);
        });
        var app = builder.Build();
        app.UseRouting();
        app.MapGrpcService<FakeLearner>();
        await app.StartAsync().WaitAsync(TestTimeouts.Default);
        string bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new LearnerServer(app, new Uri(bound));
    }

    /// <summary>Stops the server (open calls are cut), as a crashed learner would.</summary>
    public async Task StopAsync()
    {
        if (_stopped) return;
        _stopped = true;
        using var quick = new CancellationTokenSource(TimeSpan.FromSeconds(1)); // do not wait for open streams to drain
        await _app.StopAsync(quick.Token).WaitAsync(TestTimeouts.Default);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await _app.DisposeAsync();
    }
}
