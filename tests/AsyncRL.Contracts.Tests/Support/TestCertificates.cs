using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace AsyncRL.Contracts.Tests.Support;

/// <summary>A self-signed certificate for localhost / 127.0.0.1, made once per test run.</summary>
internal static class TestCertificates
{
    private static readonly Lazy<X509Certificate2> Server = new(Create);

    public static X509Certificate2 Localhost => Server.Value;

    /// <summary>The certificate as PEM, for peers that trust it explicitly (grpcio).</summary>
    public static string LocalhostPem => Localhost.ExportCertificatePem();

    private static X509Certificate2 Create()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(System.Net.IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using X509Certificate2 ephemeral = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        // Round-trip through PKCS#12 so the private key is usable by SslStream on every platform.
        return X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pfx), null);
    }
}
