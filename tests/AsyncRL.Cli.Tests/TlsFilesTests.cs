using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using AsyncRL.Cli.Configuration;
using AsyncRL.Tests.Support;

namespace AsyncRL.Cli.Tests;

public sealed class TlsFilesTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("asyncrl-tls-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Pem(X509Certificate2 certificate, string name)
    {
        var path = Path.Combine(_dir, name);
        TestCertificates.WritePem(certificate, path);
        return path;
    }

    [Fact]
    public void TrustOnly_LearnerCertificateFromTheGivenCa_IsAccepted_FromAnotherCa_IsNot()
    {
        using var ca = TestCertificates.CreateCa("asyncrl test ca");
        using var other = TestCertificates.CreateCa("some other ca");
        using var server = TestCertificates.CreateServer(ca, ["asyncrl-learner"], [IPAddress.Loopback]);
        // The system store knows neither CA, so the TLS stack reports a chain error; the callback decides.
        const SslPolicyErrors systemVerdict = SslPolicyErrors.RemoteCertificateChainErrors;

        Assert.True(TlsFiles.TrustOnly(Pem(ca, "ca.crt"))!(this, server, null, systemVerdict));
        Assert.False(TlsFiles.TrustOnly(Pem(other, "other.crt"))!(this, server, null, systemVerdict));
    }

    [Fact]
    public void TrustOnly_NameMismatch_IsRejectedEvenFromTheTrustedCa()
    {
        using var ca = TestCertificates.CreateCa("asyncrl test ca");
        using var server = TestCertificates.CreateServer(ca, ["asyncrl-learner"], []);
        var trust = TlsFiles.TrustOnly(Pem(ca, "ca.crt"))!;
        Assert.False(trust(this, server, null, SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateChainErrors));
        Assert.False(trust(this, null, null, SslPolicyErrors.RemoteCertificateNotAvailable));
    }

    [Fact]
    public void TrustOnly_NoFlag_LeavesTheSystemStore_EmptyFile_IsAUsageError()
    {
        Assert.Null(TlsFiles.TrustOnly(null));
        var empty = Path.Combine(_dir, "empty.crt");
        File.WriteAllText(empty, "");
        var ex = Assert.Throws<CliUsageException>(() => TlsFiles.TrustOnly(empty));
        Assert.Contains("--tls-ca", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ServerCertificate_LoadsCertificateAndKey_OneWithoutTheOther_IsAUsageError()
    {
        using var ca = TestCertificates.CreateCa("asyncrl test ca");
        using var server = TestCertificates.CreateServer(ca, ["asyncrl-learner"], []);
        string cert = Path.Combine(_dir, "tls.crt"), key = Path.Combine(_dir, "tls.key");
        TestCertificates.WritePem(server, cert, key);

        using var loaded = TlsFiles.ServerCertificate(cert, key);
        Assert.NotNull(loaded);
        Assert.True(loaded.HasPrivateKey);
        Assert.Equal(server.Thumbprint, loaded.Thumbprint);
        Assert.Null(TlsFiles.ServerCertificate(null, null));
        Assert.Throws<CliUsageException>(() => TlsFiles.ServerCertificate(cert, null));
        Assert.Throws<CliUsageException>(() => TlsFiles.ServerCertificate(cert, Path.Combine(_dir, "missing.key")));
    }
}
