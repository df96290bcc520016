using AsyncRL.Contracts.Transport;

namespace AsyncRL.Contracts.Tests.Transport;

public sealed class GrpcProtocolTests
{
    [Theory]
    [InlineData("1H", 36_000_000_000L)]
    [InlineData("2M", 1_200_000_000L)]
    [InlineData("3S", 30_000_000L)]
    [InlineData("250m", 2_500_000L)]
    [InlineData("7u", 70L)]
    [InlineData("150n", 2L)] // 1.5 ticks, rounded up
    [InlineData("99999999S", 999_999_990_000_000L)]
    [InlineData("0m", 0L)]
    public void TryParseTimeout_ValidValue_ReturnsDuration(string value, long expectedTicks)
    {
        Assert.True(GrpcProtocol.TryParseTimeout(value, out TimeSpan timeout));
        Assert.Equal(expectedTicks, timeout.Ticks);
    }

    [Theory]
    [InlineData("")]
    [InlineData("S")]
    [InlineData("10")]
    [InlineData("123456789S")] // nine digits
    [InlineData("-5S")]
    [InlineData("5s")]
    [InlineData("1.5S")]
    public void TryParseTimeout_InvalidValue_ReturnsFalse(string value) =>
        Assert.False(GrpcProtocol.TryParseTimeout(value, out _));

    [Theory]
    [InlineData(0.0001, "100u")]
    [InlineData(1.5, "1500000u")]
    [InlineData(1000.0, "1000000m")]
    [InlineData(20_000.0, "20000000m")]
    [InlineData(200_000.0, "200000S")]
    [InlineData(1e9, "16666667M")]
    public void FormatTimeout_PicksFinestUnitThatFits(double seconds, string expected) =>
        Assert.Equal(expected, GrpcProtocol.FormatTimeout(TimeSpan.FromSeconds(seconds)));

    [Fact]
    public void FormatTimeout_ThenParse_NeverShortensTheDeadline()
    {
        var random = new Random(3);
        for (int i = 0; i < 1000; i++)
        {
            var timeout = TimeSpan.FromTicks(random.NextInt64(1, TimeSpan.FromDays(400).Ticks));
            Assert.True(GrpcProtocol.TryParseTimeout(GrpcProtocol.FormatTimeout(timeout), out TimeSpan parsed));
            Assert.True(parsed >= timeout, $"{timeout} became {parsed}");
        }
    }

    [Theory]
    [InlineData("plain ascii", "plain ascii")]
    [InlineData("100% sure", "100%25 sure")]
    [InlineData("line\nbreak", "line%0Abreak")]
    [InlineData("héllo ✓", "h%C3%A9llo %E2%9C%93")]
    public void PercentEncoding_EncodesNonPrintableAndPercent(string raw, string encoded)
    {
        Assert.Equal(encoded, PercentEncoding.Encode(raw));
        Assert.Equal(raw, PercentEncoding.Decode(encoded));
    }

    [Theory]
    [InlineData("%", "%")]
    [InlineData("bad %zz escape", "bad %zz escape")]
    [InlineData("trailing %4", "trailing %4")]
    public void PercentEncoding_MalformedEscapes_AreKept(string encoded, string decoded) =>
        Assert.Equal(decoded, PercentEncoding.Decode(encoded));

    [Theory]
    [InlineData("application/grpc", true)]
    [InlineData("application/grpc+proto", true)]
    [InlineData("application/grpc;charset=utf-8", true)]
    [InlineData("APPLICATION/GRPC", true)]
    [InlineData("application/grpcx", false)]
    [InlineData("application/json", false)]
    [InlineData(null, false)]
    public void IsGrpcContentType_FollowsTheSpec(string? contentType, bool expected) =>
        Assert.Equal(expected, GrpcProtocol.IsGrpcContentType(contentType));

    [Fact]
    public void MetadataEntry_KeysAreLowerCasedAndValidated()
    {
        Assert.Equal("x-trace", new MetadataEntry("X-Trace", "v").Key);
        Assert.Throws<ArgumentException>(() => new MetadataEntry("bad key", "v"));
        Assert.Throws<ArgumentException>(() => new MetadataEntry("x-bin", "text in a binary key"));
        Assert.Throws<ArgumentException>(() => new MetadataEntry("x-text", [1, 2]));
        Assert.Throws<ArgumentException>(() => new MetadataEntry("x-text", "non-ascii é"));
        Assert.Equal("AQI=", new MetadataEntry("x-bin", [1, 2]).Value);
    }

    [Fact]
    public void Metadata_EmptyIsReadOnly() =>
        Assert.Throws<InvalidOperationException>(() => Metadata.Empty.Add("a", "b"));
}
