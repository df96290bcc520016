using AsyncRL.Tests.Support;

namespace AsyncRL.Learner.Tests.Hosting;

public sealed class LearnerNodeOptionsTlsTests
{
    [Fact]
    public void Validate_HttpsWithCertificate_Passes_EitherWithoutTheOther_Throws()
    {
        using var ca = TestCertificates.CreateCa("asyncrl test ca");
        using var certificate = TestCertificates.CreateServer(ca, ["localhost"], []);
        var options = new LearnerNodeOptions { OutDir = "unused", Listen = "https://127.0.0.1:0", TlsCertificate = certificate };

        options.Validate();
        var noCertificate = Assert.Throws<ArgumentException>(() => (options with { TlsCertificate = null }).Validate());
        Assert.Contains("no certificate", noCertificate.Message, StringComparison.Ordinal);
        var plaintext = Assert.Throws<ArgumentException>(() => (options with { Listen = "http://127.0.0.1:0" }).Validate());
        Assert.Contains("not https://", plaintext.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ListenAddress_Https_ParsesItsPort_IsTls()
    {
        Assert.Equal(5443, ListenAddress.Parse("https://0.0.0.0:5443").Port);
        Assert.True(ListenAddress.IsTls("https://0.0.0.0:5443"));
        Assert.False(ListenAddress.IsTls("http://0.0.0.0:5000"));
        Assert.Throws<ArgumentException>(() => ListenAddress.Parse("ftp://0.0.0.0:5000"));
    }
}
