using System.Security.Cryptography;
using System.Text;

namespace AsyncRL.Contracts.Transport;

/// <summary>
/// Lets a call through when it carries <c>authorization: Bearer &lt;secret&gt;</c> with the configured
/// secret; answers UNAUTHENTICATED otherwise. The comparison takes the same time for every wrong token.
/// </summary>
public sealed class BearerTokenAuthenticator : IGrpcCallAuthenticator
{
    private const string Scheme = "Bearer ";
    private readonly byte[] _secret;

    /// <summary>Checks calls against <paramref name="secret"/>.</summary>
    public BearerTokenAuthenticator(string secret)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        _secret = Encoding.UTF8.GetBytes(secret);
    }

    /// <inheritdoc />
    public ValueTask<Status> AuthenticateAsync(ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        string? header = context.HttpContext.Request.Headers[GrpcProtocol.AuthorizationHeader];
        if (header is null || !header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return ValueTask.FromResult(new Status(StatusCode.Unauthenticated, "Missing bearer token."));
        }
        byte[] presented = Encoding.UTF8.GetBytes(header.AsSpan(Scheme.Length).Trim().ToString());
        return ValueTask.FromResult(CryptographicOperations.FixedTimeEquals(presented, _secret)
            ? Status.DefaultSuccess
            : new Status(StatusCode.Unauthenticated, "Invalid bearer token."));
    }
}
