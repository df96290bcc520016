using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace AsyncRL.Contracts.Transport;

/// <summary>
/// Spans and metrics of the transport. Subscribe with OpenTelemetry's <c>AddSource</c>/<c>AddMeter</c>
/// using <see cref="Name"/>. Tags are low-cardinality: method paths come only from mapped services.
/// </summary>
internal sealed class GrpcTelemetry : IDisposable
{
    public const string Name = "AsyncRL.Contracts.Transport";

    /// <summary>Shared by server and client: an ActivitySource has no per-host state worth isolating.</summary>
    public static readonly ActivitySource ActivitySource = new(Name);

    private static readonly object[] BoxedCodes = Enumerable.Range(0, 17).Select(i => (object)i).ToArray();
    private readonly Meter _meter;

    public GrpcTelemetry(IMeterFactory? meterFactory)
    {
        _meter = meterFactory?.Create(Name) ?? new Meter(Name);
        ServerCalls = _meter.CreateCounter<long>("asyncrl.rpc.server.calls", "{call}", "Calls handled, by method and gRPC status code.");
        ServerDuration = _meter.CreateHistogram<double>("asyncrl.rpc.server.duration", "s", "Time from a call's arrival to its status.");
        ProtocolErrors = _meter.CreateCounter<long>("asyncrl.rpc.server.protocol_errors", "{error}",
            "Requests refused for breaking the protocol (bad framing, content-type, size, encoding, stalls).");
        ActiveCalls = _meter.CreateUpDownCounter<long>("asyncrl.rpc.server.active_calls", "{call}", "Calls in progress.");
    }

    public Meter Meter => _meter;

    public Counter<long> ServerCalls { get; }

    public Histogram<double> ServerDuration { get; }

    public Counter<long> ProtocolErrors { get; }

    public UpDownCounter<long> ActiveCalls { get; }

    public void CallEnded(string method, StatusCode code, long startTimestamp)
    {
        object boxedCode = (uint)code < (uint)BoxedCodes.Length ? BoxedCodes[(int)code] : (int)code;
        var tags = new TagList { { "rpc.method", method }, { "rpc.grpc.status_code", boxedCode } };
        ServerCalls.Add(1, tags);
        if (ServerDuration.Enabled && startTimestamp != 0)
        {
            ServerDuration.Record(Stopwatch.GetElapsedTime(startTimestamp).TotalSeconds, tags);
        }
    }

    public void ProtocolError(ProtocolError error) =>
        ProtocolErrors.Add(1, new KeyValuePair<string, object?>("error.type", ErrorName(error)));

    public static string ErrorName(ProtocolError error) => error switch
    {
        Transport.ProtocolError.NotHttp2 => "not_http2",
        Transport.ProtocolError.BadContentType => "bad_content_type",
        Transport.ProtocolError.MessageTooLarge => "message_too_large",
        Transport.ProtocolError.InvalidFlags => "invalid_flags",
        Transport.ProtocolError.CompressedWithoutEncoding => "compressed_without_encoding",
        Transport.ProtocolError.UnsupportedEncoding => "unsupported_encoding",
        Transport.ProtocolError.IncompleteMessage => "incomplete_message",
        Transport.ProtocolError.Undeserializable => "undeserializable",
        Transport.ProtocolError.Stalled => "stalled",
        Transport.ProtocolError.Decompression => "decompression",
        Transport.ProtocolError.MissingMessage => "missing_message",
        Transport.ProtocolError.TooManyMessages => "too_many_messages",
        Transport.ProtocolError.BadTimeout => "bad_timeout",
        _ => "other",
    };

    public void Dispose() => _meter.Dispose();
}
