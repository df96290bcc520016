using Microsoft.Extensions.Logging;

namespace AsyncRL.Contracts.Transport;

/// <summary>What every call handler of one host shares: options, logger, telemetry.</summary>
internal sealed class GrpcServerRuntime(GrpcServerOptions options, ILogger logger, GrpcTelemetry telemetry)
{
    public GrpcServerOptions Options { get; } = options;

    public ILogger Logger { get; } = logger;

    public GrpcTelemetry Telemetry { get; } = telemetry;
}
