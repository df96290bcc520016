using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace AsyncRL.Cli.Configuration;

/// <summary>
/// TLS from PEM files, as Kubernetes mounts a <c>kubernetes.io/tls</c> Secret (<c>tls.crt</c>, <c>tls.key</c>,
/// and <c>ca.crt</c> where the issuer provides it).
/// </summary>
internal static class TlsFiles
{
    /// <summary>The learner's certificate with its key; null when neither file is given.</summary>
    public static X509Certificate2? ServerCertificate(string? certPath, string? keyPath)
    {
        bool hasCert = !string.IsNullOrEmpty(certPath), hasKey = !string.IsNullOrEmpty(keyPath);
        if (!hasCert && !hasKey) return null;
        if (!hasCert || !hasKey) throw new CliUsageException("--tls-cert and --tls-key go together: give both PEM files or neither.");
        try
        {
            // The first certificate in the file is the server's; intermediates after it are not sent.
            return X509Certificate2.CreateFromPemFile(certPath!, keyPath);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            throw new CliUsageException($"--tls-cert {certPath} / --tls-key {keyPath}: {ex.Message}");
        }
    }

    /// <summary>
    /// A validation that trusts only the CA certificates in <paramref name="caPath"/> (the learner's certificate must
    /// chain to one of them and name the host the actor dialled); null: the system trust store decides.
    /// </summary>
    public static RemoteCertificateValidationCallback? TrustOnly(string? caPath)
    {
        if (string.IsNullOrEmpty(caPath)) return null;
        var roots = new X509Certificate2Collection();
        try
        {
            roots.ImportFromPemFile(caPath);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException)
        {
            throw new CliUsageException($"--tls-ca {caPath}: {ex.Message}");
        }
        if (roots.Count == 0) throw new CliUsageException($"--tls-ca {caPath}: no PEM certificate in the file.");
        return (_, certificate, chain, errors) => IsTrusted(roots, certificate, chain, errors);
    }

    /// <summary>The name check stands as the TLS stack made it; the chain is rebuilt against <paramref name="roots"/> alone.</summary>
    internal static bool IsTrusted(X509Certificate2Collection roots, System.Security.Cryptography.X509Certificates.X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (certificate is null || (errors & (SslPolicyErrors.RemoteCertificateNotAvailable | SslPolicyErrors.RemoteCertificateNameMismatch)) != 0)
            return false;
        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.AddRange(roots);
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck; // a private CA publishes no revocation lists
        if (chain is not null) custom.ChainPolicy.ExtraStore.AddRange(chain.ChainPolicy.ExtraStore); // intermediates the server sent
        if (certificate is X509Certificate2 leaf) return custom.Build(leaf);
        using var copy = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return custom.Build(copy);
    }
}
