using System.Net;
using AsyncRL.IntegrationTests.BadInput.Otlp;
using AsyncRL.IntegrationTests.Otlp;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;

namespace AsyncRL.IntegrationTests.BadInput;

/// <summary>
/// An OTLP/HTTP metrics receiver on 127.0.0.1 (<c>POST /v1/metrics</c>, protobuf), as a collector would be: it keeps
/// the newest cumulative value of every series (a counter's sum, a histogram's count), so a test reads the counters of
/// a learner process exactly as a dashboard would.
/// </summary>
internal sealed class MetricsReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Lock _lock = new();
    private readonly Dictionary<(string Metric, string Series), (Dictionary<string, string> Tags, long Value)> _series = [];
    private TaskCompletionSource _exported = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private MetricsReceiver(WebApplication app) => _app = app;

    /// <summary>Where the process sends its metrics (OTEL_EXPORTER_OTLP_METRICS_ENDPOINT).</summary>
    public Uri Endpoint { get; private set; } = null!;

    public static async Task<MetricsReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.Protocols = HttpProtocols.Http1AndHttp2));
        var app = builder.Build();
        var receiver = new MetricsReceiver(app);
        app.MapPost("/v1/metrics", async (HttpContext context) =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body, context.RequestAborted).ConfigureAwait(false);
            receiver.Take(ExportMetricsServiceRequest.Parser.ParseFrom(body.ToArray()));
            context.Response.ContentType = "application/x-protobuf";
            await context.Response.Body.WriteAsync(Google.Protobuf.MessageExtensions.ToByteArray(new ExportMetricsServiceResponse()), context.RequestAborted).ConfigureAwait(false);
        });
        await app.StartAsync().ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver.Endpoint = new Uri(new Uri(address), "/v1/metrics");
        return receiver;
    }

    /// <summary>The environment that makes an asyncrl process send its metrics here, five times a second.</summary>
    public Dictionary<string, string> ExportEnvironment() => new()
    {
        ["OTEL_EXPORTER_OTLP_METRICS_ENDPOINT"] = Endpoint.ToString(),
        ["OTEL_EXPORTER_OTLP_METRICS_PROTOCOL"] = "http/protobuf",
        ["OTEL_METRIC_EXPORT_INTERVAL"] = "200",
    };

    /// <summary>
    /// The newest total of <paramref name="metric"/> over the series whose tags include every one of
    /// <paramref name="tags"/> (0 before it was first exported).
    /// </summary>
    public long Total(string metric, params (string Key, string Value)[] tags)
    {
        lock (_lock)
        {
            return _series.Where(kv => kv.Key.Metric == metric && tags.All(t => kv.Value.Tags.TryGetValue(t.Key, out var v) && v == t.Value))
                .Sum(kv => kv.Value.Value);
        }
    }

    /// <summary>Whether <paramref name="metric"/> has been exported at all.</summary>
    public bool Has(string metric)
    {
        lock (_lock) return _series.Keys.Any(k => k.Metric == metric);
    }

    /// <summary>Every series of <paramref name="metric"/> now, tags and value, for failure messages.</summary>
    public string Describe(string metric)
    {
        lock (_lock)
        {
            var lines = _series.Where(kv => kv.Key.Metric == metric).Select(kv => $"{kv.Key.Series} = {kv.Value.Value}");
            return $"{metric}: " + string.Join("; ", lines);
        }
    }

    /// <summary>Waits for an export after which <paramref name="condition"/> holds; fails naming <paramref name="what"/>.</summary>
    public async Task WaitForAsync(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? Eventually.Wait);
        while (true)
        {
            Task next;
            lock (_lock)
            {
                next = _exported.Task;
            }
            if (condition()) return;
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero) throw new TimeoutException($"no metrics export showed {what}");
            try
            {
                await next.WaitAsync(left).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // checked once more above, then reported
            }
        }
    }

    /// <summary>Waits for the next export (so a counter that should not move has had its chance to).</summary>
    public Task NextExportAsync()
    {
        lock (_lock) return _exported.Task.WaitAsync(Eventually.Wait);
    }

    private void Take(ExportMetricsServiceRequest request)
    {
        TaskCompletionSource done;
        lock (_lock)
        {
            foreach (var metric in request.ResourceMetrics.SelectMany(r => r.ScopeMetrics).SelectMany(s => s.Metrics))
            {
                if (metric.Sum is { } sum)
                {
                    foreach (var point in sum.DataPoints)
                        Record(metric.Name, point.Attributes, point.ValueCase == NumberDataPoint.ValueOneofCase.AsInt ? point.AsInt : (long)point.AsDouble, sum.AggregationTemporality);
                }
                else if (metric.Histogram is { } histogram)
                {
                    foreach (var point in histogram.DataPoints)
                        Record(metric.Name, point.Attributes, (long)point.Count, histogram.AggregationTemporality);
                }
            }
            done = _exported;
            _exported = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        done.TrySetResult();
    }

    private void Record(string metric, IEnumerable<KeyValue> attributes, long value, int temporality)
    {
        var tags = attributes.ToDictionary(a => a.Key, a => Text(a.Value), StringComparer.Ordinal);
        string series = string.Join(",", tags.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => $"{t.Key}={t.Value}"));
        // Cumulative (the exporter's default): the newest point is the total. Delta: points add up.
        long total = temporality == 1 && _series.TryGetValue((metric, series), out var old) ? old.Value + value : value;
        _series[(metric, series)] = (tags, total);
    }

    private static string Text(AnyValue? value) => value?.ValueCase switch
    {
        AnyValue.ValueOneofCase.StringValue => value.StringValue,
        AnyValue.ValueOneofCase.IntValue => value.IntValue.ToString(System.Globalization.CultureInfo.InvariantCulture),
        AnyValue.ValueOneofCase.BoolValue => value.BoolValue ? "true" : "false",
        AnyValue.ValueOneofCase.DoubleValue => value.DoubleValue.ToString(System.Globalization.CultureInfo.InvariantCulture),
        _ => "",
    };

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
