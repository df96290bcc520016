using System.Globalization;

namespace AsyncRL.Contracts.Transport;

/// <summary>Names and small codecs from the gRPC over HTTP/2 specification (PROTOCOL-HTTP2).</summary>
internal static class GrpcProtocol
{
    public const string ContentType = "application/grpc";
    public const string StatusHeader = "grpc-status";
    public const string MessageHeader = "grpc-message";
    public const string TimeoutHeader = "grpc-timeout";
    public const string EncodingHeader = "grpc-encoding";
    public const string AcceptEncodingHeader = "grpc-accept-encoding";
    public const string TraceParentHeader = "traceparent";
    public const string TraceStateHeader = "tracestate";
    public const string AuthorizationHeader = "authorization";
    public const string IdentityEncoding = "identity";
    public const string SupportedEncodings = "identity,gzip,deflate";
    public const string UserAgent = "asyncrl-grpc-dotnet/1.0";

    /// <summary>Largest value a grpc-timeout may carry: 8 ASCII digits.</summary>
    private const long MaxTimeoutValue = 99_999_999;

    private static readonly string[] StatusStrings =
        Enumerable.Range(0, 17).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray();

    /// <summary>The grpc-status header value for a code, without allocating for the known codes.</summary>
    public static string StatusString(StatusCode code) =>
        (uint)code < (uint)StatusStrings.Length ? StatusStrings[(int)code] : ((int)code).ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// Whether a Content-Type is gRPC's: "application/grpc" alone or followed by "+format" or ";params".
    /// </summary>
    public static bool IsGrpcContentType(string? contentType)
    {
        if (contentType is null || !contentType.StartsWith(ContentType, StringComparison.OrdinalIgnoreCase)) return false;
        return contentType.Length == ContentType.Length || contentType[ContentType.Length] is '+' or ';';
    }

    /// <summary>Headers that carry protocol information rather than user metadata.</summary>
    public static bool IsReservedHeader(string name) =>
        name.Length == 0 || name[0] == ':' ||
        name.Equals("content-type", StringComparison.OrdinalIgnoreCase) ||
        name.Equals("content-length", StringComparison.OrdinalIgnoreCase) ||
        name.Equals("te", StringComparison.OrdinalIgnoreCase) ||
        name.Equals("host", StringComparison.OrdinalIgnoreCase) ||
        name.Equals("accept-encoding", StringComparison.OrdinalIgnoreCase) ||
        name.Equals(TimeoutHeader, StringComparison.OrdinalIgnoreCase) ||
        name.Equals(EncodingHeader, StringComparison.OrdinalIgnoreCase) ||
        name.Equals(AcceptEncodingHeader, StringComparison.OrdinalIgnoreCase) ||
        name.Equals(StatusHeader, StringComparison.OrdinalIgnoreCase) ||
        name.Equals(MessageHeader, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Parses grpc-timeout: 1 to 8 ASCII digits and a unit (H, M, S, m, u, n).
    /// </summary>
    public static bool TryParseTimeout(string? value, out TimeSpan timeout)
    {
        timeout = default;
        if (value is null || value.Length < 2 || value.Length > 9) return false;
        long amount = 0;
        for (int i = 0; i < value.Length - 1; i++)
        {
            char c = value[i];
            if (c is < '0' or > '9') return false;
            amount = amount * 10 + (c - '0');
        }
        long ticks;
        switch (value[^1])
        {
            case 'H': ticks = amount * TimeSpan.TicksPerHour; break;
            case 'M': ticks = amount * TimeSpan.TicksPerMinute; break;
            case 'S': ticks = amount * TimeSpan.TicksPerSecond; break;
            case 'm': ticks = amount * TimeSpan.TicksPerMillisecond; break;
            case 'u': ticks = amount * TimeSpan.TicksPerMicrosecond; break;
            // A tick is 100 ns; round up so a tiny timeout stays a timeout, not zero.
            case 'n': ticks = (amount + 99) / 100; break;
            default: return false;
        }
        timeout = TimeSpan.FromTicks(ticks);
        return true;
    }

    /// <summary>
    /// Formats a timeout in the finest unit that fits 8 digits, rounding up so the server never sees
    /// a shorter deadline than the client's.
    /// </summary>
    public static string FormatTimeout(TimeSpan timeout)
    {
        long ticks = Math.Max(timeout.Ticks, 1);
        long micros = CeilDiv(ticks, TimeSpan.TicksPerMicrosecond);
        if (micros <= MaxTimeoutValue) return Format(micros, 'u');
        long millis = CeilDiv(ticks, TimeSpan.TicksPerMillisecond);
        if (millis <= MaxTimeoutValue) return Format(millis, 'm');
        long seconds = CeilDiv(ticks, TimeSpan.TicksPerSecond);
        if (seconds <= MaxTimeoutValue) return Format(seconds, 'S');
        long minutes = CeilDiv(ticks, TimeSpan.TicksPerMinute);
        if (minutes <= MaxTimeoutValue) return Format(minutes, 'M');
        return Format(Math.Min(CeilDiv(ticks, TimeSpan.TicksPerHour), MaxTimeoutValue), 'H');

        static long CeilDiv(long a, long b) => (a + b - 1) / b;
        static string Format(long value, char unit) => value.ToString(CultureInfo.InvariantCulture) + unit;
    }

    /// <summary>Maps an HTTP status of a non-gRPC answer to a gRPC code (http-grpc-status-mapping.md).</summary>
    public static StatusCode FromHttpStatus(int httpStatus) => httpStatus switch
    {
        400 => StatusCode.Internal,
        401 => StatusCode.Unauthenticated,
        403 => StatusCode.PermissionDenied,
        404 => StatusCode.Unimplemented,
        429 or 502 or 503 or 504 => StatusCode.Unavailable,
        _ => StatusCode.Unknown,
    };
}
