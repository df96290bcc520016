using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace AsyncRL.Learner;

/// <summary>
/// OTLP export of the learner's traces and metrics, with the standard ASP.NET Core, gRPC client and .NET runtime instrumentation, configured by the standard
/// <c>OTEL_*</c> environment variables: off unless <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> (or a per-signal
/// endpoint) is set, off with <c>OTEL_SDK_DISABLED=true</c>; <c>OTEL_EXPORTER_OTLP_PROTOCOL</c> picks
/// <c>grpc</c> or <c>http/protobuf</c>; <c>OTEL_SERVICE_NAME</c> and <c>OTEL_RESOURCE_ATTRIBUTES</c> name the resource.
/// </summary>
public static class LearnerTelemetry
{
    /// <summary>Builds the providers; the caller owns (and disposes) what comes back.</summary>
    /// <param name="serviceName">service.name unless OTEL_SERVICE_NAME says otherwise.</param>
    /// <param name="additionalSources">More source and meter names to export (e.g. the actors', in an embedded run).</param>
    /// <param name="environment">Where OTEL_* variables are read (the process environment by default).</param>
    public static OtlpExport Configure(string serviceName = "asyncrl-learner", IEnumerable<string>? additionalSources = null,
        Func<string, string?>? environment = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(serviceName);
        var env = environment ?? Environment.GetEnvironmentVariable;
        if (string.Equals(env("OTEL_SDK_DISABLED"), "true", StringComparison.OrdinalIgnoreCase)) return new OtlpExport(null, null);
        string? generic = NonEmpty(env("OTEL_EXPORTER_OTLP_ENDPOINT"));
        string? tracesEndpoint = NonEmpty(env("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"));
        string? metricsEndpoint = NonEmpty(env("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT"));
        if (generic is null && tracesEndpoint is null && metricsEndpoint is null) return new OtlpExport(null, null);

        string[] names = [LearnerInstrumentation.Name, .. additionalSources ?? []];
        var resource = ResourceBuilder.CreateDefault().AddService(NonEmpty(env("OTEL_SERVICE_NAME")) ?? serviceName);
        var protocol = Protocol(env("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL") ?? env("OTEL_EXPORTER_OTLP_PROTOCOL"));
        var metricsProtocol = Protocol(env("OTEL_EXPORTER_OTLP_METRICS_PROTOCOL") ?? env("OTEL_EXPORTER_OTLP_PROTOCOL"));

        TracerProvider? traces = tracesEndpoint is null && generic is null ? null : Sdk.CreateTracerProviderBuilder()
            .SetResourceBuilder(resource)
            .AddSource(names)
            // Standard rpc.* spans of both ends: the learner's Kestrel server and the actors' Grpc.Net.Client calls.
            .AddAspNetCoreInstrumentation()
            .AddGrpcClientInstrumentation()
            .AddOtlpExporter(o => Apply(o, protocol, tracesEndpoint, generic, "v1/traces"))
            .Build();
        MeterProvider? metrics = metricsEndpoint is null && generic is null ? null : Sdk.CreateMeterProviderBuilder()
            .SetResourceBuilder(resource)
            .AddMeter(names)
            .AddAspNetCoreInstrumentation()
            .AddRuntimeInstrumentation()
            .AddOtlpExporter(o => Apply(o, metricsProtocol, metricsEndpoint, generic, "v1/metrics"))
            .Build();
        return new OtlpExport(traces, metrics);
    }

    // The exporter uses an endpoint set in code as it is, so the per-signal path the OTLP/HTTP spec appends
    // to OTEL_EXPORTER_OTLP_ENDPOINT is appended here; a per-signal endpoint is taken as it is.
    private static void Apply(OtlpExporterOptions options, OtlpExportProtocol? protocol, string? signalEndpoint, string? generic, string path)
    {
        if (protocol is { } p) options.Protocol = p;
        if (signalEndpoint is not null)
        {
            options.Endpoint = new Uri(signalEndpoint);
        }
        else if (generic is not null)
        {
            options.Endpoint = options.Protocol == OtlpExportProtocol.HttpProtobuf
                ? new Uri(generic.TrimEnd('/') + "/" + path)
                : new Uri(generic);
        }
    }

    private static OtlpExportProtocol? Protocol(string? value) => value?.Trim().ToUpperInvariant() switch
    {
        null or "" => null,
        "GRPC" => OtlpExportProtocol.Grpc,
        "HTTP/PROTOBUF" => OtlpExportProtocol.HttpProtobuf,
        _ => throw new ArgumentException($"OTEL_EXPORTER_OTLP_PROTOCOL '{value}' is not supported (grpc, http/protobuf)."),
    };

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}

/// <summary>The OTLP providers <see cref="LearnerTelemetry.Configure"/> built (none when export is off).</summary>
public sealed class OtlpExport(TracerProvider? traces, MeterProvider? metrics) : IDisposable
{
    /// <summary>Whether anything is exported.</summary>
    public bool Enabled => Traces is not null || Metrics is not null;

    /// <summary>The trace provider, when traces are exported.</summary>
    public TracerProvider? Traces { get; } = traces;

    /// <summary>The meter provider, when metrics are exported.</summary>
    public MeterProvider? Metrics { get; } = metrics;

    /// <summary>Sends what is buffered now.</summary>
    public bool ForceFlush(int timeoutMilliseconds = 5000) =>
        (Traces?.ForceFlush(timeoutMilliseconds) ?? true) & (Metrics?.ForceFlush(timeoutMilliseconds) ?? true);

    /// <inheritdoc />
    public void Dispose()
    {
        Traces?.Dispose();
        Metrics?.Dispose();
    }
}
