namespace AsyncRL.Actors.Tests.Telemetry;

public sealed class LatencyHistogramTests
{
    [Fact]
    public void Percentiles_AreTheUpperBoundOfTheBucketHoldingTheRank_AtMostANinthAbove()
    {
        // Arrange: 90 durations of 2 ms, 10 of 150 ms
        var histogram = new LatencyHistogram();
        for (int i = 0; i < 90; i++) histogram.Record(TimeSpan.FromMilliseconds(2));
        for (int i = 0; i < 10; i++) histogram.Record(TimeSpan.FromMilliseconds(150));

        // Act
        LatencySnapshot snapshot = histogram.Snapshot();

        // Assert
        Assert.Equal(100, snapshot.Count);
        Assert.InRange(snapshot.PercentileMs(0.5), 2, 2 * 1.0905);
        Assert.InRange(snapshot.PercentileMs(0.9), 2, 2 * 1.0905);
        Assert.InRange(snapshot.PercentileMs(0.91), 150, 150 * 1.0905);
        Assert.InRange(snapshot.PercentileMs(0.99), 150, 150 * 1.0905);
    }

    [Fact]
    public void Buckets_ListTheNonEmptyOnesAsBoundAndCount_AndTheExtremesLandInTheEndBuckets()
    {
        // Arrange
        var histogram = new LatencyHistogram();
        histogram.Record(TimeSpan.Zero);
        histogram.Record(TimeSpan.FromMilliseconds(1));
        histogram.Record(TimeSpan.FromMilliseconds(1));
        histogram.Record(TimeSpan.FromDays(3));

        // Act
        string buckets = histogram.Snapshot().Buckets();

        // Assert: 1 ms lies between the bounds 10 µs × 2^(53/8) and × 2^(54/8); the last bound is 10 µs × 2^30 (about 3 h)
        Assert.Equal("0.01:1 1.07635:2 1.07374E+07:1", buckets);
    }

    [Fact]
    public void Empty_HasNoPercentiles()
    {
        LatencySnapshot empty = new LatencyHistogram().Snapshot();

        Assert.Equal(0, empty.Count);
        Assert.True(double.IsNaN(empty.PercentileMs(0.5)));
        Assert.Equal("", empty.Buckets());
    }
}
