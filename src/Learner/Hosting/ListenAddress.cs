using System.Net;
using System.Net.Sockets;

namespace AsyncRL.Learner;

/// <summary>Turns <c>http://HOST:PORT</c> (or <c>https://</c> with a certificate) into the endpoint Kestrel listens on.</summary>
internal static class ListenAddress
{
    /// <summary>Whether <paramref name="listen"/> asks for TLS.</summary>
    public static bool IsTls(string listen) => listen.StartsWith("https://", StringComparison.OrdinalIgnoreCase);

    public static IPEndPoint Parse(string listen)
    {
        ArgumentException.ThrowIfNullOrEmpty(listen);
        // "*" and "+" are the wildcard hosts of ASP.NET URLs; Uri does not parse them.
        string normalised = listen.Replace("://*:", "://0.0.0.0:", StringComparison.Ordinal).Replace("://+:", "://0.0.0.0:", StringComparison.Ordinal);
        if (!Uri.TryCreate(normalised, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            throw new ArgumentException($"Listen address '{listen}' is not http://HOST:PORT (h2c) or https://HOST:PORT (TLS).");
        if (uri.IsDefaultPort && !listen.Contains(uri.Scheme == Uri.UriSchemeHttps ? ":443" : ":80", StringComparison.Ordinal))
            throw new ArgumentException($"Listen address '{listen}' names no port.");
        string host = uri.IdnHost;
        IPAddress address = host switch
        {
            "localhost" => IPAddress.Loopback,
            _ when IPAddress.TryParse(host, out var ip) => ip,
            _ => Dns.GetHostAddresses(host).FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork)
                ?? throw new ArgumentException($"Listen host '{host}' has no IPv4 address."),
        };
        return new IPEndPoint(address, uri.Port);
    }
}
