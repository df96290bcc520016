using System.Net;
using System.Net.Sockets;

namespace AsyncRL.Learner;

/// <summary>Turns <c>http://HOST:PORT</c> into the endpoint Kestrel listens on.</summary>
internal static class ListenAddress
{
    public static IPEndPoint Parse(string listen)
    {
        ArgumentException.ThrowIfNullOrEmpty(listen);
        // "*" and "+" are the wildcard hosts of ASP.NET URLs; Uri does not parse them.
        string normalised = listen.Replace("://*:", "://0.0.0.0:", StringComparison.Ordinal).Replace("://+:", "://0.0.0.0:", StringComparison.Ordinal);
        if (!Uri.TryCreate(normalised, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttp)
            throw new ArgumentException($"Listen address '{listen}' is not http://HOST:PORT (the learner serves h2c; TLS is not supported).");
        if (uri.IsDefaultPort && !listen.Contains(":80", StringComparison.Ordinal))
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
