using AsyncRL.Algorithms.Replay;

namespace AsyncRL.Algorithms.Tests.Replay;

public sealed class SampleToInsertRatioTests
{
    [Fact]
    public void CanSample_WaitsForTheMinimumSizeThenTracksTheRatio()
    {
        var limiter = new SampleToInsertRatio(SamplesPerInsert: 4, MinSizeToSample: 100, ErrorBuffer: 32);
        Assert.False(limiter.CanSample(inserted: 99, sampled: 0, size: 99, batch: 32));
        Assert.True(limiter.CanSample(100, 0, 100, 32));   // deficit 0, one batch within the slack
        Assert.False(limiter.CanSample(100, 32, 100, 32)); // would be 64 rows ahead
        Assert.True(limiter.CanSample(116, 32, 116, 32));  // 16 more inserts earn 64 samples
        // Driven to steady state, samples stay within the error buffer of 4 × inserts.
        long inserted = 100, sampled = 0;
        for (int i = 0; i < 1000; i++)
        {
            inserted += 10;
            while (limiter.CanSample(inserted, sampled, 1000, 32)) sampled += 32;
            Assert.InRange(limiter.Deficit(inserted, sampled), -32, 32);
        }
        Assert.Equal(4.0, (double)sampled / (inserted - 100), 1);
    }

    [Fact]
    public void CanInsert_BlocksOnlyWhenSamplingFallsBehindTheErrorBuffer()
    {
        var limiter = new SampleToInsertRatio(8, 10, 64);
        Assert.True(limiter.CanInsert(inserted: 0, sampled: 0, size: 0, rows: 10));
        Assert.True(limiter.CanInsert(18, 0, 18, 4));   // deficit 64: at the limit
        Assert.False(limiter.CanInsert(19, 0, 19, 4));  // deficit 72: the learner must catch up
        Assert.True(limiter.CanInsert(19, 8, 19, 4));
    }

    [Fact]
    public void Validate_RejectsNonsense()
    {
        Assert.Throws<ArgumentException>(() => new SampleToInsertRatio(0, 1, 1).Validate());
        Assert.Throws<ArgumentException>(() => new SampleToInsertRatio(1, 0, 1).Validate());
        Assert.Throws<ArgumentException>(() => new SampleToInsertRatio(1, 1, -1).Validate());
    }
}
