using AsyncRL.Learner.Ingestion;
using AsyncRL.Learner.Tests.Support;

namespace AsyncRL.Learner.Tests.Ingestion;

public sealed class DeduplicatorTests
{
    [Fact]
    public void SeqWindow_OutOfOrderSeqs_AreAbsorbedIntoTheWatermark()
    {
        var window = new SeqWindow();

        Assert.True(window.Add(1));
        Assert.True(window.Add(3));
        Assert.True(window.Add(4));
        Assert.Equal(1ul, window.Contiguous);
        Assert.Equal([3ul, 4ul], window.Above);
        Assert.True(window.Add(2));

        Assert.Equal(4ul, window.Contiguous);
        Assert.Empty(window.Above);
        Assert.False(window.Add(3));
        Assert.True(window.Contains(2));
        Assert.False(window.Contains(5));
    }

    [Fact]
    public void SeqWindow_AGapThatNeverFills_IsBounded()
    {
        var window = new SeqWindow();
        bool overflowed = false;

        for (ulong seq = 2; seq <= SeqWindow.MaxSparse + 2; seq++) overflowed |= window.Add(seq, out bool o) && o;

        Assert.True(overflowed);
        Assert.Equal(SeqWindow.MaxSparse + 2ul, window.Contiguous);
        Assert.Empty(window.Above);
    }

    [Fact]
    public async Task Deduplicator_ResendWhileTheFirstIsBeingStored_WaitsForItsOutcome()
    {
        var dedup = new Deduplicator();
        var first = await dedup.TryReserveAsync("a/0", 1, CancellationToken.None).Within();

        var resend = dedup.TryReserveAsync("a/0", 1, CancellationToken.None).AsTask();
        bool waited = !resend.IsCompleted;
        dedup.Abort(first!); // the first stream broke before storing it
        var retaken = await resend.Within();
        dedup.Commit(retaken!);
        var third = await dedup.TryReserveAsync("a/0", 1, CancellationToken.None).Within();

        Assert.True(waited);
        Assert.NotNull(retaken);
        Assert.Null(third);
    }

    [Fact]
    public async Task Deduplicator_Checkpoint_KeepsOnlyWhatWasTrainedOnOrRejected()
    {
        var dedup = new Deduplicator();
        foreach (ulong seq in new ulong[] { 1, 2, 3, 5 }) dedup.Commit((await dedup.TryReserveAsync("a/0", seq, CancellationToken.None).Within())!);
        dedup.Commit((await dedup.TryReserveAsync("a/0", 4, CancellationToken.None).Within())!, rejected: true);
        dedup.MarkTrained("a/0", 1);
        dedup.MarkTrained("a/0", 2);

        var restored = new Deduplicator();
        restored.Restore(dedup.SaveDone());

        Assert.True(restored.HasSeen("a/0", 1));
        Assert.True(restored.HasSeen("a/0", 2));
        Assert.False(restored.HasSeen("a/0", 3)); // stored, not trained on: a re-send after a crash is taken again
        Assert.True(restored.HasSeen("a/0", 4));  // rejected: never retried
        Assert.False(restored.HasSeen("a/0", 5));
        Assert.False(restored.HasSeen("b/0", 1));
    }
}
