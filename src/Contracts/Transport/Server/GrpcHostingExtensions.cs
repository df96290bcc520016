using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace AsyncRL.Contracts.Transport;

/// <summary>Registers the gRPC transport and maps services onto endpoints.</summary>
public static class GrpcHostingExtensions
{
    private static readonly ConditionalWeakTable<IEndpointRouteBuilder, object> FallbackMapped = [];

    /// <summary>Registers what mapped gRPC services need; <paramref name="configure"/> sets the options.</summary>
    public static IServiceCollection AddGrpcTransport(this IServiceCollection services, Action<GrpcServerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<GrpcServerOptions>();
        if (configure is not null) services.Configure(configure);
        services.AddMetrics();
        services.TryAddSingleton(static provider => new GrpcTelemetry(provider.GetService<System.Diagnostics.Metrics.IMeterFactory>()));
        services.TryAddSingleton(static provider => new GrpcServerRuntime(
            provider.GetRequiredService<IOptions<GrpcServerOptions>>().Value,
            provider.GetService<ILoggerFactory>()?.CreateLogger("AsyncRL.Contracts.Transport.Server") ?? NullLogger.Instance,
            provider.GetRequiredService<GrpcTelemetry>()));
        return services;
    }

    /// <summary>
    /// Maps every method of <paramref name="service"/> to <c>POST /package.Service/Method</c>. Calls to
    /// paths that no service maps get UNIMPLEMENTED. The returned builder applies conventions (e.g.
    /// <c>RequireHost("*:8081")</c> to serve health checks on one port only) to all the methods.
    /// </summary>
    public static IEndpointConventionBuilder MapGrpcService(this IEndpointRouteBuilder endpoints, ServiceDefinition service)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(service);
        var runtime = endpoints.ServiceProvider.GetService<GrpcServerRuntime>()
            ?? throw new InvalidOperationException("Call services.AddGrpcTransport() before mapping gRPC services.");

        var builders = new List<IEndpointConventionBuilder>(service.Methods.Count);
        foreach (ServerMethod method in service.Methods)
        {
            ServerCallHandler handler = method.CreateHandler(runtime, service.AllowAnonymous);
            builders.Add(endpoints.MapPost(method.Path, (RequestDelegate)handler.HandleAsync).WithDisplayName("gRPC " + method.Path));
        }
        if (FallbackMapped.TryAdd(endpoints, new object()))
        {
            // Literal method routes take precedence over this pattern, so it only sees unknown methods.
            var unimplemented = new UnimplementedCallHandler(runtime);
            endpoints.MapPost("/{service}/{method}", (RequestDelegate)unimplemented.HandleAsync).WithDisplayName("gRPC unimplemented");
        }
        return new CompositeConventionBuilder(builders);
    }

    private sealed class CompositeConventionBuilder(List<IEndpointConventionBuilder> builders) : IEndpointConventionBuilder
    {
        public void Add(Action<EndpointBuilder> convention)
        {
            foreach (var builder in builders) builder.Add(convention);
        }

        public void Finally(Action<EndpointBuilder> finallyConvention)
        {
            foreach (var builder in builders) builder.Finally(finallyConvention);
        }
    }
}

/// <summary>Answers calls to unmapped methods with UNIMPLEMENTED (Trailers-Only).</summary>
internal sealed class UnimplementedCallHandler(GrpcServerRuntime runtime)
{
    public async Task HandleAsync(HttpContext httpContext)
    {
        if (!await ServerCallHandler.CheckProtocolAsync(httpContext, runtime).ConfigureAwait(false)) return;
        string path = httpContext.Request.Path.Value ?? string.Empty;
        GrpcServerLog.Unimplemented(runtime.Logger, path);
        runtime.Telemetry.CallEnded("unknown", StatusCode.Unimplemented, 0);
        var headers = httpContext.Response.Headers;
        headers[GrpcProtocol.StatusHeader] = GrpcProtocol.StatusString(StatusCode.Unimplemented);
        headers[GrpcProtocol.MessageHeader] = PercentEncoding.Encode($"Method {path} is unimplemented.");
    }
}
