using AsyncRL.Cli.Configuration;
using Microsoft.Extensions.Logging;

namespace AsyncRL.Cli.Tests;

public sealed class NodeLoggingTests
{
    [Theory]
    [InlineData("warning", LogLevel.Warning, true)]
    [InlineData("WARNING", LogLevel.Information, false)]
    [InlineData("debug", LogLevel.Debug, true)]
    [InlineData("none", LogLevel.Critical, false)]
    public void Create_KnownLevel_EnablesThatLevelAndAbove(string level, LogLevel probe, bool enabled)
    {
        using var factory = NodeLogging.Create(level);
        Assert.Equal(enabled, factory.CreateLogger("AsyncRL.Actors").IsEnabled(probe));
    }

    [Fact]
    public void Create_AtInformation_KeepsTheWebHostsRequestMessagesOut()
    {
        using var factory = NodeLogging.Create("information");
        Assert.True(factory.CreateLogger("AsyncRL.Learner").IsEnabled(LogLevel.Information));
        Assert.False(factory.CreateLogger("Microsoft.AspNetCore.Hosting.Diagnostics").IsEnabled(LogLevel.Information));
        Assert.True(factory.CreateLogger("Microsoft.AspNetCore.Hosting.Diagnostics").IsEnabled(LogLevel.Warning));
    }

    [Theory]
    [InlineData("loud")]
    [InlineData("4")]
    public void Create_UnknownLevel_IsAUsageErrorNamingTheLevels(string level)
    {
        var e = Assert.Throws<CliUsageException>(() => NodeLogging.Create(level));
        Assert.Equal($"--log-level '{level}': expected one of trace, debug, information, warning, error, critical, none.", e.Message);
    }
}
